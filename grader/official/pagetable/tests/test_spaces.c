/*
 * Stage 6: several address spaces sharing the frames.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"
#include "helpers.h"
#include "vm.h"

TestSuite(spaces, .fini = harness_test_finished);

static const uint64_t DATA = 0x600000;
static const uint64_t LENGTH = 64 * TEST_PAGE;

/* A machine with `frames` frames, and n spaces with the same region. */
static void make_spaces(struct vm *vm, struct vm_config *config,
			struct addr_space **spaces, size_t n)
{
	test_machine(vm, config);
	for (size_t i = 0; i < n; i++)
		spaces[i] = test_space(vm, DATA, LENGTH, PTE_WRITABLE);
}

Test(spaces, each_space_has_its_own_asid)
{
	struct vm vm;
	struct vm_config config = test_config(4, POLICY_FIFO);
	struct addr_space *s[3];
	make_spaces(&vm, &config, s, 3);
	cr_assert_neq(s[0]->asid, s[1]->asid);
	cr_assert_neq(s[1]->asid, s[2]->asid);
	cr_assert_neq(s[0]->asid, s[2]->asid);
	vm_switch(&vm, s[1]);
	cr_assert_eq(vm.current, s[1], "vm_switch makes the space current");
	vm_switch(&vm, s[0]);
	cr_assert_eq(vm.current, s[0]);
	vm_free(&vm);
}

Test(spaces, same_address_different_frames)
{
	struct vm vm;
	struct vm_config config = test_config(4, POLICY_FIFO);
	struct addr_space *s[2];
	make_spaces(&vm, &config, s, 2);
	uint64_t pa0, pa1;
	vm_switch(&vm, s[0]);
	cr_assert_eq(vm_access(&vm, DATA + 8, ACCESS_WRITE, &pa0), VM_MINOR);
	vm_switch(&vm, s[1]);
	cr_assert_eq(vm_access(&vm, DATA + 8, ACCESS_WRITE, &pa1), VM_MINOR,
		     "the other space's page is not this space's");
	cr_assert_neq(pa0 / TEST_PAGE, pa1 / TEST_PAGE);
	vm_free(&vm);
}

Test(spaces, writes_in_one_space_are_invisible_in_another)
{
	struct vm vm;
	struct vm_config config = test_config(4, POLICY_FIFO);
	config.tlb_size = 8;
	struct addr_space *s[2];
	make_spaces(&vm, &config, s, 2);
	vm_switch(&vm, s[0]);
	cr_assert(vm_event_ok(test_poke(&vm, DATA, "first", 6)));
	vm_switch(&vm, s[1]);
	char buf[6];
	cr_assert(vm_event_ok(test_peek(&vm, DATA, buf, 6)));
	cr_assert_eq(memcmp(buf, "\0\0\0\0\0\0", 6), 0,
		     "space 2 sees space 1's bytes");
	cr_assert(vm_event_ok(test_poke(&vm, DATA, "other", 6)));
	vm_switch(&vm, s[0]);
	cr_assert(vm_event_ok(test_peek(&vm, DATA, buf, 6)));
	cr_assert_str_eq(buf, "first");
	vm_switch(&vm, s[1]);
	cr_assert(vm_event_ok(test_peek(&vm, DATA, buf, 6)));
	cr_assert_str_eq(buf, "other");
	vm_free(&vm);
}

Test(spaces, tagged_tlb_keeps_entries_across_switches)
{
	struct vm vm;
	struct vm_config config = test_config(4, POLICY_FIFO);
	config.tlb_size = 8;
	struct addr_space *s[2];
	make_spaces(&vm, &config, s, 2);
	uint64_t pa, pa0, pa1;
	vm_switch(&vm, s[0]);
	vm_access(&vm, DATA, ACCESS_READ, &pa0);
	vm_switch(&vm, s[1]);
	vm_access(&vm, DATA, ACCESS_READ, &pa1);
	/* Two spaces, so two frames (or vm_switch switched nothing). */
	cr_assert_neq(pa0, pa1, "the same address in two spaces, one frame");
	uint64_t hits = vm_stats(&vm)->tlb_hits;
	vm_switch(&vm, s[0]);
	cr_assert_eq(vm_access(&vm, DATA, ACCESS_READ, &pa), VM_HIT);
	cr_assert_eq(pa, pa0);
	vm_switch(&vm, s[1]);
	cr_assert_eq(vm_access(&vm, DATA, ACCESS_READ, &pa), VM_HIT);
	cr_assert_eq(pa, pa1);
	cr_assert_eq(vm_stats(&vm)->tlb_hits, hits + 2,
		     "ASID tags let both spaces' entries stay");
	vm_free(&vm);
}

Test(spaces, untagged_tlb_is_flushed_on_a_switch)
{
	struct vm vm;
	struct vm_config config = test_config(4, POLICY_FIFO);
	config.tlb_size = 8;
	config.tlb_flush_on_switch = true;
	struct addr_space *s[2];
	make_spaces(&vm, &config, s, 2);
	uint64_t pa;
	vm_switch(&vm, s[0]);
	vm_access(&vm, DATA, ACCESS_READ, &pa);
	vm_access(&vm, DATA, ACCESS_READ, &pa);
	cr_assert_eq(vm_stats(&vm)->tlb_hits, 1);
	vm_switch(&vm, s[0]);
	vm_access(&vm, DATA, ACCESS_READ, &pa);
	cr_assert_eq(vm_stats(&vm)->tlb_hits, 2,
		     "switching to the current space need not flush");
	vm_switch(&vm, s[1]);
	vm_switch(&vm, s[0]);
	uint64_t misses = vm_stats(&vm)->tlb_misses;
	vm_access(&vm, DATA, ACCESS_READ, &pa);
	cr_assert_eq(vm_stats(&vm)->tlb_misses, misses + 1,
		     "after a switch, an untagged TLB must be empty");
	vm_free(&vm);
}

/* The text that space i keeps on page `page` in round `round`. */
static void page_text(char *buf, size_t cap, size_t i, uint64_t page, int round)
{
	snprintf(buf, cap, "space %zu page %llu round %d", i,
		 (unsigned long long)page, round);
}

/* Checks the last round's text on each page of the current space (space
 * i), then writes this round's. */
static void visit_pages(struct vm *vm, size_t i, int round)
{
	char buf[32], want[32];
	for (uint64_t page = 0; page < 3; page++) {
		uint64_t va = DATA + page * TEST_PAGE + 100;
		if (round > 0) {
			cr_assert(vm_event_ok(
				test_peek(vm, va, buf, sizeof buf)));
			page_text(want, sizeof want, i, page, round - 1);
			cr_assert_str_eq(buf, want);
		}
		page_text(buf, sizeof buf, i, page, round);
		cr_assert(vm_event_ok(test_poke(vm, va, buf, sizeof buf)));
	}
}

Test(spaces, spaces_evict_each_others_pages_safely)
{
	/* 4 spaces of 3 pages each take turns on 3 frames. */
	struct vm vm;
	struct vm_config config = test_config(3, POLICY_LRU);
	config.tlb_size = 4;
	struct addr_space *s[4];
	make_spaces(&vm, &config, s, 4);
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < 4; i++) {
			vm_switch(&vm, s[i]);
			visit_pages(&vm, i, round);
		}
	}
	cr_assert_gt(vm_stats(&vm)->major_faults, 0);
	vm_free(&vm);
}
