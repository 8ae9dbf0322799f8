/*
 * Stage 8: fork with copy-on-write. The child shares the parent's frames
 * and swap slots until one of them writes; a write to a shared page is a
 * copy-on-write fault, which copies the page only if it is still shared.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"
#include "helpers.h"
#include "prng.h"
#include "vm.h"

TestSuite(fork, .fini = harness_test_finished);

static const uint64_t DATA = 0x10000;    /* a read-write region */
static const uint64_t TEXT = 0x400000;   /* a read-execute region */
static const uint64_t RODATA = 0x800000; /* a read-only region */
static const uint64_t REGION = 16 * TEST_PAGE;

/* A machine of `frames` frames (and a TLB of tlb_size entries) with one
 * space, the parent, holding the three regions. */
static struct addr_space *fork_machine(struct vm *vm, size_t frames,
				       size_t tlb_size)
{
	struct vm_config config = test_config(frames, POLICY_FIFO);
	config.tlb_size = tlb_size;
	test_machine(vm, &config);
	struct addr_space *as = test_space(vm, DATA, REGION, PTE_WRITABLE);
	cr_assert_eq(as_add_region(as, TEXT, REGION, PTE_EXEC), 0);
	cr_assert_eq(as_add_region(as, RODATA, REGION, 0), 0);
	return as;
}

/* Forks parent, or fails the test. */
static struct addr_space *must_fork(struct vm *vm, struct addr_space *parent)
{
	struct addr_space *child = vm_fork(vm, parent);
	cr_assert_not_null(child, "vm_fork failed");
	cr_assert_neq(child, parent);
	cr_assert_eq(vm->current, parent, "the parent stays current");
	return child;
}

/* The leaf PTE of va in as, or 0 if there is none. */
static uint64_t pte_of(struct addr_space *as, uint64_t va)
{
	const uint64_t *pte = pt_walk(&as->pt, va, false);
	return pte == NULL ? 0 : *pte;
}

/* The frame that a read of va in as uses (the read may fault). */
static size_t frame_read(struct vm *vm, struct addr_space *as, uint64_t va)
{
	vm_switch(vm, as);
	uint64_t pa;
	enum vm_event e = vm_access(vm, va, ACCESS_READ, &pa);
	cr_assert(vm_event_ok(e), "a read of 0x%llx failed",
		  (unsigned long long)va);
	return (size_t)(pa / vm->layout.page_size);
}

/* Fills the page at va of as with a pattern made from seed. */
static void fill_page(struct vm *vm, struct addr_space *as, uint64_t va,
		      unsigned seed)
{
	static unsigned char page[TEST_PAGE];
	for (size_t i = 0; i < sizeof page; i++)
		page[i] = (unsigned char)(seed * 31 + i * 7);
	vm_switch(vm, as);
	cr_assert_eq(vm_write(vm, va, page, sizeof page), 0);
}

/* Checks that the page at va of as holds fill_page()'s pattern for seed,
 * except for the bytes of `patch` at offset `at` (none if patch is NULL). */
static void check_page(struct vm *vm, struct addr_space *as, uint64_t va,
		       unsigned seed, const char *patch, size_t at)
{
	static unsigned char page[TEST_PAGE];
	vm_switch(vm, as);
	cr_assert_eq(vm_read(vm, va, page, sizeof page), 0);
	size_t len = patch == NULL ? 0 : strlen(patch);
	for (size_t i = 0; i < sizeof page; i++) {
		unsigned char want = (unsigned char)(seed * 31 + i * 7);
		if (i >= at && i < at + len)
			want = (unsigned char)patch[i - at];
		cr_assert_eq(page[i], want,
			     "space %u, page 0x%llx, byte %zu: %u, not %u",
			     as->asid, (unsigned long long)va, i, page[i],
			     want);
	}
}

/* Returns true if frame's sharers include as. */
static bool shares_frame(const struct vm *vm, size_t frame,
			 const struct addr_space *as)
{
	return (vm->frame_table[frame].sharers >> (as->asid - 1) & 1) != 0;
}

/*
 * Checks the reverse map against the page tables: every space a frame
 * lists maps the frame at its vpn (read-only if the frame is shared), the
 * count is right, and every present PTE of every space is listed.
 */
static void check_sharing(struct vm *vm)
{
	size_t page = vm->layout.page_size;
	for (size_t f = 0; f < vm->frames_used; f++) {
		const struct frame_info *fi = &vm->frame_table[f];
		size_t count = 0;
		for (size_t i = 0; i < vm->nspaces; i++) {
			struct addr_space *as = vm->spaces[i];
			if (!shares_frame(vm, f, as))
				continue;
			count++;
			uint64_t pte = pte_of(as, fi->vpn * page);
			cr_assert(pte & PTE_PRESENT,
				  "frame %zu lists space %u,"
				  " which does not map it",
				  f, as->asid);
			cr_assert_eq(pte_frame(pte), f);
			if (fi->shares > 1)
				cr_assert_not(pte & PTE_WRITABLE,
					      "frame %zu is "
					      "shared but writable",
					      f);
		}
		cr_assert_eq(count, fi->shares, "frame %zu", f);
		cr_assert(shares_frame(vm, f, fi->owner));
	}
	for (size_t i = 0; i < vm->nspaces; i++) {
		struct addr_space *as = vm->spaces[i];
		uint64_t *pte;
		for (uint64_t va = 0;
		     (pte = pt_next_entry(&as->pt, &va)) != NULL; va += page) {
			if (!(*pte & PTE_PRESENT))
				continue;
			size_t f = pte_frame(*pte);
			cr_assert_lt(f, vm->frames_used);
			cr_assert_eq(vm->frame_table[f].vpn, va / page);
			cr_assert(shares_frame(vm, f, as),
				  "space %u maps frame "
				  "%zu, which does not list it",
				  as->asid, f);
		}
	}
}

Test(fork, child_reads_the_parents_data)
{
	struct vm vm;
	struct addr_space *parent = fork_machine(&vm, 8, 0);
	for (unsigned p = 0; p < 3; p++)
		fill_page(&vm, parent, DATA + p * TEST_PAGE, p + 1);
	struct addr_space *child = must_fork(&vm, parent);
	cr_assert_eq(child->nregions, parent->nregions, "the regions too");
	for (unsigned p = 0; p < 3; p++) {
		check_page(&vm, child, DATA + p * TEST_PAGE, p + 1, NULL, 0);
		check_page(&vm, parent, DATA + p * TEST_PAGE, p + 1, NULL, 0);
	}
	vm_switch(&vm, child);
	char zero[8] = "xxxxxxx";
	cr_assert_eq(vm_read(&vm, DATA + 5 * TEST_PAGE, zero, 8), 0,
		     "a page the parent never touched");
	cr_assert(memcmp(zero, "\0\0\0\0\0\0\0\0", 8) == 0);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, DATA + REGION, ACCESS_READ, &pa),
		     VM_SEGV_UNMAPPED, "the child has the parent's regions");
	check_sharing(&vm);
	vm_free(&vm);
}

Test(fork, parent_and_child_share_frames_until_a_write)
{
	struct vm vm;
	struct addr_space *parent = fork_machine(&vm, 8, 4);
	fill_page(&vm, parent, DATA, 1);
	size_t frame = frame_read(&vm, parent, DATA);
	size_t used = vm.frames_used;
	struct addr_space *child = must_fork(&vm, parent);
	cr_assert_eq(vm.frames_used, used, "fork copies no page");
	cr_assert_eq(frame_read(&vm, child, DATA), frame,
		     "the child reads the parent's frame");
	cr_assert_eq(frame_read(&vm, parent, DATA), frame);
	cr_assert_eq(vm.frames_used, used, "reads copy nothing");
	cr_assert_eq(vm.frame_table[frame].shares, 2);
	for (int i = 0; i < 2; i++) {
		uint64_t pte = pte_of(i == 0 ? parent : child, DATA);
		cr_assert(pte & PTE_PRESENT);
		cr_assert_not(pte & PTE_WRITABLE, "a shared page is read-only");
		cr_assert(pte & PTE_COW, "and marked copy-on-write");
	}
	check_sharing(&vm);
	vm_free(&vm);
}

Test(fork, child_write_copies_the_page)
{
	struct vm vm;
	struct addr_space *parent = fork_machine(&vm, 8, 4);
	fill_page(&vm, parent, DATA, 7);
	size_t frame = frame_read(&vm, parent, DATA);
	struct addr_space *child = must_fork(&vm, parent);
	vm_switch(&vm, child);
	cr_assert_eq(test_poke(&vm, DATA + 100, "child", 5), VM_COW,
		     "a write to a shared page is a copy-on-write fault");
	size_t copy = frame_read(&vm, child, DATA);
	cr_assert_neq(copy, frame, "the writer gets a frame of its own");
	check_page(&vm, child, DATA, 7, "child", 100);
	check_page(&vm, parent, DATA, 7, NULL, 0);
	cr_assert_eq(frame_read(&vm, parent, DATA), frame,
		     "the parent keeps its frame");
	uint64_t pte = pte_of(child, DATA);
	cr_assert(pte & PTE_WRITABLE, "the copy is writable");
	cr_assert_not(pte & PTE_COW, "and not copy-on-write");
	cr_assert_eq(vm.frame_table[frame].shares, 1);
	cr_assert_eq(vm.frame_table[copy].shares, 1);
	vm_switch(&vm, child);
	cr_assert_eq(test_poke(&vm, DATA + 200, "again", 5), VM_HIT);
	check_sharing(&vm);
	vm_free(&vm);
}

Test(fork, parent_write_copies_the_page)
{
	struct vm vm;
	struct addr_space *parent = fork_machine(&vm, 8, 0);
	fill_page(&vm, parent, DATA + TEST_PAGE, 3);
	size_t frame = frame_read(&vm, parent, DATA + TEST_PAGE);
	struct addr_space *child = must_fork(&vm, parent);
	vm_switch(&vm, parent);
	cr_assert_eq(test_poke(&vm, DATA + TEST_PAGE, "parent", 6), VM_COW);
	cr_assert_neq(frame_read(&vm, parent, DATA + TEST_PAGE), frame);
	cr_assert_eq(frame_read(&vm, child, DATA + TEST_PAGE), frame);
	check_page(&vm, parent, DATA + TEST_PAGE, 3, "parent", 0);
	check_page(&vm, child, DATA + TEST_PAGE, 3, NULL, 0);
	check_sharing(&vm);
	vm_free(&vm);
}

Test(fork, last_sharer_write_needs_no_copy)
{
	struct vm vm;
	struct addr_space *parent = fork_machine(&vm, 8, 4);
	fill_page(&vm, parent, DATA, 5);
	size_t frame = frame_read(&vm, parent, DATA);
	struct addr_space *child = must_fork(&vm, parent);
	vm_switch(&vm, child);
	cr_assert_eq(test_poke(&vm, DATA, "mine", 4), VM_COW);
	size_t used = vm.frames_used;
	uint64_t evictions = vm_stats(&vm)->evictions;
	vm_switch(&vm, parent);
	cr_assert_eq(test_poke(&vm, DATA + 8, "alone", 5), VM_COW,
		     "the parent's PTE is still copy-on-write");
	cr_assert_eq(frame_read(&vm, parent, DATA), frame,
		     "the last sharer keeps its frame");
	cr_assert_eq(vm.frames_used, used, "no frame was taken");
	cr_assert_eq(vm_stats(&vm)->evictions, evictions);
	uint64_t pte = pte_of(parent, DATA);
	cr_assert(pte & PTE_WRITABLE);
	cr_assert_not(pte & PTE_COW);
	vm_switch(&vm, parent);
	cr_assert_eq(test_poke(&vm, DATA + 13, "again", 5), VM_HIT);
	check_page(&vm, parent, DATA, 5, "aloneagain", 8);
	check_page(&vm, child, DATA, 5, "mine", 0);
	check_sharing(&vm);
	vm_free(&vm);
}

Test(fork, cow_faults_are_counted)
{
	struct vm vm;
	struct addr_space *parent = fork_machine(&vm, 8, 4);
	for (unsigned p = 0; p < 4; p++)
		fill_page(&vm, parent, DATA + p * TEST_PAGE, p);
	struct addr_space *child = must_fork(&vm, parent);
	struct vm_stats before = *vm_stats(&vm);
	vm_switch(&vm, child);
	for (unsigned p = 0; p < 3; p++)
		cr_assert_eq(test_poke(&vm, DATA + p * TEST_PAGE, "c", 1),
			     VM_COW);
	cr_assert_eq(test_poke(&vm, DATA, "c", 1), VM_HIT);
	vm_switch(&vm, parent);
	cr_assert_eq(test_poke(&vm, DATA, "p", 1), VM_COW);
	cr_assert_eq(test_poke(&vm, DATA + 3 * TEST_PAGE, "p", 1), VM_COW);
	const struct vm_stats *s = vm_stats(&vm);
	cr_assert_eq(s->cow_faults - before.cow_faults, 5);
	cr_assert_eq(s->minor_faults - before.minor_faults, 5,
		     "a copy-on-write fault is a minor fault");
	cr_assert_eq(s->faults, s->minor_faults + s->major_faults);
	cr_assert_eq(s->references, s->hits + s->faults + s->segfaults);
	vm_free(&vm);
}

Test(fork, read_only_regions_still_segfault_after_fork)
{
	struct vm vm;
	struct addr_space *parent = fork_machine(&vm, 8, 4);
	size_t ro = frame_read(&vm, parent, RODATA);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, TEXT, ACCESS_EXEC, &pa), VM_MINOR);
	size_t text = (size_t)(pa / TEST_PAGE);
	struct addr_space *child = must_fork(&vm, parent);
	cr_assert_eq(frame_read(&vm, child, RODATA), ro,
		     "read-only pages are shared too");
	cr_assert_not(pte_of(child, RODATA) & PTE_COW,
		      "but never marked copy-on-write");
	cr_assert_not(pte_of(parent, TEXT) & PTE_COW);
	size_t used = vm.frames_used;
	for (int i = 0; i < 2; i++) {
		vm_switch(&vm, i == 0 ? child : parent);
		cr_assert_eq(vm_access(&vm, RODATA, ACCESS_WRITE, &pa),
			     VM_SEGV_DENIED);
		cr_assert_eq(vm_access(&vm, TEXT, ACCESS_WRITE, &pa),
			     VM_SEGV_DENIED);
		cr_assert_eq(vm_access(&vm, TEXT, ACCESS_EXEC, &pa), VM_HIT);
		cr_assert_eq(pa / TEST_PAGE, text);
	}
	cr_assert_eq(vm.frames_used, used, "a segfault copies nothing");
	cr_assert_eq(vm_stats(&vm)->cow_faults, 0);
	cr_assert_eq(vm_stats(&vm)->segfaults, 4);
	check_sharing(&vm);
	vm_free(&vm);
}

Test(fork, cow_mark_never_makes_read_only_memory_writable)
{
	struct vm vm;
	struct addr_space *as = fork_machine(&vm, 8, 0);
	/* Mark two pages copy-on-write by hand: one writable, one not. */
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, DATA, ACCESS_READ, &pa), VM_MINOR);
	cr_assert_eq(vm_access(&vm, RODATA, ACCESS_READ, &pa), VM_MINOR);
	uint64_t *data = pt_walk(&as->pt, DATA, false);
	uint64_t *ro = pt_walk(&as->pt, RODATA, false);
	*data = (*data & ~(uint64_t)PTE_WRITABLE) | PTE_COW;
	*ro |= PTE_COW;
	cr_assert_eq(vm_access(&vm, DATA, ACCESS_WRITE, &pa), VM_COW,
		     "a page nobody else shares is made writable");
	cr_assert_eq(pa / TEST_PAGE, 0, "in the frame it had");
	cr_assert_eq(vm_access(&vm, RODATA, ACCESS_WRITE, &pa), VM_SEGV_DENIED,
		     "the region forbids writing");
	cr_assert_not(*ro & PTE_WRITABLE);
	vm_free(&vm);
}

Test(fork, fork_write_protects_the_parents_tlb_entries)
{
	struct vm vm;
	struct addr_space *parent = fork_machine(&vm, 8, 8);
	vm_switch(&vm, parent);
	cr_assert_eq(test_poke(&vm, DATA, "before", 7), VM_MINOR);
	cr_assert_eq(test_poke(&vm, DATA, "before", 7), VM_HIT,
		     "the TLB now holds a writable entry");
	struct addr_space *child = must_fork(&vm, parent);
	vm_switch(&vm, parent);
	cr_assert_eq(test_poke(&vm, DATA, "after!", 7), VM_COW,
		     "fork must drop the parent's writable TLB entries");
	char buf[7];
	vm_switch(&vm, child);
	cr_assert(vm_event_ok(test_peek(&vm, DATA, buf, 7)));
	cr_assert_str_eq(buf, "before", "the child sees the parent's write");
	vm_free(&vm);
}

Test(fork, evicting_a_shared_frame_updates_every_sharer)
{
	struct vm vm;
	struct addr_space *parent = fork_machine(&vm, 2, 4);
	fill_page(&vm, parent, DATA, 9);
	struct addr_space *child = must_fork(&vm, parent);
	frame_read(&vm, child, DATA); /* both TLBs hold the shared frame */
	frame_read(&vm, parent, DATA);
	/* Two more pages push the shared page out (FIFO, 2 frames). */
	fill_page(&vm, parent, DATA + TEST_PAGE, 1);
	fill_page(&vm, parent, DATA + 2 * TEST_PAGE, 2);
	uint64_t p = pte_of(parent, DATA), c = pte_of(child, DATA);
	cr_assert(p & PTE_SWAPPED, "the parent's page went to swap");
	cr_assert(c & PTE_SWAPPED, "and so did the child's");
	cr_assert_eq(pte_slot(p), pte_slot(c), "both name the same slot");
	check_sharing(&vm);
	uint64_t pa;
	vm_switch(&vm, child);
	cr_assert_eq(vm_access(&vm, DATA, ACCESS_READ, &pa), VM_MAJOR,
		     "the child's TLB entry must be gone too");
	check_page(&vm, child, DATA, 9, NULL, 0);
	check_page(&vm, parent, DATA, 9, NULL, 0);
	vm_switch(&vm, child);
	cr_assert(vm_event_ok(test_poke(&vm, DATA + 8, "kid", 3)));
	/* Push both out again: the child's dirty copy must not be written
	 * to the slot that the parent's clean copy still relies on. */
	check_page(&vm, parent, DATA + TEST_PAGE, 1, NULL, 0);
	check_page(&vm, parent, DATA + 2 * TEST_PAGE, 2, NULL, 0);
	cr_assert(pte_of(parent, DATA) & PTE_SWAPPED);
	cr_assert(pte_of(child, DATA) & PTE_SWAPPED);
	check_page(&vm, parent, DATA, 9, NULL, 0);
	check_page(&vm, child, DATA, 9, "kid", 8);
	char buf[8] = "xxxxxxx";
	vm_switch(&vm, child);
	cr_assert_eq(vm_read(&vm, DATA + TEST_PAGE, buf, 8), 0);
	cr_assert(memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0,
		  "the parent wrote this page after the fork");
	check_sharing(&vm);
	vm_free(&vm);
}

Test(fork, swapped_pages_share_their_slot)
{
	struct vm vm;
	struct addr_space *parent = fork_machine(&vm, 1, 0);
	fill_page(&vm, parent, DATA, 4);
	fill_page(&vm, parent, DATA + TEST_PAGE, 6); /* DATA goes to swap */
	cr_assert(pte_of(parent, DATA) & PTE_SWAPPED);
	struct addr_space *child = must_fork(&vm, parent);
	cr_assert_eq(pte_of(child, DATA), pte_of(parent, DATA),
		     "the child's PTE names the parent's slot");
	check_page(&vm, child, DATA, 4, NULL, 0);
	vm_switch(&vm, child);
	cr_assert(vm_event_ok(test_poke(&vm, DATA + 40, "child", 5)));
	check_page(&vm, parent, DATA, 4, NULL, 0);
	check_page(&vm, child, DATA, 4, "child", 40);
	check_page(&vm, parent, DATA + TEST_PAGE, 6, NULL, 0);
	check_page(&vm, child, DATA + TEST_PAGE, 6, NULL, 0);
	vm_switch(&vm, parent);
	cr_assert(vm_event_ok(test_poke(&vm, DATA + 40, "daddy", 5)));
	check_page(&vm, child, DATA, 4, "child", 40);
	check_page(&vm, parent, DATA, 4, "daddy", 40);
	vm_free(&vm);
}

Test(fork, cow_copy_may_evict_the_shared_frame)
{
	/* One frame: the copy can only go where the original is. */
	struct vm vm;
	struct addr_space *parent = fork_machine(&vm, 1, 4);
	fill_page(&vm, parent, DATA, 2);
	struct addr_space *child = must_fork(&vm, parent);
	vm_switch(&vm, child);
	cr_assert_eq(test_poke(&vm, DATA + 1000, "copy", 4), VM_COW);
	cr_assert_eq(vm_stats(&vm)->evictions, 1,
		     "the shared frame was evicted for the parent");
	cr_assert(pte_of(parent, DATA) & PTE_SWAPPED);
	check_sharing(&vm);
	check_page(&vm, child, DATA, 2, "copy", 1000);
	check_page(&vm, parent, DATA, 2, NULL, 0);
	check_page(&vm, child, DATA, 2, "copy", 1000);
	check_sharing(&vm);
	vm_free(&vm);
}

Test(fork, grandchildren_share_too)
{
	struct vm vm;
	struct addr_space *s[3];
	s[0] = fork_machine(&vm, 8, 4);
	fill_page(&vm, s[0], DATA, 8);
	size_t frame = frame_read(&vm, s[0], DATA);
	s[1] = must_fork(&vm, s[0]);
	vm_switch(&vm, s[1]);
	s[2] = must_fork(&vm, s[1]);
	cr_assert_eq(vm.frame_table[frame].shares, 3);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(frame_read(&vm, s[i], DATA), frame);
	const char *words[3] = {"zero", "one", "two"};
	for (int i = 0; i < 3; i++) {
		vm_switch(&vm, s[i]);
		cr_assert_eq(test_poke(&vm, DATA, words[i], strlen(words[i])),
			     VM_COW);
	}
	cr_assert_eq(frame_read(&vm, s[2], DATA), frame,
		     "the last writer keeps the frame");
	cr_assert_neq(frame_read(&vm, s[0], DATA), frame);
	cr_assert_neq(frame_read(&vm, s[1], DATA), frame);
	for (int i = 0; i < 3; i++)
		check_page(&vm, s[i], DATA, 8, words[i], 0);
	check_sharing(&vm);
	vm_free(&vm);
}

Test(fork, fork_skips_the_empty_parts_of_a_huge_space)
{
	/* vmsim's space: one region over all 2^48 bytes. */
	struct vm vm;
	struct vm_config config = test_config(4, POLICY_FIFO);
	test_machine(&vm, &config);
	uint64_t top = (uint64_t)1 << 48;
	struct addr_space *parent = test_space(&vm, 0, top, PTE_WRITABLE);
	const uint64_t pages[3] = {0, (uint64_t)1 << 40, top - TEST_PAGE};
	for (unsigned i = 0; i < 3; i++)
		fill_page(&vm, parent, pages[i], i);
	struct addr_space *child = must_fork(&vm, parent);
	for (unsigned i = 0; i < 3; i++) {
		check_page(&vm, child, pages[i], i, NULL, 0);
		cr_assert(pte_of(parent, pages[i]) & PTE_COW);
	}
	check_sharing(&vm);
	vm_free(&vm);
}

/*
 * Random writes and reads, checked against one plain array per space, on
 * 8 pages of 64 bytes and 12 frames. Every 250 operations a random space
 * forks; most operations go to the last fork's parent or child, the rest
 * to any space. The reverse map is checked as it goes.
 */
static void check_random_forks(enum policy_kind kind, size_t tlb_size)
{
	enum { PAGE = 64, PAGES = 8, SPACES = 16, OPS = 4000, LEN_MAX = 100 };
	struct vm_config config = test_config(12, kind);
	config.page_size = PAGE;
	config.tlb_size = tlb_size;
	struct vm vm;
	test_machine(&vm, &config);
	struct addr_space *s[SPACES];
	size_t n = 1, pair[2] = {0, 0};
	s[0] = test_space(&vm, 0, PAGES * PAGE, PTE_WRITABLE);
	static unsigned char shadow[SPACES][PAGES * PAGE], buf[LEN_MAX];
	memset(shadow, 0, sizeof shadow);
	struct prng r;
	prng_seed(&r, 77 + (uint64_t)kind);
	for (int op = 1; op <= OPS; op++) {
		if (op % 250 == 0 && n < SPACES) {
			pair[0] = (size_t)prng_below(&r, n);
			pair[1] = n;
			vm_switch(&vm, s[pair[0]]);
			s[n] = must_fork(&vm, s[pair[0]]);
			memcpy(shadow[n++], shadow[pair[0]], sizeof shadow[0]);
			check_sharing(&vm);
		}
		size_t i = prng_below(&r, 10) > 0 ? pair[prng_below(&r, 2)]
						  : (size_t)prng_below(&r, n);
		vm_switch(&vm, s[i]);
		size_t len = 1 + (size_t)prng_below(&r, LEN_MAX);
		size_t at = (size_t)prng_below(&r, PAGES * PAGE - len + 1);
		if (prng_below(&r, 2) == 0) {
			for (size_t k = 0; k < len; k++)
				buf[k] = (unsigned char)prng_next(&r);
			cr_assert_eq(vm_write(&vm, at, buf, len), 0);
			memcpy(shadow[i] + at, buf, len);
		} else {
			cr_assert_eq(vm_read(&vm, at, buf, len), 0);
			cr_assert(memcmp(buf, shadow[i] + at, len) == 0,
				  "%s, TLB %zu: operation %d read %zu bytes at "
				  "%zu in space %zu that differ from what was "
				  "written",
				  policy_name(kind), tlb_size, op, len, at, i);
		}
		if (op % 50 == 0)
			check_sharing(&vm);
	}
	const struct vm_stats *st = vm_stats(&vm);
	cr_assert_eq(n, SPACES, "the test should fork enough");
	cr_assert_gt(st->cow_faults, 10, "the test should exercise cow");
	cr_assert_gt(st->major_faults, 100, "and swap");
	vm_free(&vm);
}

Test(fork, random_forks_fifo)
{
	check_random_forks(POLICY_FIFO, 0);
	check_random_forks(POLICY_FIFO, 4);
}

Test(fork, random_forks_lru)
{
	check_random_forks(POLICY_LRU, 0);
	check_random_forks(POLICY_LRU, 4);
}

Test(fork, random_forks_clock)
{
	check_random_forks(POLICY_CLOCK, 0);
	check_random_forks(POLICY_CLOCK, 4);
}

Test(fork, random_forks_random)
{
	check_random_forks(POLICY_RANDOM, 0);
	check_random_forks(POLICY_RANDOM, 4);
}
