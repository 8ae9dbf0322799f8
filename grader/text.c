/*
 * text.c: text from checks, cut to size and made safe to show. See text.h.
 */
#include "text.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies the last few lines of text (at most cap bytes) into out. */
void text_tail(const char *text, int lines, char *out, size_t cap)
{
	size_t len = strlen(text);
	while (len > 0 && text[len - 1] == '\n')
		len--;
	size_t start = len;
	while (start > 0 && lines > 0) {
		start--;
		if (text[start] == '\n')
			lines--;
	}
	if (text[start] == '\n')
		start++;
	if (len - start >= cap)
		start = len - (cap - 1);
	snprintf(out, cap, "%.*s", (int)(len - start), text + start);
}

/* Returns true if text holds line as a whole line. */
static bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);
	for (const char *at = strstr(text, line); at != NULL;
	     at = strstr(at + 1, line))
		if ((at == text || at[-1] == '\n') && at[len] == '\n')
			return true;
	return false;
}

/* Copies the lines of text that contain needle (at most cap bytes). */
void text_grep(const char *text, const char *needle, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (const char *line = text; *line != '\0' && n + 1 < cap;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char copy[1024];
		snprintf(copy, sizeof copy, "%.*s", (int)len, line);
		/* once each: a file built twice (mm.o, mm.pic.o) warns twice */
		if (strstr(copy, needle) != NULL && !has_line(out, copy))
			n += (size_t)snprintf(out + n, cap - n, "%s\n", copy);
		line += len + (end != NULL);
	}
	if (n >= cap)
		out[cap - 1] = '\0';
}

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0 if invalid. */
static size_t utf8_length(const unsigned char *p)
{
	size_t n = p[0] < 0x80             ? 1
		   : (p[0] & 0xe0) == 0xc0 ? 2
		   : (p[0] & 0xf0) == 0xe0 ? 3
		   : (p[0] & 0xf8) == 0xf0 ? 4
					   : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	bool overlong = (n == 2 && p[0] < 0xc2) ||
			(n == 3 && p[0] == 0xe0 && p[1] < 0xa0) ||
			(n == 4 && p[0] == 0xf0 && p[1] < 0x90);
	bool surrogate = n == 3 && p[0] == 0xed && p[1] >= 0xa0;
	bool too_big =
		n == 4 && (p[0] > 0xf4 || (p[0] == 0xf4 && p[1] >= 0x90));
	return overlong || surrogate || too_big ? 0 : n;
}

/*
 * Makes text (of size cap) safe to print and to put in JSON: valid UTF-8,
 * every control character but newline written as \xNN, so that nothing a
 * check printed can move the TA's cursor or change their terminal, and a
 * byte that is not UTF-8 also as \xNN. Cut short to fit, never mid-way.
 */
void text_clean(char *text, size_t cap)
{
	char *copy = strdup(text);
	if (copy == NULL)
		return;
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)copy;
	while (*p != '\0') {
		size_t len = utf8_length(p);
		bool control =
			len == 1 && (*p < 0x20 || *p == 0x7f) && *p != '\n';
		if (len == 0 || control) {
			if (n + 5 > cap)
				break;
			n += (size_t)snprintf(text + n, cap - n, "\\x%02x", *p);
			p++;
			continue;
		}
		if (n + len + 1 > cap)
			break;
		memcpy(text + n, p, len);
		n += len;
		p += len;
	}
	text[n] = '\0';
	free(copy);
}
