/*
 * Stage 4: the page fault handler: segmentation faults, demand-zero pages
 * (minor faults) and pages read back from swap (major faults).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"
#include "helpers.h"
#include "vm.h"

TestSuite(faults, .fini = harness_test_finished);

static const uint64_t HEAP = 0x10000;    /* a read-write region */
static const uint64_t TEXT = 0x400000;   /* a read-execute region */
static const uint64_t RODATA = 0x800000; /* a read-only region */
static const uint64_t REGION = 16 * TEST_PAGE;

/* A machine with 8 frames and a space with three regions. */
static struct addr_space *fault_machine(struct vm *vm)
{
	struct vm_config config = test_config(8, POLICY_FIFO);
	test_machine(vm, &config);
	struct addr_space *as = test_space(vm, HEAP, REGION, PTE_WRITABLE);
	cr_assert_eq(as_add_region(as, TEXT, REGION, PTE_EXEC), 0);
	cr_assert_eq(as_add_region(as, RODATA, REGION, 0), 0);
	return as;
}

Test(faults, first_touch_is_a_minor_fault_on_a_zeroed_frame)
{
	struct vm vm;
	fault_machine(&vm);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, HEAP + 0x10, ACCESS_READ, &pa), VM_MINOR);
	const unsigned char *frame = physmem_at(&vm.mem, pa - 0x10);
	for (size_t i = 0; i < TEST_PAGE; i++)
		cr_assert_eq(frame[i], 0, "byte %zu of a demand-zero page", i);
	cr_assert_eq(vm_access(&vm, HEAP + 0x20, ACCESS_READ, &pa), VM_HIT);
	cr_assert_eq(vm_access(&vm, HEAP + 0x30, ACCESS_WRITE, &pa), VM_HIT);
	const struct vm_stats *s = vm_stats(&vm);
	cr_assert_eq(s->minor_faults, 1);
	cr_assert_eq(s->faults, 1);
	cr_assert_eq(s->hits, 2);
	vm_free(&vm);
}

Test(faults, free_frames_are_used_lowest_first)
{
	struct vm vm;
	fault_machine(&vm);
	for (uint64_t i = 0; i < 8; i++) {
		uint64_t pa;
		uint64_t va = HEAP + (7 - i) * TEST_PAGE;
		cr_assert_eq(vm_access(&vm, va, ACCESS_WRITE, &pa), VM_MINOR);
		cr_assert_eq(pa / TEST_PAGE, i,
			     "page %llu should get frame %llu",
			     (unsigned long long)(va / TEST_PAGE),
			     (unsigned long long)i);
	}
	vm_free(&vm);
}

Test(faults, fault_maps_the_page_with_the_region_permissions)
{
	struct vm vm;
	struct addr_space *as = fault_machine(&vm);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, TEXT, ACCESS_EXEC, &pa), VM_MINOR);
	uint64_t *pte = pt_walk(&as->pt, TEXT, false);
	cr_assert_not_null(pte);
	cr_assert(*pte & PTE_PRESENT);
	cr_assert(*pte & PTE_EXEC);
	cr_assert_not(*pte & PTE_WRITABLE);
	cr_assert_eq(pte_frame(*pte), pa / TEST_PAGE);
	vm_free(&vm);
}

Test(faults, unmapped_address_is_a_segfault)
{
	struct vm vm;
	fault_machine(&vm);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, 0x0, ACCESS_READ, &pa), VM_SEGV_UNMAPPED);
	cr_assert_eq(vm_access(&vm, HEAP + REGION, ACCESS_WRITE, &pa),
		     VM_SEGV_UNMAPPED, "just past the end of a region");
	cr_assert_eq(vm_access(&vm, (uint64_t)1 << 48, ACCESS_READ, &pa),
		     VM_SEGV_UNMAPPED, "beyond the 48-bit address space");
	cr_assert_eq(vm_access(&vm, HEAP, ACCESS_WRITE, &pa), VM_MINOR,
		     "the simulation goes on after a segfault");
	const struct vm_stats *s = vm_stats(&vm);
	cr_assert_eq(s->segfaults, 3);
	cr_assert_eq(s->faults, 1);
	cr_assert_eq(s->references, 4);
	cr_assert_eq(vm.frames_used, 1, "a segfault takes no frame");
	vm_free(&vm);
}

Test(faults, write_to_read_only_is_a_segfault)
{
	struct vm vm;
	fault_machine(&vm);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, RODATA, ACCESS_WRITE, &pa), VM_SEGV_DENIED,
		     "write to a read-only page not yet present");
	cr_assert_eq(vm_access(&vm, RODATA, ACCESS_READ, &pa), VM_MINOR);
	cr_assert_eq(vm_access(&vm, RODATA, ACCESS_WRITE, &pa), VM_SEGV_DENIED,
		     "write to a present read-only page");
	cr_assert_eq(vm_access(&vm, TEXT, ACCESS_WRITE, &pa), VM_SEGV_DENIED);
	cr_assert_eq(vm_stats(&vm)->segfaults, 3);
	vm_free(&vm);
}

Test(faults, exec_from_non_executable_is_a_segfault)
{
	struct vm vm;
	fault_machine(&vm);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, HEAP, ACCESS_EXEC, &pa), VM_SEGV_DENIED);
	cr_assert_eq(vm_access(&vm, HEAP, ACCESS_WRITE, &pa), VM_MINOR);
	cr_assert_eq(vm_access(&vm, HEAP, ACCESS_EXEC, &pa), VM_SEGV_DENIED);
	cr_assert_eq(vm_access(&vm, RODATA, ACCESS_EXEC, &pa), VM_SEGV_DENIED);
	cr_assert_eq(vm_access(&vm, TEXT + 0x40, ACCESS_EXEC, &pa), VM_MINOR);
	cr_assert_eq(vm_access(&vm, TEXT + 0x80, ACCESS_READ, &pa), VM_HIT);
	vm_free(&vm);
}

Test(faults, swapped_page_is_a_major_fault)
{
	struct vm vm;
	struct addr_space *as = fault_machine(&vm);
	/* Put a page in swap by hand, as an eviction would have. */
	unsigned char page[TEST_PAGE];
	for (size_t i = 0; i < TEST_PAGE; i++)
		page[i] = (unsigned char)(i * 7);
	size_t slot = swap_alloc(&vm.swap);
	cr_assert_eq(swap_write(&vm.swap, slot, page), 0);
	uint64_t *pte = pt_walk(&as->pt, HEAP + 3 * TEST_PAGE, true);
	cr_assert_not_null(pte);
	*pte = pte_make(slot, PTE_SWAPPED | PTE_WRITABLE);

	uint64_t pa;
	cr_assert_eq(vm_access(&vm, HEAP + 3 * TEST_PAGE + 5, ACCESS_READ, &pa),
		     VM_MAJOR);
	cr_assert(memcmp(physmem_at(&vm.mem, pa - 5), page, TEST_PAGE) == 0,
		  "the frame must hold the page read from swap");
	cr_assert(*pte & PTE_PRESENT);
	cr_assert_eq(vm.frame_table[pa / TEST_PAGE].slot, slot,
		     "the page keeps its slot");
	const struct vm_stats *s = vm_stats(&vm);
	cr_assert_eq(s->major_faults, 1);
	cr_assert_eq(s->minor_faults, 0);
	cr_assert_eq(s->swap_ins, 1);
	vm_free(&vm);
}
