/*
 * replace.c: the `replace` problem. A seed draws 3 or 4 frames and a
 * string of 12 to 15 references with some locality; the student fills in
 * the table of each policy: FIFO, LRU, CLOCK and OPT.
 *
 * The answers are not computed here. A tiny pager below (a page-to-frame
 * map, the lowest empty frame first, a reference bit per frame) drives
 * the lab's own policy code through its API, exactly as vm.c does:
 * policy_victim() when every frame is full, policy_loaded() when a page
 * arrives, policy_touch() on every reference. The tables are therefore
 * the lab's, and the tests check them against vmsim --verbose.
 */
#include "replace.h"

#include <stdlib.h>
#include <string.h>

#include "future.h"
#include "rng.h"
#include "text.h"

enum {
	REFS_MIN = 12,
	REUSE_PERCENT = 30, /* the chance a reference reuses a recent page */
	TRIES = 8,          /* strings drawn to find one where policies differ
			       (enough: OPT always wins, and FIFO, LRU and
			       CLOCK soon disagree) */
};

static const enum policy_kind POLICIES[REPLACE_POLICIES] = {
	POLICY_FIFO,
	POLICY_LRU,
	POLICY_CLOCK,
	POLICY_OPT,
};

/* The policies' names as the chapter writes them, in the same order. */
static const char *const TITLES[REPLACE_POLICIES] = {
	"FIFO",
	"LRU",
	"CLOCK",
	"OPT",
};

/* The pager that drives a policy through one reference string. */
struct pager {
	struct policy policy;
	size_t frames;
	size_t used;                  /* frames filled, from frame 0 up */
	int page[REPLACE_FRAMES_MAX]; /* page in each frame, or NO_PAGE */
	bool bit[REPLACE_FRAMES_MAX]; /* reference bits, for CLOCK */
};

/* Returns the i-th policy of the problem (0 to REPLACE_POLICIES - 1). */
enum policy_kind replace_policy(size_t i)
{
	return POLICIES[i];
}

/* CLOCK's policy_clear_fn: clears frame's reference bit and returns true
 * if it was set. */
static bool pager_clear_bit(void *ctx, size_t frame)
{
	struct pager *pg = ctx;
	bool was_set = pg->bit[frame];
	pg->bit[frame] = false;
	return was_set;
}

/* Returns the frame that holds page, or -1 if none does. */
static int pager_find(const struct pager *pg, uint64_t page)
{
	for (size_t f = 0; f < pg->used; f++)
		if (pg->page[f] == (int)page)
			return (int)f;
	return -1;
}

/* Brings page in after a fault: into the lowest empty frame, or the
 * policy's victim's. Records the fault and the eviction in *s. Returns
 * the frame. */
static size_t pager_fault(struct pager *pg, uint64_t page,
			  struct replace_step *s)
{
	size_t frame;
	if (pg->used < pg->frames) {
		frame = pg->used++;
	} else {
		frame = policy_victim(&pg->policy);
		s->evicted = pg->page[frame];
	}
	s->fault = true;
	pg->page[frame] = (int)page;
	policy_loaded(&pg->policy, frame);
	return frame;
}

/* Makes reference number now, to page, and records the frames after it
 * in *s. */
static void pager_reference(struct pager *pg, uint64_t page, uint64_t now,
			    struct replace_step *s)
{
	*s = (struct replace_step){.evicted = REPLACE_NO_PAGE};
	int found = pager_find(pg, page);
	size_t frame = found >= 0 ? (size_t)found : pager_fault(pg, page, s);
	pg->bit[frame] = true; /* the MMU sets the accessed bit */
	policy_touch(&pg->policy, frame, now);
	memcpy(s->page, pg->page, sizeof s->page);
	memcpy(s->bit, pg->bit, sizeof s->bit);
	s->hand = pg->policy.hand;
}

/*
 * Runs p's references through policy kind and fills in *t. Returns 0, or
 * -1 if memory ran out.
 */
int replace_solve(const struct replace_problem *p, enum policy_kind kind,
		  struct replace_table *t)
{
	struct pager pg = {.frames = p->frames};
	for (size_t f = 0; f < REPLACE_FRAMES_MAX; f++)
		pg.page[f] = REPLACE_NO_PAGE;
	uint64_t *next_use = future_next_uses(p->page, p->nrefs);
	struct policy_config config = {
		.kind = kind,
		.frames = p->frames,
		.next_use = next_use,
		.refs = p->nrefs,
		.clear_accessed = pager_clear_bit,
		.ctx = &pg,
	};
	if (next_use == NULL || policy_init(&pg.policy, &config) != 0) {
		free(next_use);
		return -1;
	}
	*t = (struct replace_table){.kind = kind};
	for (size_t i = 0; i < p->nrefs; i++) {
		pager_reference(&pg, p->page[i], i, &t->step[i]);
		if (t->step[i].fault)
			t->faults++;
	}
	policy_free(&pg.policy);
	free(next_use);
	return 0;
}

/* Draws a reference string into *p: pages 0 to frames + 1 or + 2, often
 * one used a few references ago, never the same page twice in a row. */
static void draw_string(struct replace_problem *p, struct rng *r)
{
	uint64_t pages = p->frames + rng_range(r, 2, 3);
	p->nrefs = (size_t)rng_range(r, REFS_MIN, REPLACE_REFS_MAX);
	for (size_t i = 0; i < p->nrefs; i++) {
		uint64_t page;
		do {
			size_t back = (size_t)rng_range(r, 2, 4);
			bool reuse = i >= back && rng_percent(r, REUSE_PERCENT);
			page = reuse ? p->page[i - back] : rng_below(r, pages);
		} while (i > 0 && page == p->page[i - 1]);
		p->page[i] = page;
	}
}

/* Returns true if FIFO, LRU and CLOCK do not all take the same number of
 * faults on p, and OPT takes fewer than any of them (or if memory ran
 * out: then any string will do). */
static bool policies_differ(const struct replace_problem *p)
{
	struct replace_table fifo, lru, clock, opt;
	if (replace_solve(p, POLICY_FIFO, &fifo) != 0 ||
	    replace_solve(p, POLICY_LRU, &lru) != 0 ||
	    replace_solve(p, POLICY_CLOCK, &clock) != 0 ||
	    replace_solve(p, POLICY_OPT, &opt) != 0)
		return true;
	bool opt_best = opt.faults < fifo.faults && opt.faults < lru.faults &&
			opt.faults < clock.faults;
	return opt_best &&
	       (fifo.faults != lru.faults || lru.faults != clock.faults);
}

/* Fills in *p: the problem that seed draws. Of the first few strings the
 * seed draws, it keeps the first on which the policies differ. */
void replace_generate(struct replace_problem *p, uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed);
	*p = (struct replace_problem){.seed = seed};
	p->frames = (size_t)rng_range(&r, 3, REPLACE_FRAMES_MAX);
	for (int try = 0; try < TRIES; try++) {
		draw_string(p, &r);
		if (policies_differ(p))
			break;
	}
}

/* Prints the string and the rules the tables follow. */
static void print_problem(FILE *out, const struct replace_problem *p)
{
	text_title(out, "Page replacement", "replace", p->seed);
	fprintf(out,
		"A process has %zu frames, all empty at first, and "
		"references these %zu pages\nin order:\n\n   ",
		p->frames, p->nrefs);
	for (size_t i = 0; i < p->nrefs; i++)
		fprintf(out, " %llu", (unsigned long long)p->page[i]);
	fprintf(out,
		"\n\nFor each of FIFO, LRU, CLOCK and OPT, fill in a "
		"table with a row per\nreference (ref, the page in each "
		"frame after it, fault, page evicted) and\ncount the faults. "
		"The rules, as in the lab:\n\n"
		"- A fault fills the lowest empty frame; only when none is "
		"empty does the\n  policy choose a victim, whose frame the new "
		"page takes.\n"
		"- OPT evicts the page used again farthest in the future; of "
		"pages never\n  used again, the one in the lowest frame.\n"
		"- CLOCK keeps a reference bit per frame, set when a page is "
		"loaded and on\n  every reference to it. The hand starts at "
		"frame 0 and stays put while\n  empty frames are filled. To "
		"choose a victim, it clears each set bit it\n  meets, moving "
		"on, and stops at the first clear one: that frame is the\n  "
		"victim, and the hand moves one past it. In CLOCK's table, "
		"show each\n  frame's bit and where the hand points.\n");
}

/* Prints the header row of a table. */
static void print_header(FILE *out, const struct replace_problem *p,
			 enum policy_kind kind)
{
	fprintf(out, "  ref");
	for (size_t f = 0; f < p->frames; f++)
		fprintf(out, "  frame %zu", f);
	fprintf(out, "  fault  evicted%s\n",
		kind == POLICY_CLOCK ? "  hand" : "");
}

/* Appends the cell of frame f in step s to line: the page, and for
 * CLOCK its reference bit; blanks for an empty frame. */
static void append_cell(char *line, size_t size, const struct replace_step *s,
			size_t f, bool clock)
{
	char cell[16] = "";
	if (s->page[f] != REPLACE_NO_PAGE && clock)
		snprintf(cell, sizeof cell, "%d (%d)", s->page[f],
			 s->bit[f] ? 1 : 0);
	else if (s->page[f] != REPLACE_NO_PAGE)
		snprintf(cell, sizeof cell, "%d", s->page[f]);
	text_append(line, size, "  %7s", cell);
}

/* Prints the row of reference i: the frames, the fault, the eviction and
 * for CLOCK the hand. */
static void print_row(FILE *out, const struct replace_problem *p,
		      const struct replace_table *t, size_t i)
{
	const struct replace_step *s = &t->step[i];
	bool clock = t->kind == POLICY_CLOCK;
	char line[128] = "", evicted[16] = "", hand[16] = "";
	text_append(line, sizeof line, "  %3llu",
		    (unsigned long long)p->page[i]);
	for (size_t f = 0; f < p->frames; f++)
		append_cell(line, sizeof line, s, f, clock);
	if (s->evicted != REPLACE_NO_PAGE)
		snprintf(evicted, sizeof evicted, "%d", s->evicted);
	if (clock)
		snprintf(hand, sizeof hand, "%zu", s->hand);
	text_append(line, sizeof line, "  %5s  %7s  %4s", s->fault ? "F" : "",
		    evicted, hand);
	text_line(out, line);
}

/* Prints table t, the k-th policy's, with its fault count. */
static void print_table(FILE *out, const struct replace_problem *p,
			const struct replace_table *t, size_t k)
{
	fprintf(out, "%s: %zu faults\n", TITLES[k], t->faults);
	print_header(out, p, t->kind);
	for (size_t i = 0; i < p->nrefs; i++)
		print_row(out, p, t, i);
	fputc('\n', out);
}

/*
 * Prints the problem that seed draws to out and, if answers, its answers.
 * Returns 0, or -1 if memory ran out.
 */
int replace_run(FILE *out, uint64_t seed, bool answers)
{
	struct replace_problem p;
	struct replace_table t[REPLACE_POLICIES];
	replace_generate(&p, seed);
	print_problem(out, &p);
	if (!answers)
		return 0;
	for (size_t k = 0; k < REPLACE_POLICIES; k++)
		if (replace_solve(&p, POLICIES[k], &t[k]) != 0)
			return -1;
	text_answers(out);
	for (size_t k = 0; k < REPLACE_POLICIES; k++)
		print_table(out, &p, &t[k], k);
	fprintf(out, "Faults:");
	for (size_t k = 0; k < REPLACE_POLICIES; k++)
		fprintf(out, " %s %zu%s", TITLES[k], t[k].faults,
			k + 1 < REPLACE_POLICIES ? "," : "\n");
	return 0;
}
