#include "readall.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *read_all(const char *tool, const char *path, size_t *size)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "%s: cannot read %s: %s\n", tool, path,
			strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, len = 0, got;
	char *text = malloc(cap);
	while (text != NULL &&
	       (got = fread(text + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (len + 1 == cap) {
			char *bigger = realloc(text, cap * 2);
			if (bigger == NULL)
				free(text);
			text = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	if (text == NULL) {
		fprintf(stderr, "%s: out of memory reading %s\n", tool, path);
		return NULL;
	}
	text[len] = '\0';
	if (size != NULL)
		*size = len;
	return text;
}
