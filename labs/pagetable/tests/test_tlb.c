/*
 * Stage 3: the TLB, alone and in the MMU.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"
#include "helpers.h"
#include "tlb.h"
#include "vm.h"

TestSuite(tlb, .fini = harness_test_finished);

Test(tlb, miss_then_hit)
{
	struct tlb tlb;
	cr_assert_eq(tlb_init(&tlb, 4), 0);
	uint64_t pte = 0;
	cr_assert_not(tlb_lookup(&tlb, 1, 0x42, &pte));
	tlb_insert(&tlb, 1, 0x42, pte_make(7, PTE_PRESENT));
	cr_assert(tlb_lookup(&tlb, 1, 0x42, &pte));
	cr_assert_eq(pte_frame(pte), 7);
	cr_assert(tlb_lookup(&tlb, 1, 0x42, &pte));
	cr_assert_eq(tlb.hits, 2);
	cr_assert_eq(tlb.misses, 1);
	tlb_free(&tlb);
}

Test(tlb, entries_are_tagged_with_the_asid)
{
	struct tlb tlb;
	cr_assert_eq(tlb_init(&tlb, 4), 0);
	uint64_t pte;
	tlb_insert(&tlb, 1, 0x42, pte_make(7, PTE_PRESENT));
	cr_assert_not(tlb_lookup(&tlb, 2, 0x42, &pte),
		      "another address space's entry must not hit");
	tlb_insert(&tlb, 2, 0x42, pte_make(9, PTE_PRESENT));
	cr_assert(tlb_lookup(&tlb, 1, 0x42, &pte));
	cr_assert_eq(pte_frame(pte), 7);
	cr_assert(tlb_lookup(&tlb, 2, 0x42, &pte));
	cr_assert_eq(pte_frame(pte), 9);
	tlb_free(&tlb);
}

Test(tlb, insert_updates_an_entry_in_place)
{
	struct tlb tlb;
	cr_assert_eq(tlb_init(&tlb, 4), 0);
	tlb_insert(&tlb, 1, 5, pte_make(1, PTE_PRESENT));
	tlb_insert(&tlb, 1, 5, pte_make(2, PTE_PRESENT | PTE_DIRTY));
	size_t valid = 0;
	for (size_t i = 0; i < tlb.size; i++)
		valid += tlb.entries[i].valid;
	cr_assert_eq(valid, 1, "one page, one entry");
	uint64_t pte;
	cr_assert(tlb_lookup(&tlb, 1, 5, &pte));
	cr_assert_eq(pte_frame(pte), 2);
	/* The page in entry 0 and one in a later entry, updated while the
	 * round-robin pointer points elsewhere: still one entry each, and
	 * nothing else evicted. */
	tlb_insert(&tlb, 1, 6, pte_make(3, PTE_PRESENT));
	tlb_insert(&tlb, 1, 6, pte_make(4, PTE_PRESENT));
	tlb_insert(&tlb, 1, 5, pte_make(5, PTE_PRESENT));
	valid = 0;
	for (size_t i = 0; i < tlb.size; i++)
		valid += tlb.entries[i].valid;
	cr_assert_eq(valid, 2,
		     "two pages, two entries: an update must find "
		     "the page's entry wherever it is");
	cr_assert(tlb_lookup(&tlb, 1, 5, &pte) && pte_frame(pte) == 5);
	cr_assert(tlb_lookup(&tlb, 1, 6, &pte) && pte_frame(pte) == 4);
	tlb_free(&tlb);
}

Test(tlb, full_tlb_replaces_round_robin)
{
	struct tlb tlb;
	cr_assert_eq(tlb_init(&tlb, 2), 0);
	uint64_t pte;
	tlb_insert(&tlb, 1, 10, pte_make(10, PTE_PRESENT));
	tlb_insert(&tlb, 1, 11, pte_make(11, PTE_PRESENT));
	tlb_insert(&tlb, 1, 12, pte_make(12, PTE_PRESENT)); /* replaces 10 */
	cr_assert_not(tlb_lookup(&tlb, 1, 10, &pte));
	cr_assert(tlb_lookup(&tlb, 1, 11, &pte));
	cr_assert(tlb_lookup(&tlb, 1, 12, &pte));
	tlb_insert(&tlb, 1, 13, pte_make(13, PTE_PRESENT)); /* replaces 11 */
	cr_assert_not(tlb_lookup(&tlb, 1, 11, &pte));
	cr_assert(tlb_lookup(&tlb, 1, 12, &pte));
	cr_assert(tlb_lookup(&tlb, 1, 13, &pte));
	tlb_free(&tlb);

	/* Four entries: replaced in the order they were filled. */
	cr_assert_eq(tlb_init(&tlb, 4), 0);
	for (uint64_t vpn = 1; vpn <= 6; vpn++)
		tlb_insert(&tlb, 1, vpn, pte_make(vpn, PTE_PRESENT));
	for (uint64_t vpn = 1; vpn <= 6; vpn++)
		cr_assert_eq(tlb_lookup(&tlb, 1, vpn, &pte), vpn >= 3,
			     "after pages 1 to 6 in a 4-entry TLB, page %llu "
			     "should %s: round robin replaces entries 0, 1, "
			     "2, 3, 0... in turn",
			     (unsigned long long)vpn,
			     vpn >= 3 ? "hit" : "miss");
	/* Page 4 went into entry 0 by round robin: updating it must find it
	 * there, not replace page 3, which round robin points at next. */
	tlb_insert(&tlb, 1, 4, pte_make(40, PTE_PRESENT));
	cr_assert(tlb_lookup(&tlb, 1, 3, &pte),
		  "updating page 4 replaced page 3: the update did not look "
		  "at every entry");
	cr_assert(tlb_lookup(&tlb, 1, 4, &pte) && pte_frame(pte) == 40);
	tlb_free(&tlb);
}

Test(tlb, a_free_entry_is_used_before_replacing_one)
{
	struct tlb tlb;
	cr_assert_eq(tlb_init(&tlb, 2), 0);
	uint64_t pte;
	tlb_insert(&tlb, 1, 10, pte_make(10, PTE_PRESENT));
	tlb_insert(&tlb, 1, 11, pte_make(11, PTE_PRESENT));
	tlb_insert(&tlb, 1, 12, pte_make(12, PTE_PRESENT)); /* replaces 10 */
	tlb_invalidate(&tlb, 1, 12); /* entry 0 is free again */
	tlb_insert(&tlb, 1, 13, pte_make(13, PTE_PRESENT));
	cr_assert(tlb_lookup(&tlb, 1, 11, &pte),
		  "page 13 replaced page 11 although an entry was free");
	cr_assert(tlb_lookup(&tlb, 1, 13, &pte));
	tlb_free(&tlb);
}

Test(tlb, invalidate_drops_one_entry)
{
	struct tlb tlb;
	cr_assert_eq(tlb_init(&tlb, 4), 0);
	uint64_t pte;
	tlb_insert(&tlb, 1, 10, pte_make(10, PTE_PRESENT));
	tlb_insert(&tlb, 2, 10, pte_make(11, PTE_PRESENT));
	tlb_insert(&tlb, 1, 12, pte_make(12, PTE_PRESENT));
	tlb_invalidate(&tlb, 1, 10);
	cr_assert_not(tlb_lookup(&tlb, 1, 10, &pte));
	cr_assert(tlb_lookup(&tlb, 2, 10, &pte));
	cr_assert(tlb_lookup(&tlb, 1, 12, &pte));
	tlb_invalidate(&tlb, 1, 12); /* in the third entry */
	cr_assert_not(tlb_lookup(&tlb, 1, 12, &pte),
		      "an entry after the first is dropped too");
	cr_assert(tlb_lookup(&tlb, 2, 10, &pte));
	tlb_insert(&tlb, 1, 12, pte_make(12, PTE_PRESENT));
	tlb_flush(&tlb);
	cr_assert_not(tlb_lookup(&tlb, 2, 10, &pte));
	cr_assert_not(tlb_lookup(&tlb, 1, 12, &pte));
	tlb_free(&tlb);
}

Test(tlb, no_tlb_always_misses)
{
	struct tlb tlb;
	cr_assert_eq(tlb_init(&tlb, 0), 0);
	uint64_t pte;
	tlb_insert(&tlb, 1, 10, pte_make(10, PTE_PRESENT));
	cr_assert_not(tlb_lookup(&tlb, 1, 10, &pte));
	tlb_free(&tlb);
}

/* A TLB of four entries lent a fifth, valid one past its end: lookup,
 * insert and invalidate must never look at it. A loop that runs to
 * i <= size reads (and may write) memory the TLB does not own. */
Test(tlb, entries_past_the_last_are_never_touched)
{
	struct tlb_entry entries[5] = {0};
	const struct tlb_entry beyond = {
		.vpn = 0x42,
		.pte = pte_make(9, PTE_PRESENT),
		.asid = 1,
		.valid = true,
	};
	entries[4] = beyond;
	struct tlb tlb = {.entries = entries, .size = 4};
	uint64_t pte = 0;
	cr_assert_not(
		tlb_lookup(&tlb, 1, 0x42, &pte),
		"tlb_lookup found an entry past the last one (i <= size?)");

	/* Empty entries first: 0x42 goes to entry 0, then 1, 2 and 3 fill
	 * up, and the fifth insert replaces entry 0, round robin's first. */
	for (uint64_t vpn = 0x42; vpn < 0x47; vpn++)
		tlb_insert(&tlb, 1, vpn, pte_make(vpn, PTE_PRESENT));
	cr_assert(memcmp(&entries[4], &beyond, sizeof beyond) == 0,
		  "tlb_insert wrote to an entry past the last one");
	cr_assert_not(tlb_lookup(&tlb, 1, 0x42, &pte),
		      "0x42 sat in entry 0 and the fifth insert should have "
		      "replaced it; did tlb_insert match the entry past the "
		      "last one (i <= size?)");
	cr_assert(tlb_lookup(&tlb, 1, 0x43, &pte));
	tlb_invalidate(&tlb, 1, 0x42);
	cr_assert(entries[4].valid,
		  "tlb_invalidate cleared an entry past the last one "
		  "(i <= size?)");
	cr_assert_eq(tlb.hits, 1);
	cr_assert_eq(tlb.misses, 2);
}

/* A machine with a TLB and pages mapped by hand: no page faults needed. */
static struct addr_space *mapped_machine(struct vm *vm, size_t tlb_size)
{
	struct vm_config config = test_config(8, POLICY_FIFO);
	config.tlb_size = tlb_size;
	test_machine(vm, &config);
	struct addr_space *as = test_space(vm, 0, 1 << 20, PTE_WRITABLE);
	for (uint64_t page = 0; page < 8; page++)
		cr_assert_eq(pt_map(&as->pt, page * TEST_PAGE, 7 - page,
				    PTE_WRITABLE),
			     0);
	vm->frames_used = 8;
	return as;
}

Test(tlb, mmu_counts_hits_and_misses)
{
	struct vm vm;
	mapped_machine(&vm, 4);
	uint64_t pa;
	for (int i = 0; i < 10; i++) {
		cr_assert_eq(
			vm_access(&vm, 0x1000 + (uint64_t)i, ACCESS_READ, &pa),
			VM_HIT);
		cr_assert_eq(pa, 6 * TEST_PAGE + (uint64_t)i);
	}
	const struct vm_stats *s = vm_stats(&vm);
	cr_assert_eq(s->tlb_misses, 1, "only the first reference walks");
	cr_assert_eq(s->tlb_hits, 9);
	cr_assert_eq(s->hits, 10);
	vm_free(&vm);
}

Test(tlb, mmu_hits_translate_like_walks)
{
	struct vm vm;
	mapped_machine(&vm, 2);
	uint64_t pa;
	for (int round = 0; round < 3; round++) {
		for (uint64_t page = 0; page < 8; page++) {
			uint64_t va = page * TEST_PAGE + 0x10 * page;
			cr_assert_eq(vm_access(&vm, va, ACCESS_READ, &pa),
				     VM_HIT);
			cr_assert_eq(pa, (7 - page) * TEST_PAGE + 0x10 * page);
			cr_assert_eq(vm_access(&vm, va, ACCESS_READ, &pa),
				     VM_HIT);
			cr_assert_eq(pa, (7 - page) * TEST_PAGE + 0x10 * page);
		}
	}
	const struct vm_stats *s = vm_stats(&vm);
	cr_assert_eq(s->tlb_hits, 24);
	cr_assert_eq(s->tlb_misses, 24);
	vm_free(&vm);
}

Test(tlb, a_one_entry_tlb_still_caches)
{
	struct vm vm;
	mapped_machine(&vm, 1);
	uint64_t pa;
	static const uint64_t pages[] = {1, 1, 2, 2, 1};
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
		cr_assert_eq(
			vm_access(&vm, pages[i] * TEST_PAGE, ACCESS_READ, &pa),
			VM_HIT);
	const struct vm_stats *s = vm_stats(&vm);
	cr_assert_eq(s->tlb_hits, 2,
		     "pages 1 1 2 2 1 through a one-entry TLB: %llu hits, "
		     "expected 2 (is a TLB of size 1 treated as no TLB?)",
		     (unsigned long long)s->tlb_hits);
	cr_assert_eq(s->tlb_misses, 3);
	vm_free(&vm);
}

Test(tlb, only_successful_walks_are_cached)
{
	struct vm vm;
	struct vm_config config = test_config(8, POLICY_FIFO);
	config.tlb_size = 4;
	test_machine(&vm, &config);
	/* Page 0 is mapped, so the leaf table that holds page 1's empty PTE
	 * exists; page 1 lies outside every region. */
	struct addr_space *as = test_space(&vm, 0, TEST_PAGE, PTE_WRITABLE);
	cr_assert_eq(pt_map(&as->pt, 0, 3, PTE_WRITABLE), 0);
	vm.frames_used = 8;
	uint64_t pa;
	for (int i = 0; i < 3; i++)
		cr_assert_eq(vm_access(&vm, TEST_PAGE, ACCESS_READ, &pa),
			     VM_SEGV_UNMAPPED);
	const struct vm_stats *s = vm_stats(&vm);
	cr_assert_eq(s->tlb_hits, 0,
		     "a walk that failed was cached: %llu TLB hits on a "
		     "page that is not present",
		     (unsigned long long)s->tlb_hits);
	cr_assert_eq(s->tlb_misses, 3);
	vm_free(&vm);
}

Test(tlb, a_read_hit_does_not_walk)
{
	struct vm vm;
	struct addr_space *as = mapped_machine(&vm, 4);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, 0x3000, ACCESS_READ, &pa), VM_HIT);
	uint64_t *pte = pt_walk(&as->pt, 0x3000, false);
	cr_assert(*pte & PTE_ACCESSED, "the walk sets the accessed bit");
	/* Clear the bit behind the TLB's back, as CLOCK would if it did not
	 * also drop the entry: a hit must not walk and set it again. */
	*pte &= ~(uint64_t)PTE_ACCESSED;
	cr_assert_eq(vm_access(&vm, 0x3008, ACCESS_READ, &pa), VM_HIT);
	cr_assert_eq(pa, 4 * TEST_PAGE + 8);
	cr_assert_eq(vm_stats(&vm)->tlb_hits, 1);
	cr_assert_not(*pte & PTE_ACCESSED,
		      "a read that hit in the TLB walked the page table anyway "
		      "(a usable hit must not fall through to the walk)");
	vm_free(&vm);
}

Test(tlb, write_through_a_clean_entry_sets_dirty)
{
	struct vm vm;
	struct addr_space *as = mapped_machine(&vm, 4);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, 0x2000, ACCESS_READ, &pa), VM_HIT);
	cr_assert_eq(vm_access(&vm, 0x2000, ACCESS_READ, &pa), VM_HIT);
	cr_assert_eq(vm_stats(&vm)->tlb_hits, 1, "the TLB holds the page");
	cr_assert_eq(vm_access(&vm, 0x2008, ACCESS_WRITE, &pa), VM_HIT);
	cr_assert(*pt_walk(&as->pt, 0x2000, false) & PTE_DIRTY,
		  "a write after a read must still set the PTE's dirty bit");
	cr_assert_eq(pa, 5 * TEST_PAGE + 8);
	vm_free(&vm);
}

Test(tlb, mmu_hit_still_checks_permissions)
{
	struct vm vm;
	mapped_machine(&vm, 4); /* pages writable, not executable */
	uint64_t pa = 0;
	cr_assert_eq(vm_access(&vm, 0x4000, ACCESS_READ, &pa), VM_HIT);
	cr_assert_eq(vm_access(&vm, 0x4000, ACCESS_READ, &pa), VM_HIT);
	cr_assert_eq(vm_stats(&vm)->tlb_hits, 1, "the TLB holds the page");
	enum vm_event exec = vm_access(&vm, 0x4010, ACCESS_EXEC, &pa);
	cr_assert_not(vm_event_ok(exec),
		      "an exec of a page mapped without PTE_EXEC succeeded "
		      "because the page was in the TLB: a hit must still pass "
		      "pte_allows(pte, kind) (arguments in that order)");
	vm_free(&vm);
}
