/*
 * test_translate.c: the translate problems. The answers are checked
 * against the page-table lab's own MMU (solutions/pagetable/pagetable.c):
 * every valid leaf entry is mapped there with pt_map(), and each query is
 * translated with pt_translate().
 */
#include <criterion/criterion.h>

#include "helpers.h"
#include "pagetable.h"
#include "translate.h"

enum { SEEDS = 200 };

Test(translate, same_seed_same_text)
{
	check_deterministic(translate_run);
}

Test(translate, different_seeds_different_problems)
{
	check_seeds_differ(translate_run);
}

/* Maps, in the lab's page table *pt, every page that a leaf table of p
 * maps. */
static void map_leaves(struct pagetable *pt, const struct translate_problem *p)
{
	for (size_t t = 0; t < p->ntables; t++) {
		const struct translate_table *table = &p->tables[t];
		if (table->level != 0)
			continue;
		for (size_t i = 0; i < (size_t)1 << p->index_bits; i++) {
			if (!table->valid[i])
				continue;
			uint64_t vpn = table->prefix << p->index_bits | i;
			cr_assert_eq(pt_map(pt, vpn << p->offset_bits,
					    table->target[i], 0),
				     0);
		}
	}
}

Test(translate, answers_agree_with_the_labs_mmu)
{
	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		struct translate_problem p;
		translate_generate(&p, seed);
		struct layout layout;
		cr_assert_eq(layout_init(&layout, (size_t)1 << p.offset_bits,
					 p.levels, p.va_bits),
			     0);
		cr_assert_eq(layout.level_bits, p.index_bits);
		struct pagetable pt;
		cr_assert_eq(pt_init(&pt, &layout), 0);
		map_leaves(&pt, &p);
		for (size_t q = 0; q < TRANSLATE_QUERIES; q++) {
			struct translate_walk w;
			uint64_t pa = 0;
			translate_walk(&p, p.va[q], &w);
			enum pt_result r =
				pt_translate(&pt, p.va[q], ACCESS_READ, &pa);
			cr_assert_eq(r, w.fault ? PT_NOT_PRESENT : PT_OK,
				     "seed %llu, address %zu",
				     (unsigned long long)seed, q + 1);
			if (!w.fault)
				cr_assert_eq(pa, w.pa, "seed %llu, address %zu",
					     (unsigned long long)seed, q + 1);
		}
		pt_free(&pt);
	}
}

/* Returns the level at which the walk of va faults, found another way:
 * the deepest level whose tables include va's prefix, by prefix rather
 * than by following frames. Returns -1 if va is mapped. */
static int fault_level(const struct translate_problem *p, uint64_t va)
{
	uint64_t vpn = va >> p->offset_bits;
	for (size_t t = 0; t < p->ntables; t++) {
		const struct translate_table *table = &p->tables[t];
		unsigned below = table->level * p->index_bits;
		uint64_t prefix = vpn >> (below + p->index_bits);
		size_t index = (size_t)(vpn >> below) &
			       (((size_t)1 << p->index_bits) - 1);
		if (prefix == table->prefix && !table->valid[index])
			return (int)table->level;
	}
	return -1;
}

Test(translate, faults_at_the_right_level)
{
	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		struct translate_problem p;
		translate_generate(&p, seed);
		for (size_t q = 0; q < TRANSLATE_QUERIES; q++) {
			struct translate_walk w;
			translate_walk(&p, p.va[q], &w);
			int expected = fault_level(&p, p.va[q]);
			cr_assert_eq(w.fault ? (int)w.last_level : -1, expected,
				     "seed %llu, address %zu",
				     (unsigned long long)seed, q + 1);
		}
	}
}

Test(translate, every_problem_has_each_kind_of_address)
{
	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		struct translate_problem p;
		translate_generate(&p, seed);
		bool mapped = false, leaf_fault = false, upper_fault = false;
		for (size_t q = 0; q < TRANSLATE_QUERIES; q++) {
			struct translate_walk w;
			cr_assert_eq(p.va[q] >> p.va_bits, 0);
			for (size_t r = 0; r < q; r++)
				cr_assert_neq(p.va[q], p.va[r]);
			translate_walk(&p, p.va[q], &w);
			mapped |= !w.fault;
			leaf_fault |= w.fault && w.last_level == 0;
			upper_fault |= w.fault && w.last_level > 0;
		}
		cr_assert(mapped && leaf_fault && upper_fault,
			  "seed %llu lacks a kind of address",
			  (unsigned long long)seed);
	}
}

Test(translate, no_two_things_share_a_frame)
{
	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		struct translate_problem p;
		translate_generate(&p, seed);
		bool used[1 << TRANSLATE_FRAME_BITS] = {false};
		for (size_t t = 0; t < p.ntables; t++) {
			const struct translate_table *table = &p.tables[t];
			cr_assert(!used[table->frame]);
			used[table->frame] = true;
			if (table->level != 0)
				continue;
			for (size_t i = 0; i < (size_t)1 << p.index_bits; i++) {
				if (!table->valid[i])
					continue;
				cr_assert(!used[table->target[i]],
					  "seed %llu: frame 0x%x twice",
					  (unsigned long long)seed,
					  table->target[i]);
				used[table->target[i]] = true;
			}
		}
	}
}
