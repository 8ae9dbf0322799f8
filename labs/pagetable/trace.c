/*
 * trace.c: reading memory-reference traces (formats: see trace.h).
 *
 * Traces from real programs run to tens of millions of lines, so the
 * reader never calls scanf: it reads the file a megabyte at a time, finds
 * lines with memchr() and parses numbers by hand. Nothing is allocated per
 * line. Every malformed line is an error that names the file and line.
 */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	TOKEN_SHOWN_MAX = 40,      /* characters of a bad line quoted */
	LACKEY_SIZE_MAX = 1 << 16, /* the largest access a lackey line makes */
};

static const char *const FORMAT_NAMES[] = {
	[TRACE_AUTO] = "auto",
	[TRACE_REFS] = "refs",
	[TRACE_RW] = "rw",
	[TRACE_LACKEY] = "lackey",
};

/* Sets *format to the format called name. Returns 0, or -1 if none is. */
int trace_parse_format(const char *name, enum trace_format *format)
{
	size_t n = sizeof FORMAT_NAMES / sizeof *FORMAT_NAMES;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, FORMAT_NAMES[i]) == 0) {
			*format = (enum trace_format)i;
			return 0;
		}
	}
	return -1;
}

/* Records what is wrong, quoting the text [start, end) if there is any,
 * and returns -1. */
static int trace_fail(struct trace *t, const char *what, const char *start,
		      const char *end)
{
	char where[TRACE_ERROR_MAX / 2], quote[TOKEN_SHOWN_MAX + 4] = "";
	int shown = end - start > TOKEN_SHOWN_MAX ? TOKEN_SHOWN_MAX
						  : (int)(end - start);
	if (t->numbered)
		snprintf(where, sizeof where, "%s:%zu", t->name, t->line);
	else
		snprintf(where, sizeof where, "%s", t->name);
	if (shown > 0)
		snprintf(quote, sizeof quote, ": '%.*s'", shown, start);
	snprintf(t->error, sizeof t->error, "%s: %s%s", where, what, quote);
	return -1;
}

/* Sets up *t with no input yet. */
static void trace_setup(struct trace *t, const char *name,
			enum trace_format format, size_t page_size)
{
	*t = (struct trace){.name = name, .fd = -1, .format = format};
	while (((size_t)1 << t->offset_bits) < page_size)
		t->offset_bits++;
}

/*
 * Opens the trace file at path, in the given format (or TRACE_AUTO), for
 * pages of page_size bytes. Returns 0, or -1 with t->error set. Either way,
 * trace_close() frees what was set up.
 */
int trace_open(struct trace *t, const char *path, enum trace_format format,
	       size_t page_size)
{
	trace_setup(t, path, format, page_size);
	t->numbered = true;
	t->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0) {
		snprintf(t->error, sizeof t->error, "cannot open %s: %s", path,
			 strerror(errno));
		return -1;
	}
	t->buf = malloc(TRACE_BUFFER_SIZE);
	t->cap = TRACE_BUFFER_SIZE;
	if (t->buf == NULL) {
		snprintf(t->error, sizeof t->error, "%s: out of memory", path);
		return -1;
	}
	return 0;
}

/*
 * Opens text, a refs trace held in memory (what --refs gives), calling it
 * name in errors. Returns 0, or -1 with t->error set; trace_close() frees.
 */
int trace_open_text(struct trace *t, const char *name, const char *text,
		    size_t page_size)
{
	trace_setup(t, name, TRACE_REFS, page_size);
	t->len = t->cap = strlen(text);
	t->eof = true;
	t->buf = malloc(t->len + 1);
	if (t->buf == NULL) {
		snprintf(t->error, sizeof t->error, "%s: out of memory", name);
		return -1;
	}
	memcpy(t->buf, text, t->len + 1);
	return 0;
}

void trace_close(struct trace *t)
{
	if (t->fd >= 0)
		close(t->fd);
	free(t->buf);
	t->fd = -1;
	t->buf = NULL;
}

/* Moves the unparsed bytes to the front of buf and reads more after them.
 * Returns 0, or -1 with t->error set. */
static int trace_fill(struct trace *t)
{
	memmove(t->buf, t->buf + t->pos, t->len - t->pos);
	t->len -= t->pos;
	t->pos = 0;
	ssize_t n;
	do {
		n = read(t->fd, t->buf + t->len, t->cap - t->len);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(t->error, sizeof t->error, "cannot read %s: %s",
			 t->name, strerror(errno));
		return -1;
	}
	t->eof = n == 0;
	t->len += (size_t)n;
	return 0;
}

/* Makes the next line current: [cur, line_end). Returns 1, 0 at the end of
 * the trace, or -1 with t->error set. */
static int trace_next_line(struct trace *t)
{
	for (;;) {
		char *start = t->buf + t->pos;
		char *newline = memchr(start, '\n', t->len - t->pos);
		if (newline != NULL || (t->eof && t->pos < t->len)) {
			size_t end = t->len;
			if (newline != NULL)
				end = (size_t)(newline - t->buf);
			t->cur = t->pos;
			t->line_end = end;
			t->pos = newline ? end + 1 : end;
			t->line++;
			return 1;
		}
		if (t->eof)
			return 0;
		if (t->pos == 0 && t->len == t->cap) {
			t->line++;
			return trace_fail(t,
					  "line longer than 1 MiB: put "
					  "references on lines of their own",
					  start, start);
		}
		if (trace_fill(t) != 0)
			return -1;
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* Returns true if nothing but blanks (or, if comments, a # comment) is left. */
static bool rest_is_blank(const char *p, const char *end, bool comments)
{
	p = skip_blanks(p, end);
	return p == end || (comments && *p == '#');
}

/* Returns true if c is one of the characters of set. */
static bool is_one_of(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* Returns the value of digit c in base 10 or 16, or -1. */
static int digit_value(char c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses the digits at *p (before end) in base into *value and moves *p
 * past them. Returns false if there are none or the value overflows. */
static bool parse_number(const char **p, const char *end, unsigned base,
			 uint64_t *value)
{
	const char *s = *p;
	uint64_t v = 0;
	for (int d; s < end && (d = digit_value(*s, base)) >= 0; s++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	if (s == *p)
		return false;
	*p = s;
	*value = v;
	return true;
}

/* Parses an address: hexadecimal after 0x, else decimal. */
static bool parse_address(const char **p, const char *end, uint64_t *value)
{
	const char *s = *p;
	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		*p += 2;
		return parse_number(p, end, 16, value);
	}
	return parse_number(p, end, 10, value);
}

/* Queues an access of size bytes at va, to be handed out page by page. */
static void access_start(struct trace *t, uint64_t va, uint64_t size,
			 enum access kind, bool then_write)
{
	t->access = (struct trace_access){
		.active = true,
		.va = va,
		.vpn = va >> t->offset_bits,
		.last = (va + size - 1) >> t->offset_bits,
		.kind = kind,
		.then_write = then_write,
	};
}

/* Hands out the next page of the queued access. Returns false if none is
 * left. The first page's reference is at the access's own address. */
static bool access_next(struct trace *t, struct trace_ref *ref)
{
	struct trace_access *a = &t->access;
	if (!a->active)
		return false;
	if (a->vpn > a->last) {
		if (!a->then_write) {
			a->active = false;
			return false;
		}
		a->then_write = false;
		a->kind = ACCESS_WRITE;
		a->vpn = a->va >> t->offset_bits;
	}
	bool first = a->vpn == a->va >> t->offset_bits;
	ref->va = first ? a->va : a->vpn << t->offset_bits;
	ref->kind = a->kind;
	a->vpn++;
	return true;
}

/* Returns the end of the refs token at p. */
static const char *token_end(const char *p, const char *end)
{
	while (p < end && *p != ',' && *p != '#' && !is_blank(*p))
		p++;
	return p;
}

/* Parses the next page number on the current refs line. Returns 1 with
 * *ref filled, 0 if the line holds no more, or -1 with t->error set. */
static int refs_next(struct trace *t, struct trace_ref *ref)
{
	const char *p = t->buf + t->cur, *end = t->buf + t->line_end;
	while (p < end && (*p == ',' || is_blank(*p)))
		p++;
	if (p == end || *p == '#') {
		t->cur = t->line_end;
		return 0;
	}
	const char *token = p;
	uint64_t page;
	enum access kind = ACCESS_READ;
	bool ok = parse_number(&p, end, 10, &page);
	if (ok && p < end && is_one_of(*p, "Ww"))
		kind = ACCESS_WRITE;
	if (ok && p < end && is_one_of(*p, "WwRr"))
		p++;
	if (!ok || token_end(p, end) != p)
		return trace_fail(t, "bad page number", token,
				  token_end(token, end));
	if (page > UINT64_MAX >> t->offset_bits)
		return trace_fail(t, "page number too large", token, p);
	t->cur = (size_t)(p - t->buf);
	*ref = (struct trace_ref){.va = page << t->offset_bits, .kind = kind};
	return 1;
}

/* Parses an rw line. Returns 1 with an access queued, 0 for a blank or
 * comment line, or -1 with t->error set. */
static int rw_line(struct trace *t, const char *p, const char *end)
{
	const char *line = p;
	p = skip_blanks(p, end);
	if (rest_is_blank(p, end, true))
		return 0;
	char op = *p++;
	enum access kind = is_one_of(op, "Ww") ? ACCESS_WRITE : ACCESS_READ;
	bool op_ok = is_one_of(op, "RrWw");
	if (!op_ok || p == end || !is_blank(*p))
		return trace_fail(t, "expected R or W and an address", line,
				  end);
	p = skip_blanks(p, end);
	uint64_t va;
	if (!parse_address(&p, end, &va) || !rest_is_blank(p, end, true))
		return trace_fail(t, "bad address", line, end);
	access_start(t, va, 1, kind, false);
	return 1;
}

/* Returns the access kind of lackey operation op, or -1 if it is none. */
static int lackey_kind(char op)
{
	switch (op) {
	case 'I':
		return ACCESS_EXEC;
	case 'L':
	case 'M': /* modify: read, then write */
		return ACCESS_READ;
	case 'S':
		return ACCESS_WRITE;
	default:
		return -1;
	}
}

/* Parses a lackey line. Returns 1 with an access queued, 0 for a line to
 * skip, or -1 with t->error set. */
static int lackey_line(struct trace *t, const char *p, const char *end)
{
	const char *line = p;
	if (end - p >= 2 && p[0] == '=' && p[1] == '=')
		return 0; /* Valgrind's own messages */
	p = skip_blanks(p, end);
	if (p == end)
		return 0;
	char op = *p++;
	int kind = lackey_kind(op);
	if (kind < 0 || p == end || !is_blank(*p))
		return trace_fail(t, "expected I, L, S or M and address,size",
				  line, end);
	p = skip_blanks(p, end);
	uint64_t va, size;
	if (!parse_number(&p, end, 16, &va) || p == end || *p++ != ',')
		return trace_fail(t, "bad address", line, end);
	if (!parse_number(&p, end, 10, &size) || size == 0 ||
	    size > LACKEY_SIZE_MAX || !rest_is_blank(p, end, false))
		return trace_fail(t, "bad size", line, end);
	if (va + (size - 1) < va)
		return trace_fail(t, "access past the end of memory", line,
				  end);
	access_start(t, va, size, (enum access)kind, op == 'M');
	return 1;
}

/* Returns the format the line [p, end) is written in, or TRACE_AUTO if it
 * is none of them. */
static enum trace_format detect_format(const char *p, const char *end)
{
	if (end - p >= 2 && p[0] == '=' && p[1] == '=')
		return TRACE_LACKEY;
	const char *s = skip_blanks(p, end);
	bool op_then_blank = end - s >= 2 && is_blank(s[1]);
	if (digit_value(*s, 10) >= 0)
		return TRACE_REFS;
	if (op_then_blank && is_one_of(*s, "RWrw"))
		return TRACE_RW;
	if (op_then_blank && (*s == 'I' || (s > p && is_one_of(*s, "LSM"))))
		return TRACE_LACKEY;
	return TRACE_AUTO;
}

/* Parses the current line, deciding the format first if need be. Returns
 * 1 if it queued an access, 0 if not (a refs line is left in [cur,
 * line_end) for refs_next()), or -1 with t->error set. */
static int parse_line(struct trace *t)
{
	const char *p = t->buf + t->cur, *end = t->buf + t->line_end;
	if (t->format == TRACE_AUTO) {
		if (rest_is_blank(p, end, true))
			return 0;
		t->format = detect_format(p, end);
		if (t->format == TRACE_AUTO)
			return trace_fail(t,
					  "cannot tell the trace's format "
					  "(give --format)",
					  p, end);
	}
	if (t->format == TRACE_REFS)
		return 0;
	t->cur = t->line_end;
	if (t->format == TRACE_RW)
		return rw_line(t, p, end);
	return lackey_line(t, p, end);
}

/*
 * Reads the next reference into *ref. Returns 1, 0 at the end of the
 * trace, or -1 with t->error set (naming the file and line).
 */
int trace_next(struct trace *t, struct trace_ref *ref)
{
	for (;;) {
		if (access_next(t, ref))
			return 1;
		if (t->format == TRACE_REFS && t->cur < t->line_end) {
			int rc = refs_next(t, ref);
			if (rc != 0)
				return rc;
			continue;
		}
		int rc = trace_next_line(t);
		if (rc <= 0)
			return rc;
		if (parse_line(t) < 0)
			return -1;
	}
}
