/*
 * test_eat.c: the eat problems: a case worked by hand, and the bound of
 * part (c) checked for many seeds.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "eat.h"
#include "helpers.h"

enum { SEEDS = 500 };

Test(eat, same_seed_same_text)
{
	check_deterministic(eat_run);
}

Test(eat, different_seeds_different_problems)
{
	check_seeds_differ(eat_run);
}

/*
 * By hand: hit = 1 + 100 = 101 ns; miss = 1 + 4 x 100 + 100 = 501 ns;
 * (a) = 0.98 x 101 + 0.02 x 501 = 98.98 + 10.02 = 109.00 ns;
 * (b) = 109.00 + (8,000,000 - 109.00) / 500,000 = 109.00 + 16.00 (15.99978
 *       rounded) = 125.00 ns;
 * (c) p <= 0.10 x 109.00 / 7,999,891 = 10.90 / 7,999,891.00
 *       = 1 / 733,934.95..., so at most 1 in 733,935.
 */
Test(eat, a_case_worked_by_hand)
{
	struct eat_problem p = {
		.tlb_ns = 1,
		.memory_ns = 100,
		.levels = 4,
		.hit_percent = 98,
		.fault_every = 500000,
		.fault_ms = 8,
		.slower_percent = 10,
	};
	struct eat_answer a;
	eat_solve(&p, &a);
	cr_assert_eq(a.hit_ns, 101);
	cr_assert_eq(a.miss_ns, 501);
	cr_assert_eq(a.base_hundredths, 10900);
	cr_assert_eq(a.fault_hundredths, 1600);
	cr_assert_eq(a.eat_hundredths, 12500);
	cr_assert_eq(a.min_fault_every, 733935);

	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	eat_print(out, &p, true);
	fclose(out);
	cr_assert_not_null(strstr(text, "= 98.98 + 10.02 = 109.00 ns"), "%s",
			   text);
	cr_assert_not_null(strstr(text, "= 109.00 + 16.00 = 125.00 ns"), "%s",
			   text);
	cr_assert_not_null(strstr(text, "1 fault in every 733,935 "), "%s",
			   text);
	free(text);
}

Test(eat, part_c_is_the_tightest_bound)
{
	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		struct eat_problem p;
		struct eat_answer a;
		eat_generate(&p, seed);
		eat_solve(&p, &a);
		cr_assert_gt(a.eat_hundredths, a.base_hundredths);
		cr_assert_gt(a.base_hundredths, 100 * a.hit_ns - 1);
		/* With p = 1/N: p x (S - (a)) <= X% x (a), all in hundredths
		 * and multiplied through by 100 x N. */
		uint64_t gap = 100 * a.fault_ns - a.base_hundredths;
		uint64_t allowed = p.slower_percent * a.base_hundredths;
		uint64_t n = a.min_fault_every;
		cr_assert_leq(100 * gap, allowed * n,
			      "seed %llu: 1 in %llu "
			      "is too many",
			      (unsigned long long)seed, (unsigned long long)n);
		cr_assert_gt(100 * gap, allowed * (n - 1),
			     "seed %llu: 1 in "
			     "%llu is not the most",
			     (unsigned long long)seed,
			     (unsigned long long)(n - 1));
	}
}
