/*
 * text.h: what a check printed, cut to what a report shows, and made safe
 * for a terminal and for JSON.
 */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>

/* Copies the last `lines` lines of text (at most cap bytes) into out. */
void text_tail(const char *text, int lines, char *out, size_t cap);

/* Copies the lines of text that contain needle, each once, into out. */
void text_grep(const char *text, const char *needle, char *out, size_t cap);

/* Makes text (of size cap) valid UTF-8 with control characters other than
 * newline escaped as \\xNN: safe for a terminal and for JSON. */
void text_clean(char *text, size_t cap);

#endif
