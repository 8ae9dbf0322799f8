/*
 * translate.c: the `translate` problem. A seed draws a small layout (16 to
 * 128-byte pages, 2 or 3 levels), a page table that maps a few pages, and
 * five virtual addresses: some mapped, some not. The student walks the
 * table by hand; the answers show every step of each walk.
 *
 * The levels are numbered as in chapter 3 and the lab: level 0 is the leaf
 * table, level levels - 1 the root. An entry holds a valid bit and a frame
 * number: in an upper table, the frame of the next table down; in a leaf,
 * the frame of the page.
 */
#include "translate.h"

#include <assert.h>

#include "rng.h"
#include "text.h"

enum {
	FRAMES = 1 << TRANSLATE_FRAME_BITS,
	CELLS_PER_ROW = 8, /* entries printed on one line of a table */
	VA_BITS_MAX = 16,
	OFFSET_BITS_MIN = 4, /* 16-byte pages */
	OFFSET_BITS_MAX = 7, /* 128-byte pages */
	LEAF_VALID_PERCENT = 40,
};

/* The shapes a problem may have: levels, and index bits per level. */
struct shape {
	unsigned levels;
	unsigned index_bits;
};

static const struct shape SHAPES[] = {
	{.levels = 2, .index_bits = 4},
	{.levels = 2, .index_bits = 5},
	{.levels = 3, .index_bits = 3},
};

/* What a generated address is meant to show. */
enum query_kind {
	QUERY_MAPPED,      /* translates */
	QUERY_LEAF_FAULT,  /* the leaf entry is not valid */
	QUERY_UPPER_FAULT, /* an entry above the leaves is not valid */
};

/* The generator's state: its random numbers and the frames handed out. */
struct gen {
	struct rng rng;
	bool frame_used[FRAMES];
};

/* Returns a random frame no table or page uses yet, never frame 0 (it
 * looks too much like "nothing"). The caller takes fewer than FRAMES - 1. */
static unsigned take_frame(struct gen *g)
{
	unsigned frame;
	do
		frame = (unsigned)rng_range(&g->rng, 1, FRAMES - 1);
	while (g->frame_used[frame]);
	g->frame_used[frame] = true;
	return frame;
}

/* Returns the number of entries in one table of p. */
static size_t table_entries(const struct translate_problem *p)
{
	return (size_t)1 << p->index_bits;
}

/* Appends an empty table at level with the given prefix, in a fresh
 * frame. Returns its index in p->tables. */
static size_t table_add(struct translate_problem *p, struct gen *g,
			unsigned level, uint64_t prefix)
{
	assert(p->ntables < TRANSLATE_TABLES_MAX);
	p->tables[p->ntables] = (struct translate_table){
		.level = level,
		.frame = take_frame(g),
		.prefix = prefix,
	};
	return p->ntables++;
}

/*
 * Returns a random entry of table t whose valid bit is `valid`. The
 * caller guarantees there is one.
 */
static size_t pick_entry(const struct translate_problem *p, struct gen *g,
			 size_t t, bool valid)
{
	size_t matches[TRANSLATE_ENTRIES_MAX], n = 0;
	for (size_t i = 0; i < table_entries(p); i++)
		if (p->tables[t].valid[i] == valid)
			matches[n++] = i;
	assert(n > 0);
	return matches[rng_below(&g->rng, n)];
}

/* Makes a few entries of upper table t valid, each leading to a new
 * table one level down. A root gets 2 or 3, a middle table 1 or 2: at
 * most 7 tables in all. */
static void fill_upper(struct translate_problem *p, struct gen *g, size_t t)
{
	bool root = t == 0;
	size_t children = root ? (p->levels == 2 ? rng_range(&g->rng, 2, 3) : 2)
			       : rng_range(&g->rng, 1, 2);
	for (size_t c = 0; c < children; c++) {
		size_t i = pick_entry(p, g, t, false);
		struct translate_table *table = &p->tables[t];
		uint64_t prefix = table->prefix << p->index_bits | i;
		size_t child = table_add(p, g, table->level - 1, prefix);
		p->tables[t].valid[i] = true;
		p->tables[t].target[i] = p->tables[child].frame;
	}
}

/* Maps some pages in leaf table t, leaving at least one entry valid and
 * one not. */
static void fill_leaf(struct translate_problem *p, struct gen *g, size_t t)
{
	struct translate_table *table = &p->tables[t];
	size_t n = table_entries(p);
	for (size_t i = 0; i < n; i++)
		table->valid[i] = rng_percent(&g->rng, LEAF_VALID_PERCENT);
	table->valid[rng_below(&g->rng, n / 2)] = true;
	table->valid[n / 2 + rng_below(&g->rng, n / 2)] = false;
	for (size_t i = 0; i < n; i++)
		if (table->valid[i])
			table->target[i] = take_frame(g);
}

/* Draws the layout of p: a shape, and a page size that keeps virtual
 * addresses within 16 bits. */
static void choose_layout(struct translate_problem *p, struct gen *g)
{
	size_t nshapes = sizeof SHAPES / sizeof SHAPES[0];
	const struct shape *s = &SHAPES[rng_below(&g->rng, nshapes)];
	unsigned vpn_bits = s->levels * s->index_bits;
	unsigned offset_max = VA_BITS_MAX - vpn_bits;
	if (offset_max > OFFSET_BITS_MAX)
		offset_max = OFFSET_BITS_MAX;
	p->levels = s->levels;
	p->index_bits = s->index_bits;
	p->offset_bits =
		(unsigned)rng_range(&g->rng, OFFSET_BITS_MIN, offset_max);
	p->va_bits = p->offset_bits + vpn_bits;
}

/* Returns a random table of p: a leaf if leaf is true, else an upper one. */
static size_t pick_table(const struct translate_problem *p, struct gen *g,
			 bool leaf)
{
	size_t matches[TRANSLATE_TABLES_MAX], n = 0;
	for (size_t t = 0; t < p->ntables; t++)
		if ((p->tables[t].level == 0) == leaf)
			matches[n++] = t;
	assert(n > 0);
	return matches[rng_below(&g->rng, n)];
}

/*
 * Returns a virtual address whose walk reaches entry i of table t: the
 * table's prefix, then i, then random bits for the levels below and for
 * the offset.
 */
static uint64_t address_through(const struct translate_problem *p,
				struct gen *g, size_t t, size_t i)
{
	const struct translate_table *table = &p->tables[t];
	unsigned low_bits = table->level * p->index_bits + p->offset_bits;
	uint64_t low = rng_below(&g->rng, (uint64_t)1 << low_bits);
	return (table->prefix << p->index_bits | i) << low_bits | low;
}

/* Returns a virtual address of the given kind. */
static uint64_t make_query(const struct translate_problem *p, struct gen *g,
			   enum query_kind kind)
{
	bool leaf = kind != QUERY_UPPER_FAULT;
	size_t t = pick_table(p, g, leaf);
	size_t i = pick_entry(p, g, t, kind == QUERY_MAPPED);
	return address_through(p, g, t, i);
}

/* Returns true if va is among the first n queries of p. */
static bool query_seen(const struct translate_problem *p, size_t n, uint64_t va)
{
	for (size_t q = 0; q < n; q++)
		if (p->va[q] == va)
			return true;
	return false;
}

/* Draws five distinct addresses: two mapped, one leaf fault, one upper
 * fault and one of any kind, in a random order. */
static void choose_queries(struct translate_problem *p, struct gen *g)
{
	size_t kinds[TRANSLATE_QUERIES] = {
		QUERY_MAPPED,
		QUERY_MAPPED,
		QUERY_LEAF_FAULT,
		QUERY_UPPER_FAULT,
		(size_t)rng_below(&g->rng, 3),
	};
	rng_shuffle(&g->rng, kinds, TRANSLATE_QUERIES);
	for (size_t q = 0; q < TRANSLATE_QUERIES; q++) {
		uint64_t va;
		do
			va = make_query(p, g, (enum query_kind)kinds[q]);
		while (query_seen(p, q, va));
		p->va[q] = va;
	}
}

/* Fills in *p: the problem that seed draws. */
void translate_generate(struct translate_problem *p, uint64_t seed)
{
	struct gen g = {0};
	rng_seed(&g.rng, seed);
	*p = (struct translate_problem){.seed = seed};
	choose_layout(p, &g);
	table_add(p, &g, p->levels - 1, 0);
	/* Tables are appended as they are made: one pass fills them all. */
	for (size_t t = 0; t < p->ntables; t++) {
		if (p->tables[t].level > 0)
			fill_upper(p, &g, t);
		else
			fill_leaf(p, &g, t);
	}
	choose_queries(p, &g);
}

/* Returns the index in p->tables of the table in frame. The caller
 * guarantees that a table lives there. */
static size_t table_at_frame(const struct translate_problem *p, unsigned frame)
{
	for (size_t t = 0; t < p->ntables; t++)
		if (p->tables[t].frame == frame)
			return t;
	assert(!"no table in that frame");
	return 0;
}

/*
 * A virtual address, here with 2 levels of 4 index bits and 64-byte pages
 * (14 bits):
 *
 *   13      10 9       6 5           0
 *  +----------+---------+-------------+
 *  | level 1  | level 0 |   offset    |
 *  +----------+---------+-------------+
 */
static size_t va_index(const struct translate_problem *p, uint64_t va,
		       unsigned level)
{
	unsigned shift = p->offset_bits + level * p->index_bits;
	return (size_t)(va >> shift & (table_entries(p) - 1));
}

/* Walks p's table for va, from the root down, and records each step in
 * *w: the translation, or the level whose entry was not valid. */
void translate_walk(const struct translate_problem *p, uint64_t va,
		    struct translate_walk *w)
{
	*w = (struct translate_walk){
		.offset = va & (((uint64_t)1 << p->offset_bits) - 1),
	};
	size_t t = 0;
	for (unsigned level = p->levels; level-- > 0;) {
		size_t i = va_index(p, va, level);
		const struct translate_table *table = &p->tables[t];
		w->table[level] = t;
		w->index[level] = i;
		w->last_level = level;
		if (!table->valid[i]) {
			w->fault = true;
			return;
		}
		if (level == 0)
			break;
		t = table_at_frame(p, table->target[i]);
	}
	w->frame = p->tables[t].target[w->index[0]];
	w->pa = (uint64_t)w->frame << p->offset_bits | w->offset;
}

/* Prints the machine: page size, address widths, the tables' shape. */
static void print_machine(FILE *out, const struct translate_problem *p)
{
	fprintf(out,
		"A machine has %u-byte pages and %u-bit virtual "
		"addresses, translated by a\n%u-level page table. Each "
		"table has %zu entries, indexed by %u bits of the\nvirtual "
		"page number (VPN); level %u is the root, level 0 the "
		"leaves. Physical\nmemory has %d frames: physical addresses "
		"have %u bits.\n\n",
		1u << p->offset_bits, p->va_bits, p->levels, table_entries(p),
		p->index_bits, p->levels - 1, FRAMES,
		TRANSLATE_FRAME_BITS + p->offset_bits);
	fprintf(out,
		"An entry is its valid bit and, if valid, a frame "
		"number: in a leaf, the frame\nof the page; above, the frame "
		"of the table one level down. The root table is\nin frame "
		"0x%02x (the page-table base register says so).\n\n",
		p->tables[0].frame);
}

/* Appends entry i of table t to line: "1 0x1c" or "0 --". */
static void append_entry(char *line, size_t size,
			 const struct translate_table *t, size_t i)
{
	if (t->valid[i])
		text_append(line, size, "  1 0x%02x", t->target[i]);
	else
		text_append(line, size, "  0 --  ");
}

/* Prints one table: a heading, then rows of entries, each row labeled by
 * the index of its first entry. */
static void print_table(FILE *out, const struct translate_problem *p,
			const struct translate_table *t)
{
	fprintf(out, "Level %u table%s, in frame 0x%02x:\n", t->level,
		t->level == p->levels - 1 ? " (the root)" : "", t->frame);
	size_t n = table_entries(p);
	size_t row = n < CELLS_PER_ROW ? n : CELLS_PER_ROW;
	char line[128] = "      ";
	for (size_t c = 0; c < row; c++)
		text_append(line, sizeof line, "  +%-5zu", c);
	text_line(out, line);
	for (size_t i = 0; i < n; i += row) {
		snprintf(line, sizeof line, "  0x%02zx", i);
		for (size_t c = 0; c < row; c++)
			append_entry(line, sizeof line, t, i + c);
		text_line(out, line);
	}
	fputc('\n', out);
}

/* Prints p's tables in the order of their frames, as they lie in
 * physical memory. */
static void print_tables(FILE *out, const struct translate_problem *p)
{
	size_t order[TRANSLATE_TABLES_MAX];
	for (size_t t = 0; t < p->ntables; t++) {
		/* Insertion sort: slide t down past the tables in later
		 * frames. */
		size_t j = t;
		unsigned frame = p->tables[t].frame;
		for (; j > 0 && p->tables[order[j - 1]].frame > frame; j--)
			order[j] = order[j - 1];
		order[j] = t;
	}
	for (size_t k = 0; k < p->ntables; k++)
		print_table(out, p, &p->tables[order[k]]);
}

/* Prints problem p: the machine, its tables in memory, the addresses. */
static void print_problem(FILE *out, const struct translate_problem *p)
{
	text_title(out, "Address translation", "translate", p->seed);
	print_machine(out, p);
	print_tables(out, p);
	fprintf(out, "Translate each virtual address to a physical address, "
		     "or say \"fault\" and at\nwhich level the walk found an "
		     "entry that was not valid:\n\n");
	unsigned digits = text_hex_digits(p->va_bits);
	for (size_t q = 0; q < TRANSLATE_QUERIES; q++)
		fprintf(out, "  %zu. 0x%0*llx\n", q + 1, (int)digits,
			(unsigned long long)p->va[q]);
}

/* Prints va in binary, a space between its fields, and names them. */
static void print_fields(FILE *out, const struct translate_problem *p,
			 uint64_t va)
{
	for (unsigned level = p->levels; level-- > 0;) {
		text_binary(out, va_index(p, va, level), p->index_bits);
		fputc(' ', out);
	}
	text_binary(out, va, p->offset_bits);
	fprintf(out, "  (");
	for (unsigned level = p->levels; level-- > 0;)
		fprintf(out, "level %u | ", level);
	fprintf(out, "offset)\n");
}

/* Prints the step of walk w at level. */
static void print_step(FILE *out, const struct translate_problem *p,
		       const struct translate_walk *w, unsigned level)
{
	const struct translate_table *t = &p->tables[w->table[level]];
	size_t i = w->index[level];
	fprintf(out,
		"     level %u: table in frame 0x%02x, entry 0x%02zx: ", level,
		t->frame, i);
	if (!t->valid[i])
		fprintf(out, "not valid -> fault at level %u\n", level);
	else if (level > 0)
		fprintf(out, "valid, next table in frame 0x%02x\n",
			t->target[i]);
	else
		fprintf(out, "valid, page in frame 0x%02x\n", t->target[i]);
}

/* Prints the physical address of walk w: the frame and the offset side by
 * side, in hex and in binary. */
static void print_pa(FILE *out, const struct translate_problem *p,
		     const struct translate_walk *w)
{
	unsigned pa_digits =
		text_hex_digits(TRANSLATE_FRAME_BITS + p->offset_bits);
	fprintf(out, "     => PA = 0x%02x * %u + 0x%02llx = ", w->frame,
		1u << p->offset_bits, (unsigned long long)w->offset);
	text_binary(out, w->frame, TRANSLATE_FRAME_BITS);
	fputc(' ', out);
	text_binary(out, w->offset, p->offset_bits);
	fprintf(out, " = 0x%0*llx\n", (int)pa_digits,
		(unsigned long long)w->pa);
}

/* Prints the answer for query q: the fields, the walk, the result. */
static void print_answer(FILE *out, const struct translate_problem *p, size_t q)
{
	struct translate_walk w;
	translate_walk(p, p->va[q], &w);
	unsigned va_digits = text_hex_digits(p->va_bits);
	fprintf(out, "  %zu. 0x%0*llx = ", q + 1, (int)va_digits,
		(unsigned long long)p->va[q]);
	print_fields(out, p, p->va[q]);
	for (unsigned level = p->levels; level-- > w.last_level;)
		print_step(out, p, &w, level);
	if (w.fault)
		fprintf(out, "     => fault (level %u)\n", w.last_level);
	else
		print_pa(out, p, &w);
	fputc('\n', out);
}

/*
 * Prints the problem that seed draws to out and, if answers, its answers.
 * Returns 0 (it cannot fail).
 */
int translate_run(FILE *out, uint64_t seed, bool answers)
{
	struct translate_problem p;
	translate_generate(&p, seed);
	print_problem(out, &p);
	if (!answers)
		return 0;
	text_answers(out);
	for (size_t q = 0; q < TRANSLATE_QUERIES; q++)
		print_answer(out, &p, q);
	return 0;
}
