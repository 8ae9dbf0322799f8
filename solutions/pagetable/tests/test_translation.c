/*
 * Stage 2: slicing addresses, walking and filling the page table; stage 3:
 * translating with permissions.
 */
#include <criterion/criterion.h>

#include "harness.h"
#include "pagetable.h"

TestSuite(translation, .fini = harness_test_finished);

/* A page table with the given layout, or a failed test. */
static void make_table(struct pagetable *pt, size_t page_size, unsigned levels,
		       unsigned va_bits)
{
	struct layout l;
	cr_assert_eq(layout_init(&l, page_size, levels, va_bits), 0);
	cr_assert_eq(pt_init(pt, &l), 0);
}

Test(translation, index_slices_an_x86_64_address)
{
	struct layout l;
	cr_assert_eq(layout_init(&l, 4096, 4, 48), 0);
	/* indexes 0x1a3, 0x0f0, 0x155, 0x007 and offset 0xabc */
	uint64_t va = (uint64_t)0x1a3 << 39 | (uint64_t)0x0f0 << 30 |
		      (uint64_t)0x155 << 21 | (uint64_t)0x007 << 12 | 0xabc;
	cr_assert_eq(layout_index(&l, va, 3), 0x1a3);
	cr_assert_eq(layout_index(&l, va, 2), 0x0f0);
	cr_assert_eq(layout_index(&l, va, 1), 0x155);
	cr_assert_eq(layout_index(&l, va, 0), 0x007);
	cr_assert_eq(layout_offset(&l, va), 0xabc);
}

Test(translation, index_slices_a_32_bit_address)
{
	struct layout l;
	cr_assert_eq(layout_init(&l, 4096, 2, 32), 0);
	uint64_t va = 0xc0a81234; /* 1100000010 1010000001 001000110100 */
	cr_assert_eq(layout_index(&l, va, 1), 0x302);
	cr_assert_eq(layout_index(&l, va, 0), 0x281);
	cr_assert_eq(layout_offset(&l, va), 0x234);
}

Test(translation, walk_without_alloc_finds_nothing)
{
	struct pagetable pt;
	make_table(&pt, 4096, 4, 48);
	cr_assert_null(pt_walk(&pt, 0x400000, false));
	cr_assert_eq(pt.ntables, 1, "a walk without alloc made tables");
	pt_free(&pt);
}

Test(translation, walk_makes_one_table_per_level)
{
	struct pagetable pt;
	make_table(&pt, 4096, 4, 48);
	uint64_t *pte = pt_walk(&pt, 0x400000, true);
	cr_assert_not_null(pte);
	cr_assert_eq(*pte, 0, "a new leaf PTE must be 0");
	cr_assert_eq(pt.ntables, 4, "root + 3 lower tables expected, got %zu",
		     pt.ntables);
	cr_assert_eq(pt_walk(&pt, 0x400000, false), pte);
	cr_assert_eq(pt_walk(&pt, 0x400fff, true), pte, "same page, same PTE");
	cr_assert_eq(pt_walk(&pt, 0x401000, true), pte + 1,
		     "the next page's PTE is the next entry of the same leaf");
	cr_assert_eq(pt.ntables, 4);
	cr_assert_neq(pt_walk(&pt, (uint64_t)1 << 39, true), pte);
	cr_assert_eq(pt.ntables, 7, "a new level-3 index needs 3 new tables");
	pt_free(&pt);
}

Test(translation, walk_with_two_levels)
{
	struct pagetable pt;
	make_table(&pt, 4096, 2, 32);
	uint64_t *a = pt_walk(&pt, 0x00400000, true);
	uint64_t *b = pt_walk(&pt, 0xbfffe000, true);
	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_neq(a, b);
	cr_assert_eq(pt.ntables, 3);
	pt_free(&pt);
}

/* Maps page i of a few to frame 3i+1, then checks the invariant
 * pa == frame * page_size + offset for several offsets. */
static void check_invariant(size_t page_size, unsigned levels, unsigned va_bits)
{
	struct pagetable pt;
	make_table(&pt, page_size, levels, va_bits);
	uint64_t top = (uint64_t)1 << va_bits;
	uint64_t pages[] = {
		0, 1, 2, 77, top / page_size / 2, top / page_size - 1};
	size_t n = sizeof pages / sizeof *pages;
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(pt_map(&pt, pages[i] * page_size, 3 * i + 1, 0),
			     0);
	for (size_t i = 0; i < n; i++) {
		for (uint64_t offset = 0; offset < page_size;
		     offset += page_size / 4 + 1) {
			uint64_t va = pages[i] * page_size + offset, pa = 0;
			cr_assert_eq(pt_translate(&pt, va, ACCESS_READ, &pa),
				     PT_OK, "va %#llx", (unsigned long long)va);
			cr_assert_eq(pa, (3 * i + 1) * page_size + offset,
				     "va %#llx: pa %#llx is not frame * "
				     "page_size + offset",
				     (unsigned long long)va,
				     (unsigned long long)pa);
		}
	}
	pt_free(&pt);
}

Test(translation, pa_is_frame_times_page_size_plus_offset)
{
	check_invariant(4096, 4, 48);
	check_invariant(4096, 2, 32);
	check_invariant(16, 3, 16);
	check_invariant(1 << 21, 3, 48);
	check_invariant(4096, 1, 20);
}

Test(translation, unmapped_address_is_not_present)
{
	struct pagetable pt;
	make_table(&pt, 4096, 4, 48);
	uint64_t pa = 12345;
	cr_assert_eq(pt_translate(&pt, 0x1000, ACCESS_READ, &pa),
		     PT_NOT_PRESENT);
	cr_assert_eq(pt_map(&pt, 0x1000, 9, PTE_WRITABLE), 0);
	cr_assert_eq(pt_translate(&pt, 0x2000, ACCESS_READ, &pa),
		     PT_NOT_PRESENT);
	cr_assert_eq(pt_translate(&pt, (uint64_t)1 << 48, ACCESS_READ, &pa),
		     PT_NOT_PRESENT, "an address beyond 48 bits");
	cr_assert_eq(pa, 12345, "a fault must leave *pa alone");
	pt_free(&pt);
}

Test(translation, swapped_entry_is_not_present)
{
	struct pagetable pt;
	make_table(&pt, 4096, 4, 48);
	uint64_t *pte = pt_walk(&pt, 0x5000, true);
	cr_assert_not_null(pte);
	*pte = pte_make(3, PTE_SWAPPED | PTE_WRITABLE);
	uint64_t pa;
	cr_assert_eq(pt_translate(&pt, 0x5000, ACCESS_READ, &pa),
		     PT_NOT_PRESENT);
	pt_free(&pt);
}

Test(translation, permissions_are_checked)
{
	struct pagetable pt;
	make_table(&pt, 4096, 4, 48);
	cr_assert_eq(pt_map(&pt, 0x1000, 1, 0), 0);            /* r-- */
	cr_assert_eq(pt_map(&pt, 0x2000, 2, PTE_WRITABLE), 0); /* rw- */
	cr_assert_eq(pt_map(&pt, 0x3000, 3, PTE_EXEC), 0);     /* r-x */
	uint64_t pa;
	cr_assert_eq(pt_translate(&pt, 0x1000, ACCESS_READ, &pa), PT_OK);
	cr_assert_eq(pt_translate(&pt, 0x1000, ACCESS_WRITE, &pa), PT_DENIED,
		     "write to a read-only page");
	cr_assert_eq(pt_translate(&pt, 0x1000, ACCESS_EXEC, &pa), PT_DENIED);
	cr_assert_eq(pt_translate(&pt, 0x2000, ACCESS_WRITE, &pa), PT_OK);
	cr_assert_eq(pt_translate(&pt, 0x2000, ACCESS_EXEC, &pa), PT_DENIED,
		     "fetch from a non-executable page");
	cr_assert_eq(pt_translate(&pt, 0x3000, ACCESS_EXEC, &pa), PT_OK);
	cr_assert_eq(pt_translate(&pt, 0x3000, ACCESS_WRITE, &pa), PT_DENIED);
	pt_free(&pt);
}

Test(translation, map_makes_a_present_clean_entry)
{
	struct pagetable pt;
	make_table(&pt, 4096, 4, 48);
	cr_assert_eq(pt_map(&pt, 0x7000, 42, PTE_WRITABLE | PTE_DIRTY), 0);
	uint64_t pte = *pt_walk(&pt, 0x7000, false);
	cr_assert_eq(pte_frame(pte), 42);
	cr_assert(pte & PTE_PRESENT);
	cr_assert(pte & PTE_WRITABLE);
	cr_assert_eq(pte & (PTE_ACCESSED | PTE_DIRTY | PTE_EXEC | PTE_SWAPPED),
		     0, "only present and the permissions asked for");
	pt_free(&pt);
}

Test(translation, mmu_sets_accessed_and_dirty)
{
	struct pagetable pt;
	make_table(&pt, 4096, 4, 48);
	cr_assert_eq(pt_map(&pt, 0x7000, 5, PTE_WRITABLE), 0);
	uint64_t *pte = pt_walk(&pt, 0x7000, false), pa;
	cr_assert_eq(pt_translate(&pt, 0x7123, ACCESS_READ, &pa), PT_OK);
	cr_assert(*pte & PTE_ACCESSED, "a read sets the accessed bit");
	cr_assert_not(*pte & PTE_DIRTY, "a read must not set the dirty bit");
	cr_assert_eq(pt_translate(&pt, 0x7123, ACCESS_WRITE, &pa), PT_OK);
	cr_assert(*pte & PTE_DIRTY, "a write sets the dirty bit");
	cr_assert_eq(pte_frame(*pte), 5);
	cr_assert_eq(pt_map(&pt, 0x8000, 6, 0), 0);
	pte = pt_walk(&pt, 0x8000, false);
	cr_assert_eq(pt_translate(&pt, 0x8000, ACCESS_WRITE, &pa), PT_DENIED);
	cr_assert_not(*pte & PTE_DIRTY, "a denied write must not set dirty");
	pt_free(&pt);
}
