/*
 * trace.h: reading memory-reference traces.
 *
 * Formats:
 *   refs    page numbers, separated by commas, blanks or newlines; page p
 *           means virtual address p * page_size. A suffix w (3w) makes
 *           the reference a write; r, the default, a read.
 *   rw      one access a line: "R 0x7ffd1234" or "W 0x7ffd1234".
 *   lackey  the output of valgrind --tool=lackey --trace-mem=yes:
 *           "I  04016cc,3" (fetch), " L addr,size" (load), " S ..." (store)
 *           and " M ..." (modify: load, then store). An access that
 *           straddles a page boundary touches every page it covers.
 *           Lines starting with "==" are Valgrind's own, and skipped.
 *   auto    the first line that says anything decides.
 * In refs and rw traces, # starts a comment; blank lines are skipped.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pagetable.h"

enum trace_format {
	TRACE_AUTO,
	TRACE_REFS,
	TRACE_RW,
	TRACE_LACKEY,
};

enum {
	TRACE_BUFFER_SIZE = 1 << 20, /* bytes read at once; the longest line */
	TRACE_ERROR_MAX = 512,
};

/* One reference: the first page touched, or one more page of an access. */
struct trace_ref {
	uint64_t va;
	enum access kind;
};

/* An access being handed out one page at a time. */
struct trace_access {
	bool active;   /* pages are left to hand out */
	uint64_t va;   /* the access's first byte */
	uint64_t vpn;  /* the next page to hand out */
	uint64_t last; /* the page of the access's last byte */
	enum access kind;
	bool then_write; /* a modify: the same pages again, as writes */
};

struct trace {
	const char *name; /* the file's name, or "--refs" */
	bool numbered;    /* errors name a line number */
	int fd;           /* the file, or -1 when there is none */
	char *buf;        /* bytes read: [pos, len) is not parsed yet */
	size_t pos, len, cap;
	bool eof;                 /* nothing more to read into buf */
	size_t line;              /* the number of the line being parsed */
	size_t cur, line_end;     /* what is left of that line, in buf */
	enum trace_format format; /* TRACE_AUTO until a line decides */
	unsigned offset_bits;     /* log2 of the page size */
	struct trace_access access;
	char error[TRACE_ERROR_MAX]; /* why opening or reading failed */
};

int trace_parse_format(const char *name, enum trace_format *format);
int trace_open(struct trace *t, const char *path, enum trace_format format,
	       size_t page_size);
int trace_open_text(struct trace *t, const char *name, const char *text,
		    size_t page_size);
int trace_next(struct trace *t, struct trace_ref *ref);
void trace_close(struct trace *t);

#endif
