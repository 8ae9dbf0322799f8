/*
 * translate.h: translating virtual addresses by hand through a small
 * multi-level page table.
 */
#ifndef TRANSLATE_H
#define TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
	TRANSLATE_QUERIES = 5, /* virtual addresses to translate */
	TRANSLATE_LEVELS_MAX = 3,
	TRANSLATE_ENTRIES_MAX = 32, /* a table of 5 index bits */
	TRANSLATE_TABLES_MAX = 8,
	TRANSLATE_FRAME_BITS = 7, /* 128 physical frames */
};

/* One page-table page, living in a physical frame. */
struct translate_table {
	unsigned level;  /* levels - 1 is the root, 0 a leaf table */
	unsigned frame;  /* the frame that holds this table */
	uint64_t prefix; /* the index bits that lead here from the root */
	bool valid[TRANSLATE_ENTRIES_MAX];      /* each entry's valid bit */
	unsigned target[TRANSLATE_ENTRIES_MAX]; /* if valid: the frame of the
						   next table, or of the page */
};

struct translate_problem {
	uint64_t seed;
	unsigned offset_bits; /* log2 of the page size */
	unsigned index_bits;  /* bits of the VPN per level */
	unsigned levels;
	unsigned va_bits; /* offset_bits + levels * index_bits */
	struct translate_table tables[TRANSLATE_TABLES_MAX]; /* [0]: root */
	size_t ntables;
	uint64_t va[TRANSLATE_QUERIES];
};

/* The walk of one virtual address, from the root down. */
struct translate_walk {
	size_t index[TRANSLATE_LEVELS_MAX]; /* [k]: entry used at level k */
	size_t table[TRANSLATE_LEVELS_MAX]; /* [k]: tables[] read at level k */
	bool fault;          /* an entry on the way was not valid */
	unsigned last_level; /* the level where the walk ended */
	unsigned frame;      /* no fault: the page's frame */
	uint64_t offset;     /* the offset within the page */
	uint64_t pa;         /* no fault: the physical address */
};

void translate_generate(struct translate_problem *p, uint64_t seed);
void translate_walk(const struct translate_problem *p, uint64_t va,
		    struct translate_walk *w);
int translate_run(FILE *out, uint64_t seed, bool answers);

#endif
