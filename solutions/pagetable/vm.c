/*
 * vm.c: the virtual memory system.
 *
 * One memory reference, vm_access(), goes like this:
 *
 *   1. The MMU looks the page up in the TLB; on a miss it walks the current
 *      address space's page table and caches the PTE it finds.
 *   2. If no present PTE allows the access, the MMU raises a page fault and
 *      the operating system's handler, vm_fault(), takes over. An address
 *      outside every region, or an access its region forbids, is a
 *      segmentation fault: reported, and the reference does not happen.
 *   3. Otherwise the handler finds a frame: a free one while there are
 *      any (lowest first), else the replacement policy's victim, whose page
 *      goes to swap if it is dirty.
 *   4. It fills the frame: with zeros on the page's first touch (a minor
 *      fault: demand-zero), or from the page's swap slot (a major fault).
 *   5. It maps the page, and the MMU translates again, as hardware restarts
 *      the faulting instruction.
 *   6. The replacement policy hears of the reference, fault or not.
 *
 * A fork, vm_fork(), copies no page: the child shares every page of its
 * parent, frame or swap slot. A shared frame is read-only for every space
 * that maps it, and marked PTE_COW if its region is writable; the frame
 * table counts and lists the sharers (a reverse map), so that evicting the
 * frame can update every PTE that maps it. A write to a PTE_COW page is a
 * copy-on-write fault, vm_cow_fault(): the writer gets a copy in a frame
 * of its own, or, if no other space shares the frame any more, the page is
 * simply made writable again.
 */
#include "vm.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A frame number that names no frame. */
static const size_t NO_FRAME = SIZE_MAX;

/* frame_info.sharers has one bit per address space. */
static_assert(VM_SPACES_MAX <= 64, "one bit per space in a uint64_t");

static bool frame_clear_accessed(void *machine, size_t frame);

/*
 * Builds a machine as *config says: physical memory with every frame free,
 * a TLB, a replacement policy, an empty swap file, and no address space.
 * Returns 0, or -1 with errno set: EINVAL for a bad configuration (no
 * frames, a layout that layout_check() rejects), or what failed.
 */
int vm_init(struct vm *vm, const struct vm_config *config)
{
	*vm = (struct vm){
		.swap = {.fd = -1},
		.tlb_flush_on_switch = config->tlb_flush_on_switch,
	};
	if (config->frames == 0 ||
	    layout_init(&vm->layout, config->page_size, config->levels,
			config->va_bits) != 0) {
		errno = EINVAL;
		return -1;
	}
	struct policy_config policy = {
		.kind = config->policy,
		.frames = config->frames,
		.seed = config->seed,
		.next_use = config->next_use,
		.refs = config->refs,
		.clear_accessed = frame_clear_accessed,
		.ctx = vm,
	};
	vm->frame_table = calloc(config->frames, sizeof *vm->frame_table);
	if (vm->frame_table == NULL ||
	    physmem_init(&vm->mem, config->frames, config->page_size) != 0 ||
	    tlb_init(&vm->tlb, config->tlb_size) != 0 ||
	    policy_init(&vm->policy, &policy) != 0 ||
	    swap_init(&vm->swap, config->page_size) != 0) {
		int saved = errno;
		vm_free(vm);
		errno = saved;
		return -1;
	}
	return 0;
}

/* Frees the machine and every address space in it. */
void vm_free(struct vm *vm)
{
	for (size_t i = 0; i < vm->nspaces; i++) {
		pt_free(&vm->spaces[i]->pt);
		free(vm->spaces[i]);
	}
	free(vm->frame_table);
	physmem_free(&vm->mem);
	tlb_free(&vm->tlb);
	policy_free(&vm->policy);
	swap_free(&vm->swap);
	*vm = (struct vm){.swap = {.fd = -1}};
}

/*
 * Makes an empty address space (no regions, an empty page table) with the
 * next ASID. The first one made becomes the current one. Returns it (the
 * machine owns it), or NULL if memory ran out or VM_SPACES_MAX exist.
 */
struct addr_space *vm_create_space(struct vm *vm)
{
	if (vm->nspaces == VM_SPACES_MAX) {
		errno = ENOSPC;
		return NULL;
	}
	struct addr_space *as = malloc(sizeof *as);
	if (as == NULL)
		return NULL;
	*as = (struct addr_space){.asid = (unsigned)vm->nspaces + 1};
	if (pt_init(&as->pt, &vm->layout) != 0) {
		free(as);
		return NULL;
	}
	vm->spaces[vm->nspaces++] = as;
	if (vm->current == NULL)
		vm->current = as;
	return as;
}

/*
 * Lets the program use the length bytes from start with permissions perms
 * (PTE_WRITABLE, PTE_EXEC; reading is always allowed). Pages come into
 * being on their first touch. Returns 0, or -1 if the range is empty, not
 * page-aligned, outside the address space or overlaps a region, or if
 * AS_REGIONS_MAX regions exist.
 */
int as_add_region(struct addr_space *as, uint64_t start, uint64_t length,
		  uint64_t perms)
{
	const struct layout *l = &as->pt.layout;
	uint64_t end = start + length;
	bool aligned =
		layout_offset(l, start) == 0 && layout_offset(l, length) == 0;
	if (length == 0 || !aligned || end < start ||
	    !layout_contains(l, end - 1) || as->nregions == AS_REGIONS_MAX)
		return -1;
	for (size_t i = 0; i < as->nregions; i++) {
		if (start < as->regions[i].end && as->regions[i].start < end)
			return -1;
	}
	as->regions[as->nregions++] = (struct region){
		.start = start,
		.end = end,
		.perms = perms & PTE_PERMS,
	};
	return 0;
}

/* Returns the region holding va, or NULL if none does. */
const struct region *as_find_region(const struct addr_space *as, uint64_t va)
{
	for (size_t i = 0; i < as->nregions; i++) {
		const struct region *r = &as->regions[i];
		if (r->start <= va && va < r->end)
			return r;
	}
	return NULL;
}

// ANCHOR: vm_switch
/*
 * Makes as the address space the MMU translates in, as loading the
 * page-table base register (CR3 on x86) does. TLB entries are tagged with
 * their ASID, so they can stay; a machine configured to ignore ASIDs must
 * flush the TLB when the space changes.
 */
void vm_switch(struct vm *vm, struct addr_space *as)
{
	// BEGIN SOLUTION
	if (as != vm->current && vm->tlb_flush_on_switch)
		tlb_flush(&vm->tlb);
	vm->current = as;
	// END SOLUTION
	//~ // TODO(stage 6): make as current; flush the TLB first if the
	//~ // space changes and vm->tlb_flush_on_switch is set.
	//~ // Read 06-swapping-and-replacement.md#several-address-spaces.
	//~ (void)vm;
	//~ (void)as;
}
// ANCHOR_END: vm_switch

// ANCHOR: mmu_refill
/*
 * The MMU on a TLB miss: translates va in the current address space
 * through the page table, and caches the leaf PTE it used in the TLB.
 * Returns what pt_translate() returns.
 */
static enum pt_result mmu_refill(struct vm *vm, uint64_t va, enum access kind,
				 uint64_t *pa)
{
	struct addr_space *as = vm->current;
	// BEGIN SOLUTION
	enum pt_result result = pt_translate(&as->pt, va, kind, pa);
	if (result == PT_OK && vm->tlb.size > 0) {
		const uint64_t *pte = pt_walk(&as->pt, va, false);
		assert(pte != NULL); /* pt_translate() just found it */
		tlb_insert(&vm->tlb, as->asid, layout_vpn(&vm->layout, va),
			   *pte);
	}
	return result;
	// END SOLUTION
	//~ // TODO(stage 3): when the walk succeeds (and there is a TLB),
	//~ // cache the leaf PTE (pt_walk() finds it) with tlb_insert().
	//~ // Read 04-mmu-and-tlb.md#the-tlb.
	//~ return pt_translate(&as->pt, va, kind, pa);
}
// ANCHOR_END: mmu_refill

// ANCHOR: mmu_translate
/*
 * The MMU: translates va for an access of the given kind in the current
 * address space. A TLB hit gives the frame at once, unless the cached PTE
 * forbids the access, or the access is a write and the cached PTE is not
 * yet dirty: then, as on a miss, the MMU walks the page table (which sets
 * the dirty bit) and refills the entry. Returns PT_OK, PT_NOT_PRESENT or
 * PT_DENIED.
 */
static enum pt_result mmu_translate(struct vm *vm, uint64_t va,
				    enum access kind, uint64_t *pa)
{
	// BEGIN SOLUTION
	uint64_t vpn = layout_vpn(&vm->layout, va), pte;
	if (tlb_lookup(&vm->tlb, vm->current->asid, vpn, &pte) &&
	    pte_allows(pte, kind) &&
	    (kind != ACCESS_WRITE || (pte & PTE_DIRTY) != 0)) {
		*pa = layout_pa(&vm->layout, pte_frame(pte),
				layout_offset(&vm->layout, va));
		return PT_OK;
	}
	// END SOLUTION
	//~ // TODO(stage 3): look vpn up in the TLB (tagged with the current
	//~ // space's ASID). On a usable hit build *pa from the cached PTE
	//~ // and return PT_OK; otherwise fall through to the walk.
	return mmu_refill(vm, va, kind, pa);
}
// ANCHOR_END: mmu_translate

// ANCHOR: swap_out
/*
 * Takes the page in frame out of memory; pte points at its PTE. A dirty
 * page is written to its swap slot (handed out on its first write-back):
 * that is a write-back. A clean page is dropped: its slot, if it has one,
 * still holds its bytes, and a page without a slot was never written, so
 * it is all zeros. Afterwards the PTE is not present: it names the slot
 * (PTE_SWAPPED, permissions kept), or is 0 and the page is demand-zero
 * again. Returns 0, or -1 with errno set if the write failed.
 */
static int swap_out(struct vm *vm, size_t frame, uint64_t *pte)
{
	// BEGIN SOLUTION
	struct frame_info *fi = &vm->frame_table[frame];
	if (*pte & PTE_DIRTY) {
		if (fi->slot == SWAP_NONE)
			fi->slot = swap_alloc(&vm->swap);
		if (swap_write(&vm->swap, fi->slot,
			       physmem_frame(&vm->mem, frame)) != 0)
			return -1;
		vm->stats.writebacks++;
	}
	if (fi->slot == SWAP_NONE)
		*pte = 0;
	else
		*pte = pte_make(fi->slot, PTE_SWAPPED | (*pte & PTE_PERMS));
	return 0;
	// END SOLUTION
	//~ // TODO(stage 5): write a dirty page to its slot (swap_alloc() one
	//~ // into vm->frame_table[frame].slot if it has none) and count the
	//~ // write-back; then make the PTE name the slot, or 0 if none.
	//~ // Read 06-swapping-and-replacement.md#swap-area.
	//~ (void)vm;
	//~ (void)frame;
	//~ (void)pte;
	//~ return -1;
}
// ANCHOR_END: swap_out

// ANCHOR: swap_in
/*
 * Reads the page in swap slot into frame, and counts a swap-in. The slot
 * stays the page's: until the page is written, it holds a current copy.
 * Returns 0, or -1 with errno set if the read failed.
 */
static int swap_in(struct vm *vm, size_t frame, size_t slot)
{
	// BEGIN SOLUTION
	if (swap_read(&vm->swap, slot, physmem_frame(&vm->mem, frame)) != 0)
		return -1;
	vm->stats.swap_ins++;
	return 0;
	// END SOLUTION
	//~ // TODO(stage 4): swap_read() the slot into the frame's bytes,
	//~ // and count the swap-in.
	//~ // Read 05-page-faults.md#major-faults.
	//~ (void)vm;
	//~ (void)frame;
	//~ (void)slot;
	//~ return -1;
}
// ANCHOR_END: swap_in

// ANCHOR: vm_evict
/*
 * Frees a frame when none is free: asks the policy for a victim, takes its
 * page out with swap_out() and drops the page's translation from the TLB:
 * the MMU must not go on using the frame for it. The frame's record in
 * frame_table is left for the caller to read and overwrite. Returns the
 * frame, or NO_FRAME with errno set if swapping out failed.
 */
static size_t vm_evict(struct vm *vm)
{
	// BEGIN SOLUTION
	size_t frame = policy_victim(&vm->policy);
	const struct frame_info *fi = &vm->frame_table[frame];
	uint64_t va = fi->vpn << vm->layout.offset_bits;
	uint64_t *pte = pt_walk(&fi->owner->pt, va, false);
	/* Every frame is in use, and its owner maps the page in it. */
	assert(pte != NULL && (*pte & PTE_PRESENT) && pte_frame(*pte) == frame);
	if (swap_out(vm, frame, pte) != 0)
		return NO_FRAME;
	tlb_invalidate(&vm->tlb, fi->owner->asid, fi->vpn);
	return frame;
	// END SOLUTION
	//~ // TODO(stage 5): the victim's frame_info says whose page it is;
	//~ // find its PTE, swap_out() the page, tlb_invalidate() it.
	//~ // Read 06-swapping-and-replacement.md#eviction.
	//~ (void)vm;
	//~ (void)swap_out;
	//~ errno = ENOSYS;
	//~ return NO_FRAME;
}
// ANCHOR_END: vm_evict

/* The bit that stands for as in frame_info.sharers. */
static uint64_t space_bit(const struct addr_space *as)
{
	return (uint64_t)1 << (as->asid - 1);
}

/* Records that as maps the page in frame too: it is a fork's child. */
static void frame_add_sharer(struct vm *vm, size_t frame, struct addr_space *as)
{
	struct frame_info *fi = &vm->frame_table[frame];
	fi->sharers |= space_bit(as);
	fi->shares++;
}

/*
 * Records that as no longer maps the page in frame, which at least one
 * other space still maps. If as was the owner, another sharer becomes it.
 */
static void frame_drop_sharer(struct vm *vm, size_t frame,
			      struct addr_space *as)
{
	struct frame_info *fi = &vm->frame_table[frame];
	assert(fi->shares > 1 && (fi->sharers & space_bit(as)) != 0);
	fi->sharers &= ~space_bit(as);
	fi->shares--;
	if (fi->owner != as)
		return;
	size_t i = 0;
	while ((fi->sharers & space_bit(vm->spaces[i])) == 0)
		i++;
	fi->owner = vm->spaces[i];
}

// ANCHOR: vm_unmap_sharers
/*
 * Finishes the eviction of a shared page: vm_evict() took it out of frame
 * through its owner's PTE, and every other space that maps the frame gets
 * a copy of that PTE (the same swap slot, which one more page now uses, or
 * 0 for a page that is all zeros), and loses its TLB entry. The cost is
 * one step per address space, and nothing for a frame that is not shared.
 * Returns 0, or -1 with errno set if memory ran out.
 */
static int vm_unmap_sharers(struct vm *vm, size_t frame)
{
	const struct frame_info *fi = &vm->frame_table[frame];
	if (fi->shares < 2)
		return 0;
	uint64_t va = fi->vpn << vm->layout.offset_bits;
	/* Page-table pages are never freed: the PTE vm_evict() emptied is
	 * still there. */
	const uint64_t *owner_pte = pt_walk(&fi->owner->pt, va, false);
	assert(owner_pte != NULL && !(*owner_pte & PTE_PRESENT));
	uint64_t evicted = *owner_pte;
	for (size_t i = 0; i < vm->nspaces; i++) {
		struct addr_space *as = vm->spaces[i];
		if (as == fi->owner || (fi->sharers & space_bit(as)) == 0)
			continue;
		if ((evicted & PTE_SWAPPED) &&
		    swap_share(&vm->swap, pte_slot(evicted)) != 0)
			return -1;
		uint64_t *pte = pt_walk(&as->pt, va, false);
		/* A sharer still maps the page in this frame. */
		assert(pte != NULL && (*pte & PTE_PRESENT) &&
		       pte_frame(*pte) == frame);
		*pte = evicted;
		tlb_invalidate(&vm->tlb, as->asid, fi->vpn);
	}
	return 0;
}
// ANCHOR_END: vm_unmap_sharers

/*
 * Returns the PTE through which as maps the page in frame, or NULL if as
 * does not map it (as when a failed fault left the frame's record stale).
 */
static uint64_t *sharer_pte(struct vm *vm, size_t frame, struct addr_space *as)
{
	const struct frame_info *fi = &vm->frame_table[frame];
	if ((fi->sharers & space_bit(as)) == 0)
		return NULL;
	uint64_t va = fi->vpn << vm->layout.offset_bits;
	uint64_t *pte = pt_walk(&as->pt, va, false);
	if (pte == NULL || !(*pte & PTE_PRESENT) || pte_frame(*pte) != frame)
		return NULL;
	return pte;
}

/*
 * Returns true if the MMU has used the page in frame since CLOCK last
 * cleared its reference bit: if the accessed bit is set in the PTE of any
 * space that maps it.
 */
bool vm_frame_accessed(struct vm *vm, size_t frame)
{
	for (size_t i = 0; i < vm->nspaces; i++) {
		const uint64_t *pte = sharer_pte(vm, frame, vm->spaces[i]);
		if (pte != NULL && (*pte & PTE_ACCESSED))
			return true;
	}
	return false;
}

// ANCHOR: frame_clear_accessed
/*
 * CLOCK's policy_clear_fn: clears the accessed bit of every PTE that maps
 * the page in frame, and returns true if any was set. Each PTE cleared also
 * loses its TLB entry: the MMU sets the bit on a page-table walk, never on
 * a TLB hit, so a page left in the TLB would not be marked again however
 * often it is used (Linux's ptep_clear_flush_young() flushes it too).
 */
static bool frame_clear_accessed(void *machine, size_t frame)
{
	struct vm *vm = machine;
	const struct frame_info *fi = &vm->frame_table[frame];
	/* CLOCK asks only when every frame holds a page its owner maps. */
	assert(sharer_pte(vm, frame, fi->owner) != NULL);
	bool accessed = false;
	for (size_t i = 0; i < vm->nspaces; i++) {
		struct addr_space *as = vm->spaces[i];
		uint64_t *pte = sharer_pte(vm, frame, as);
		if (pte == NULL || !(*pte & PTE_ACCESSED))
			continue;
		*pte &= ~(uint64_t)PTE_ACCESSED;
		tlb_invalidate(&vm->tlb, as->asid, fi->vpn);
		accessed = true;
	}
	return accessed;
}
// ANCHOR_END: frame_clear_accessed

// ANCHOR: vm_take_frame
/*
 * Returns a frame for a new page: the lowest free frame while there is
 * one, else a victim's, whose eviction (from every space that shares it)
 * is counted and recorded in last_eviction. Returns NO_FRAME with errno
 * set if eviction failed.
 */
static size_t vm_take_frame(struct vm *vm)
{
	if (vm->frames_used < vm->mem.frames)
		return vm->frames_used++;
	uint64_t writebacks = vm->stats.writebacks;
	size_t frame = vm_evict(vm);
	if (frame == NO_FRAME)
		return NO_FRAME;
	if (frame >= vm->mem.frames) {
		errno = ERANGE; /* the policy chose a frame beyond memory */
		return NO_FRAME;
	}
	if (vm_unmap_sharers(vm, frame) != 0)
		return NO_FRAME;
	const struct frame_info *fi = &vm->frame_table[frame];
	vm->stats.evictions++;
	vm->last_eviction = (struct vm_eviction){
		.happened = true,
		.asid = fi->owner->asid,
		.vpn = fi->vpn,
		.frame = frame,
		.written = vm->stats.writebacks != writebacks,
	};
	return frame;
}
// ANCHOR_END: vm_take_frame

/*
 * Puts the page holding va (of the current address space) in frame, whose
 * bytes the caller has filled: records it in the frame table with its swap
 * slot (or SWAP_NONE), maps it with perms and tells the policy.
 * A page read from a slot that other pages still use (after a fork) does
 * not keep the slot, which it must never write: the frame is now its only
 * copy, so it is mapped dirty, and goes to a slot of its own if evicted.
 * Returns 0, or -1 if a page-table page could not be allocated.
 */
static int vm_install(struct vm *vm, size_t frame, uint64_t va, uint64_t perms,
		      size_t slot)
{
	struct addr_space *as = vm->current;
	bool leaves_slot = slot != SWAP_NONE && swap_shared(&vm->swap, slot);
	if (leaves_slot) {
		swap_unshare(&vm->swap, slot);
		slot = SWAP_NONE;
	}
	vm->frame_table[frame] = (struct frame_info){
		.owner = as,
		.vpn = layout_vpn(&vm->layout, va),
		.slot = slot,
		.shares = 1,
		.sharers = space_bit(as),
	};
	if (pt_map(&as->pt, va, frame, perms) != 0)
		return -1;
	if (leaves_slot) {
		uint64_t *pte = pt_walk(&as->pt, va, false);
		assert(pte != NULL); /* pt_map() just made it */
		*pte |= PTE_DIRTY;
	}
	policy_loaded(&vm->policy, frame);
	return 0;
}

// ANCHOR: vm_fault
/*
 * The page fault handler: the MMU could not translate va for this kind of
 * access in the current address space. An address in no region, or an
 * access its region forbids (a write to a present read-only page among
 * them), is a segmentation fault. Otherwise the page is legal but not
 * present: the handler takes a frame and fills it, with zeros if the page
 * was never swapped out (a minor fault), else from its swap slot (a major
 * fault), and installs the page. (A write to a page marked PTE_COW never
 * comes here: vm_access() gives it to vm_cow_fault().)
 * Returns VM_MINOR, VM_MAJOR, VM_SEGV_UNMAPPED, VM_SEGV_DENIED, or VM_ERROR
 * with errno set.
 */
static enum vm_event vm_fault(struct vm *vm, uint64_t va, enum access kind)
{
	struct addr_space *as = vm->current;
	// BEGIN SOLUTION
	const struct region *r = as_find_region(as, va);
	if (r == NULL)
		return VM_SEGV_UNMAPPED;
	uint64_t *pte = pt_walk(&as->pt, va, true);
	if (pte == NULL)
		return VM_ERROR;
	if (!pte_allows(r->perms, kind) || (*pte & PTE_PRESENT))
		return VM_SEGV_DENIED;
	size_t frame = vm_take_frame(vm);
	if (frame == NO_FRAME)
		return VM_ERROR;
	size_t slot = SWAP_NONE;
	if (*pte & PTE_SWAPPED) {
		slot = pte_slot(*pte);
		if (swap_in(vm, frame, slot) != 0)
			return VM_ERROR;
	} else {
		memset(physmem_frame(&vm->mem, frame), 0, vm->layout.page_size);
	}
	if (vm_install(vm, frame, va, r->perms, slot) != 0)
		return VM_ERROR;
	return slot == SWAP_NONE ? VM_MINOR : VM_MAJOR;
	// END SOLUTION
	//~ // TODO(stage 4): find va's region (as_find_region()); none is
	//~ // VM_SEGV_UNMAPPED. Find its PTE (pt_walk() with alloc). An
	//~ // access the region forbids (pte_allows() works on region perms
	//~ // too), or a PTE already present, is VM_SEGV_DENIED. Then
	//~ // vm_take_frame(), fill the frame (zeros, or swap_in() if the PTE
	//~ // has PTE_SWAPPED) and vm_install() the page.
	//~ // Read 05-page-faults.md#the-fault-handler.
	//~ (void)as;
	//~ (void)va;
	//~ (void)kind;
	//~ (void)vm_take_frame;
	//~ (void)vm_install;
	//~ (void)swap_in;
	//~ return VM_SEGV_UNMAPPED;
}
// ANCHOR_END: vm_fault

// ANCHOR: vm_cow
/*
 * Gives the current space a copy of its own of the page at va, which it
 * shares with other spaces in frame, and maps the copy with perms. The
 * space leaves the frame's sharers first, and then takes a frame:
 * vm_take_frame() may evict the shared frame itself (for the others) and
 * hand it back, with the bytes still in it, so there is nothing to copy.
 * The copy has no swap slot yet. Returns 0, or -1 with errno set.
 */
static int cow_copy(struct vm *vm, size_t frame, uint64_t va, uint64_t perms)
{
	// BEGIN SOLUTION
	frame_drop_sharer(vm, frame, vm->current);
	size_t copy = vm_take_frame(vm);
	if (copy == NO_FRAME)
		return -1;
	if (copy != frame)
		memcpy(physmem_frame(&vm->mem, copy),
		       physmem_frame(&vm->mem, frame), vm->layout.page_size);
	return vm_install(vm, copy, va, perms, SWAP_NONE);
	// END SOLUTION
	//~ // TODO(stage 8): frame_drop_sharer() for the current space, then
	//~ // vm_take_frame(); copy the bytes unless it returned frame itself;
	//~ // vm_install() the copy, with no slot.
	//~ // Read 06-swapping-and-replacement.md#cow-in-the-simulator.
	//~ (void)vm;
	//~ (void)frame;
	//~ (void)va;
	//~ (void)perms;
	//~ (void)frame_drop_sharer;
	//~ errno = ENOSYS;
	//~ return -1;
}

/*
 * The copy-on-write fault: a write to a present page marked PTE_COW in
 * the current address space. The mark is no permission: if the region
 * forbids writing, the write is a segmentation fault, mark or no mark.
 * If other spaces still share the frame, the writer gets a copy of its
 * own; if it is the last sharer, its page is simply made writable again.
 * Either way its PTE changed, so its TLB entry goes.
 * Returns VM_COW, VM_SEGV_DENIED, or VM_ERROR with errno set.
 */
static enum vm_event vm_cow_fault(struct vm *vm, uint64_t va)
{
	struct addr_space *as = vm->current;
	// BEGIN SOLUTION
	const struct region *r = as_find_region(as, va);
	if (r == NULL || !pte_allows(r->perms, ACCESS_WRITE))
		return VM_SEGV_DENIED;
	uint64_t *pte = pt_walk(&as->pt, va, false);
	/* vm_access() comes here only if vm_is_cow_write() found it so. */
	assert(pte != NULL &&
	       (*pte & (PTE_PRESENT | PTE_COW)) == (PTE_PRESENT | PTE_COW));
	size_t frame = pte_frame(*pte);
	if (vm->frame_table[frame].shares > 1) {
		if (cow_copy(vm, frame, va, r->perms) != 0)
			return VM_ERROR;
	} else {
		*pte = (*pte & ~(uint64_t)PTE_COW) | PTE_WRITABLE;
	}
	tlb_invalidate(&vm->tlb, as->asid, layout_vpn(&vm->layout, va));
	return VM_COW;
	// END SOLUTION
	//~ // TODO(stage 8): a region that forbids writing is VM_SEGV_DENIED.
	//~ // If frame_table[] says the PTE's frame has other sharers,
	//~ // cow_copy(); else clear PTE_COW and set PTE_WRITABLE. Then
	//~ // tlb_invalidate() the page and return VM_COW.
	//~ // Read 06-swapping-and-replacement.md#cow-in-the-simulator.
	//~ (void)as;
	//~ (void)va;
	//~ (void)cow_copy;
	//~ errno = ENOSYS;
	//~ return VM_ERROR;
}
// ANCHOR_END: vm_cow

// ANCHOR: fork_page
/*
 * Gives child the parent's page at va, whose PTE *pte is not 0, without
 * copying it. A page in swap: the child's PTE names the same slot, which
 * one more page now uses. A present page: the child maps the same frame
 * and becomes one of its sharers; a writable page becomes read-only and
 * PTE_COW in both spaces, and the parent's TLB entry, which would still
 * let it write, goes. Returns 0, or -1 with errno set if memory ran out.
 */
static int fork_page(struct vm *vm, struct addr_space *parent,
		     struct addr_space *child, uint64_t va, uint64_t *pte)
{
	// BEGIN SOLUTION
	uint64_t *copy = pt_walk(&child->pt, va, true);
	if (copy == NULL)
		return -1;
	if (*pte & PTE_SWAPPED) {
		if (swap_share(&vm->swap, pte_slot(*pte)) != 0)
			return -1;
	} else {
		if (*pte & PTE_WRITABLE) {
			*pte = (*pte & ~(uint64_t)PTE_WRITABLE) | PTE_COW;
			tlb_invalidate(&vm->tlb, parent->asid,
				       layout_vpn(&vm->layout, va));
		}
		frame_add_sharer(vm, pte_frame(*pte), child);
	}
	*copy = *pte;
	return 0;
	// END SOLUTION
	//~ // TODO(stage 8): make the child's PTE (pt_walk() with alloc). A
	//~ // swapped page: swap_share() its slot. A present one:
	//~ // frame_add_sharer() the child; if writable, swap PTE_WRITABLE
	//~ // for PTE_COW and tlb_invalidate() the parent's entry. Then the
	//~ // child's PTE is a copy of the parent's.
	//~ // Read 06-swapping-and-replacement.md#cow-in-the-simulator.
	//~ (void)vm;
	//~ (void)parent;
	//~ (void)child;
	//~ (void)va;
	//~ (void)pte;
	//~ (void)frame_add_sharer;
	//~ errno = ENOSYS;
	//~ return -1;
}
// ANCHOR_END: fork_page

// ANCHOR: vm_fork
/*
 * Makes a child of parent, as fork() does: a new address space with the
 * parent's regions and pages. No page is copied: the child shares every
 * page the parent has, present or in swap (fork_page()), until one of
 * them writes it. The parent stays the current space. Returns the child
 * (the machine owns it), or NULL with errno set: ENOSPC if VM_SPACES_MAX
 * spaces exist, ENOMEM if memory ran out. After a failure half way, the
 * child stays in the machine with part of the pages until vm_free().
 */
struct addr_space *vm_fork(struct vm *vm, struct addr_space *parent)
{
	struct addr_space *child = vm_create_space(vm);
	if (child == NULL)
		return NULL;
	memcpy(child->regions, parent->regions, sizeof child->regions);
	child->nregions = parent->nregions;
	// BEGIN SOLUTION
	uint64_t *pte;
	for (uint64_t va = 0; (pte = pt_next_entry(&parent->pt, &va)) != NULL;
	     va += vm->layout.page_size) {
		if (fork_page(vm, parent, child, va, pte) != 0)
			return NULL;
	}
	return child;
	// END SOLUTION
	//~ // TODO(stage 8): for each page pt_next_entry() finds in the
	//~ // parent's table, fork_page(); return the child.
	//~ // Read 06-swapping-and-replacement.md#cow-in-the-simulator.
	//~ (void)fork_page;
	//~ errno = ENOSYS;
	//~ return NULL;
}
// ANCHOR_END: vm_fork

/*
 * Returns true if an access of this kind to va, in the current address
 * space, is a write to a present page marked PTE_COW.
 */
static bool vm_is_cow_write(struct vm *vm, uint64_t va, enum access kind)
{
	if (kind != ACCESS_WRITE || !layout_contains(&vm->layout, va))
		return false;
	const uint64_t *pte = pt_walk(&vm->current->pt, va, false);
	uint64_t cow = PTE_PRESENT | PTE_COW;
	return pte != NULL && (*pte & cow) == cow;
}

/* Counts one reference's outcome. */
static void vm_count(struct vm *vm, enum vm_event event)
{
	struct vm_stats *s = &vm->stats;
	switch (event) {
	case VM_HIT:
		s->hits++;
		break;
	case VM_MINOR:
		s->faults++;
		s->minor_faults++;
		break;
	case VM_MAJOR:
		s->faults++;
		s->major_faults++;
		break;
	case VM_COW:
		s->faults++;
		s->minor_faults++;
		s->cow_faults++;
		break;
	case VM_SEGV_UNMAPPED:
	case VM_SEGV_DENIED:
		s->segfaults++;
		break;
	case VM_ERROR: /* the simulator failed: not the reference's outcome */
		break;
	}
}

// ANCHOR: vm_access
/*
 * Makes one memory reference: an access of the given kind to va in the
 * current address space. On success stores the physical address in *pa
 * and returns VM_HIT (the page was present), or VM_MINOR or VM_MAJOR (a
 * page fault brought it in), or VM_COW (a write to a shared page made
 * the page the writer's own). Otherwise returns VM_SEGV_UNMAPPED or
 * VM_SEGV_DENIED (a segmentation fault: the access does not happen, and
 * the simulation may go on), or VM_ERROR with errno set. Every reference
 * is counted, and the policy sees every one that succeeds.
 */
enum vm_event vm_access(struct vm *vm, uint64_t va, enum access kind,
			uint64_t *pa)
{
	uint64_t now = vm->stats.references++;
	vm->last_eviction = (struct vm_eviction){.happened = false};
	enum vm_event event = VM_HIT;
	if (mmu_translate(vm, va, kind, pa) != PT_OK) {
		if (vm_is_cow_write(vm, va, kind))
			event = vm_cow_fault(vm, va);
		else
			event = vm_fault(vm, va, kind);
		bool served = vm_event_ok(event);
		if (served && mmu_refill(vm, va, kind, pa) != PT_OK) {
			errno = EFAULT; /* the handler left the page unmapped */
			event = VM_ERROR;
		}
	}
	size_t frame = vm_event_ok(event) ? *pa / vm->layout.page_size : 0;
	if (frame >= vm->mem.frames) {
		errno = ERANGE; /* a translation outside physical memory */
		event = VM_ERROR;
	}
	vm_count(vm, event);
	if (vm_event_ok(event))
		policy_touch(&vm->policy, frame, now);
	return event;
}
// ANCHOR_END: vm_access

/* Returns how many of the len bytes from va lie in va's page. */
static size_t page_chunk(const struct layout *l, uint64_t va, size_t len)
{
	uint64_t left = l->page_size - layout_offset(l, va);
	return len < left ? len : (size_t)left;
}

// ANCHOR: vm_read
/*
 * Copies len bytes from va, in the current address space, into buf. Each
 * page the bytes lie in is one read reference, which may fault.
 * Returns 0, or -1 if a reference failed (a segmentation fault or
 * VM_ERROR); the bytes before it have been copied.
 */
int vm_read(struct vm *vm, uint64_t va, void *buf, size_t len)
{
	// BEGIN SOLUTION
	unsigned char *out = buf;
	while (len > 0) {
		size_t chunk = page_chunk(&vm->layout, va, len);
		uint64_t pa;
		if (!vm_event_ok(vm_access(vm, va, ACCESS_READ, &pa)))
			return -1;
		memcpy(out, physmem_at(&vm->mem, pa), chunk);
		out += chunk;
		va += chunk;
		len -= chunk;
	}
	return 0;
	// END SOLUTION
	//~ // TODO(stage 7): page by page: page_chunk() bytes, one
	//~ // vm_access(), then copy from physmem_at() the physical address.
	//~ // Read 06-swapping-and-replacement.md#data-integrity.
	//~ (void)vm;
	//~ (void)va;
	//~ (void)buf;
	//~ (void)len;
	//~ (void)page_chunk;
	//~ return -1;
}
// ANCHOR_END: vm_read

// ANCHOR: vm_write
/*
 * Copies len bytes from buf to va in the current address space. Each page
 * is one write reference, which may fault.
 * Returns 0, or -1 if a reference failed; the bytes before it were written.
 */
int vm_write(struct vm *vm, uint64_t va, const void *buf, size_t len)
{
	// BEGIN SOLUTION
	const unsigned char *in = buf;
	while (len > 0) {
		size_t chunk = page_chunk(&vm->layout, va, len);
		uint64_t pa;
		if (!vm_event_ok(vm_access(vm, va, ACCESS_WRITE, &pa)))
			return -1;
		memcpy(physmem_at(&vm->mem, pa), in, chunk);
		in += chunk;
		va += chunk;
		len -= chunk;
	}
	return 0;
	// END SOLUTION
	//~ // TODO(stage 7): like vm_read(), the other way round.
	//~ (void)vm;
	//~ (void)va;
	//~ (void)buf;
	//~ (void)len;
	//~ return -1;
}
// ANCHOR_END: vm_write

/* Returns the statistics so far, the TLB's counts included. */
const struct vm_stats *vm_stats(struct vm *vm)
{
	vm->stats.tlb_hits = vm->tlb.hits;
	vm->stats.tlb_misses = vm->tlb.misses;
	return &vm->stats;
}
