/*
 * future.c: next-use times, for OPT.
 *
 * Given the pages a trace references, in order, next[t] is the time of the
 * next reference to pages[t] after t, or POLICY_NEVER. One pass from the
 * end computes it, remembering in a hash table when each page was last
 * seen: O(n) expected time for n references. With them, OPT's heap makes
 * each reference cost O(log frames).
 */
#include "future.h"

#include <stdbool.h>
#include <stdlib.h>

#include "policy.h"

enum { SEEN_BITS_INITIAL = 10 }; /* 1024 slots to start with */

static const uint64_t FIBONACCI_HASH = 0x9e3779b97f4a7c15u;

/* An open-addressing hash table from page to the time it was last seen. */
struct seen {
	uint64_t *pages;
	uint64_t *times; /* POLICY_NEVER marks an empty slot */
	size_t cap;      /* a power of two */
	unsigned bits;   /* log2(cap) */
	size_t count;
};

static int seen_init(struct seen *s, unsigned bits)
{
	size_t cap = (size_t)1 << bits;
	*s = (struct seen){
		.pages = malloc(cap * sizeof *s->pages),
		.times = malloc(cap * sizeof *s->times),
		.cap = cap,
		.bits = bits,
	};
	if (s->pages == NULL || s->times == NULL)
		return -1;
	for (size_t i = 0; i < cap; i++)
		s->times[i] = POLICY_NEVER;
	return 0;
}

static void seen_free(struct seen *s)
{
	free(s->pages);
	free(s->times);
}

/* Returns the slot of page: where it is, or the empty slot it would go in. */
static size_t seen_slot(const struct seen *s, uint64_t page)
{
	size_t i = (size_t)((page * FIBONACCI_HASH) >> (64 - s->bits));
	while (s->times[i] != POLICY_NEVER && s->pages[i] != page)
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* Doubles the table. Returns 0, or -1 if memory ran out. */
static int seen_grow(struct seen *s)
{
	struct seen bigger;
	if (seen_init(&bigger, s->bits + 1) != 0) {
		seen_free(&bigger);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (s->times[i] == POLICY_NEVER)
			continue;
		size_t j = seen_slot(&bigger, s->pages[i]);
		bigger.pages[j] = s->pages[i];
		bigger.times[j] = s->times[i];
	}
	bigger.count = s->count;
	seen_free(s);
	*s = bigger;
	return 0;
}

/* Records that page was seen at time now; returns when it was seen before
 * (later in the trace, since the pass runs backwards), or POLICY_NEVER. */
static uint64_t seen_swap(struct seen *s, uint64_t page, uint64_t now)
{
	size_t i = seen_slot(s, page);
	uint64_t before = s->times[i];
	if (before == POLICY_NEVER) {
		s->pages[i] = page;
		s->count++;
	}
	s->times[i] = now;
	return before;
}

/*
 * Returns a new array of n next-use times for the references to pages[0]
 * to pages[n - 1], which the caller frees; NULL if memory ran out.
 */
uint64_t *future_next_uses(const uint64_t *pages, size_t n)
{
	uint64_t *next = malloc((n == 0 ? 1 : n) * sizeof *next);
	struct seen seen;
	bool ok = next != NULL && seen_init(&seen, SEEN_BITS_INITIAL) == 0;
	for (size_t t = n; ok && t-- > 0;) {
		next[t] = seen_swap(&seen, pages[t], t);
		if (2 * seen.count > seen.cap)
			ok = seen_grow(&seen) == 0;
	}
	if (next != NULL)
		seen_free(&seen);
	if (!ok) {
		free(next);
		return NULL;
	}
	return next;
}
