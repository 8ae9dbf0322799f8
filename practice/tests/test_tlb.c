/*
 * test_tlb.c: the tlb problems. The answers are checked against a second
 * LRU TLB written another way (a timestamp per entry), and against a case
 * worked by hand.
 */
#include <criterion/criterion.h>

#include "helpers.h"
#include "tlb_lru.h"

enum { SEEDS = 200 };

Test(tlb, same_seed_same_text)
{
	check_deterministic(tlb_lru_run);
}

Test(tlb, different_seeds_different_problems)
{
	check_seeds_differ(tlb_lru_run);
}

/* A TLB entry with the time of its last use. */
struct stamped {
	unsigned page;
	size_t used_at;
};

/* Looks page up at time now in the n entries (room for size); returns
 * true on a hit. A miss fills a free entry or the one used longest ago. */
static bool stamped_reference(struct stamped *e, size_t *n, size_t size,
			      unsigned page, size_t now)
{
	size_t victim = 0;
	for (size_t i = 0; i < *n; i++) {
		if (e[i].page == page) {
			e[i].used_at = now;
			return true;
		}
		if (e[i].used_at < e[victim].used_at)
			victim = i;
	}
	if (*n < size)
		victim = (*n)++;
	e[victim] = (struct stamped){.page = page, .used_at = now};
	return false;
}

Test(tlb, answers_agree_with_a_timestamp_lru)
{
	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		struct tlb_lru_problem p;
		struct tlb_lru_answer a;
		tlb_lru_generate(&p, seed);
		tlb_lru_solve(&p, &a);
		struct stamped e[TLB_LRU_SIZE_MAX];
		size_t n = 0, hits = 0;
		for (size_t t = 0; t < p.nrefs; t++) {
			bool hit =
				stamped_reference(e, &n, p.size, p.page[t], t);
			cr_assert_eq(a.step[t].hit, hit, "seed %llu, ref %zu",
				     (unsigned long long)seed, t + 1);
			cr_assert_eq(a.step[t].used, n);
			cr_assert_eq(a.step[t].entry[0], p.page[t],
				     "the page just used comes first");
			if (hit)
				hits++;
		}
		cr_assert_eq(a.hits, hits);
	}
}

Test(tlb, a_case_worked_by_hand)
{
	struct tlb_lru_problem p = {
		.size = 2,
		.nrefs = 6,
		.page = {1, 2, 1, 3, 2, 1},
	};
	/* 1 miss [1]; 2 miss [2 1]; 1 hit [1 2]; 3 miss [3 1];
	 * 2 miss [2 3]; 1 miss [1 2]. */
	static const bool HIT[] = {false, false, true, false, false, false};
	static const unsigned LAST[] = {1, 2};
	struct tlb_lru_answer a;
	tlb_lru_solve(&p, &a);
	for (size_t t = 0; t < p.nrefs; t++)
		cr_assert_eq(a.step[t].hit, HIT[t], "reference %zu", t + 1);
	cr_assert_eq(a.hits, 1);
	cr_assert_eq(a.distinct, 3);
	cr_assert_arr_eq(a.step[5].entry, LAST, sizeof LAST);
}

Test(tlb, a_tlb_big_enough_misses_only_once_per_page)
{
	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		struct tlb_lru_problem p;
		struct tlb_lru_answer a;
		tlb_lru_generate(&p, seed);
		cr_assert_lt(p.size, p.nrefs);
		tlb_lru_solve(&p, &a);
		cr_assert_leq(p.nrefs - a.hits, p.nrefs);
		cr_assert_geq(p.nrefs - a.hits, a.distinct,
			      "fewer misses than distinct pages");
		p.size = TLB_LRU_SIZE_MAX;
		if (a.distinct <= TLB_LRU_SIZE_MAX) {
			tlb_lru_solve(&p, &a);
			cr_assert_eq(p.nrefs - a.hits, a.distinct);
		}
	}
}
