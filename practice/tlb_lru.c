/*
 * tlb_lru.c: the `tlb` problem. A seed draws a TLB of 2 to 4 entries and
 * a string of 12 to 16 virtual page numbers with some locality (a page
 * used lately tends to come back). The TLB is fully associative: any entry
 * holds any page. On a miss it loads the page's translation, evicting the
 * least recently used entry if it is full. The student marks each
 * reference hit or miss and computes the hit rate.
 *
 * The TLB is kept as a list ordered by recency, the most recent first: a
 * hit moves the page to the front, a miss pushes it on the front and lets
 * the last entry fall off.
 */
#include "tlb_lru.h"

#include <string.h>

#include "rng.h"
#include "text.h"

enum {
	PAGE_MAX = 31,      /* pages are drawn from 0 to PAGE_MAX */
	REUSE_PERCENT = 50, /* the chance a reference reuses a recent page */
};

/* Returns true if page is among the n pages in pages[]. */
static bool page_in(const unsigned *pages, size_t n, unsigned page)
{
	for (size_t i = 0; i < n; i++)
		if (pages[i] == page)
			return true;
	return false;
}

/* Draws the pool of pages the references use: size + 2 or size + 3
 * distinct pages, so that the TLB cannot hold them all. Returns how many. */
static size_t choose_pool(struct rng *r, size_t size, unsigned *pool)
{
	size_t n = size + (size_t)rng_range(r, 2, 3);
	for (size_t i = 0; i < n; i++) {
		unsigned page;
		do
			page = (unsigned)rng_range(r, 0, PAGE_MAX);
		while (page_in(pool, i, page));
		pool[i] = page;
	}
	return n;
}

/* Draws reference t of p: often (locality) a page used 2 to size + 1
 * references ago, else any page of the pool; never the page just used. */
static unsigned draw_page(struct rng *r, const struct tlb_lru_problem *p,
			  size_t t, const unsigned *pool, size_t npool)
{
	unsigned page;
	do {
		size_t back = (size_t)rng_range(r, 2, p->size + 1);
		if (t >= back && rng_percent(r, REUSE_PERCENT))
			page = p->page[t - back];
		else
			page = pool[rng_below(r, npool)];
	} while (t > 0 && page == p->page[t - 1]);
	return page;
}

/* Fills in *p: the problem that seed draws. */
void tlb_lru_generate(struct tlb_lru_problem *p, uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed);
	*p = (struct tlb_lru_problem){.seed = seed};
	p->size = (size_t)rng_range(&r, 2, TLB_LRU_SIZE_MAX);
	p->nrefs = (size_t)rng_range(&r, 12, TLB_LRU_REFS_MAX);
	unsigned pool[TLB_LRU_SIZE_MAX + 3];
	size_t npool = choose_pool(&r, p->size, pool);
	for (size_t t = 0; t < p->nrefs; t++)
		p->page[t] = draw_page(&r, p, t, pool, npool);
}

/* Looks page up in the TLB *s, which becomes the TLB after the
 * reference: returns true on a hit. */
static bool tlb_reference(struct tlb_lru_step *s, size_t size, unsigned page)
{
	size_t i = 0;
	while (i < s->used && s->entry[i] != page)
		i++;
	bool hit = i < s->used;
	if (!hit && s->used < size)
		s->used++;
	if (!hit)
		i = s->used - 1; /* the least recent entry, or a free one */
	memmove(&s->entry[1], &s->entry[0], i * sizeof s->entry[0]);
	s->entry[0] = page;
	return hit;
}

/* Runs p's references through an empty TLB and records each step in *a. */
void tlb_lru_solve(const struct tlb_lru_problem *p, struct tlb_lru_answer *a)
{
	*a = (struct tlb_lru_answer){0};
	struct tlb_lru_step tlb = {0};
	for (size_t t = 0; t < p->nrefs; t++) {
		tlb.hit = tlb_reference(&tlb, p->size, p->page[t]);
		a->step[t] = tlb;
		if (tlb.hit)
			a->hits++;
		if (!page_in(p->page, t, p->page[t]))
			a->distinct++;
	}
}

/* Prints problem p: the TLB, the reference string and the questions. */
static void print_problem(FILE *out, const struct tlb_lru_problem *p)
{
	text_title(out, "TLB hits and misses", "tlb", p->seed);
	fprintf(out,
		"A fully associative TLB has %zu entries and replaces "
		"the least recently used\n(LRU) entry when it is full. It "
		"starts empty. A process references these\nvirtual pages, "
		"in order:\n\n   ",
		p->size);
	for (size_t t = 0; t < p->nrefs; t++)
		fprintf(out, " %u", p->page[t]);
	fprintf(out,
		"\n\n(a) Mark each reference hit or miss, and give the "
		"TLB's contents after it.\n(b) What is the hit rate?\n(c) How "
		"many of the misses would a TLB with room for every page "
		"still take?\n");
}

/* Prints answer a to problem p: a row per reference, then the rates. */
static void print_answers(FILE *out, const struct tlb_lru_problem *p,
			  const struct tlb_lru_answer *a)
{
	fprintf(out, "(a)   #  page  result  TLB after (most recent first)\n");
	for (size_t t = 0; t < p->nrefs; t++) {
		const struct tlb_lru_step *s = &a->step[t];
		fprintf(out, "    %3zu  %4u  %-6s ", t + 1, p->page[t],
			s->hit ? "hit" : "miss");
		for (size_t i = 0; i < s->used; i++)
			fprintf(out, " %2u", s->entry[i]);
		fputc('\n', out);
	}
	fprintf(out, "\n(b) %zu hits in %zu references: hit rate %zu/%zu = ",
		a->hits, p->nrefs, a->hits, p->nrefs);
	text_percent(out, a->hits, p->nrefs);
	fprintf(out,
		"\n\n(c) %zu: one per distinct page (the compulsory "
		"misses), of the %zu misses.\n",
		a->distinct, p->nrefs - a->hits);
}

/*
 * Prints the problem that seed draws to out and, if answers, its answers.
 * Returns 0 (it cannot fail).
 */
int tlb_lru_run(FILE *out, uint64_t seed, bool answers)
{
	struct tlb_lru_problem p;
	struct tlb_lru_answer a;
	tlb_lru_generate(&p, seed);
	print_problem(out, &p);
	if (!answers)
		return 0;
	tlb_lru_solve(&p, &a);
	text_answers(out);
	print_answers(out, &p, &a);
	return 0;
}
