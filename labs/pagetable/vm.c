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
 */
#include "vm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A frame number that names no frame. */
static const size_t NO_FRAME = SIZE_MAX;

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
	bool aligned = layout_offset(l, start) == 0 &&
		       layout_offset(l, length) == 0;
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
	// TODO(stage 6): make as current; flush the TLB first if the
	// space changes and vm->tlb_flush_on_switch is set.
	// Read 04-mmu-and-tlb.md#several-address-spaces.
	(void)vm;
	(void)as;
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
	// TODO(stage 3): when the walk succeeds (and there is a TLB),
	// cache the leaf PTE (pt_walk() finds it) with tlb_insert().
	// Read 04-mmu-and-tlb.md#the-tlb.
	return pt_translate(&as->pt, va, kind, pa);
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
	// TODO(stage 3): look vpn up in the TLB (tagged with the current
	// space's ASID). On a usable hit build *pa from the cached PTE
	// and return PT_OK; otherwise fall through to the walk.
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
	// TODO(stage 5): write a dirty page to its slot (swap_alloc() one
	// into vm->frame_table[frame].slot if it has none) and count the
	// write-back; then make the PTE name the slot, or 0 if none.
	// Read 06-swapping-and-replacement.md#swap-area.
	(void)vm;
	(void)frame;
	(void)pte;
	return -1;
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
	// TODO(stage 4): swap_read() the slot into the frame's bytes,
	// and count the swap-in.
	// Read 05-page-faults.md#major-faults.
	(void)vm;
	(void)frame;
	(void)slot;
	return -1;
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
	// TODO(stage 5): the victim's frame_info says whose page it is;
	// find its PTE, swap_out() the page, tlb_invalidate() it.
	// Read 06-swapping-and-replacement.md#eviction.
	(void)vm;
	(void)swap_out;
	errno = ENOSYS;
	return NO_FRAME;
}
// ANCHOR_END: vm_evict

// ANCHOR: vm_take_frame
/*
 * Returns a frame for a new page: the lowest free frame while there is
 * one, else a victim's, whose eviction is counted and recorded in
 * last_eviction. Returns NO_FRAME with errno set if eviction failed.
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
 * Returns 0, or -1 if a page-table page could not be allocated.
 */
static int vm_install(struct vm *vm, size_t frame, uint64_t va,
		      uint64_t perms, size_t slot)
{
	struct addr_space *as = vm->current;
	vm->frame_table[frame] = (struct frame_info){
		.owner = as,
		.vpn = layout_vpn(&vm->layout, va),
		.slot = slot,
	};
	if (pt_map(&as->pt, va, frame, perms) != 0)
		return -1;
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
 * fault), and installs the page.
 * Returns VM_MINOR, VM_MAJOR, VM_SEGV_UNMAPPED, VM_SEGV_DENIED, or VM_ERROR
 * with errno set.
 */
static enum vm_event vm_fault(struct vm *vm, uint64_t va, enum access kind)
{
	struct addr_space *as = vm->current;
	// TODO(stage 4): find va's region (as_find_region()); none is
	// VM_SEGV_UNMAPPED. Find its PTE (pt_walk() with alloc). An
	// access the region forbids (pte_allows() works on region perms
	// too), or a PTE already present, is VM_SEGV_DENIED. Then
	// vm_take_frame(), fill the frame (zeros, or swap_in() if the PTE
	// has PTE_SWAPPED) and vm_install() the page.
	// Read 05-page-faults.md#the-fault-handler.
	(void)as;
	(void)va;
	(void)kind;
	(void)vm_take_frame;
	(void)vm_install;
	(void)swap_in;
	return VM_SEGV_UNMAPPED;
}
// ANCHOR_END: vm_fault

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
	case VM_SEGV_UNMAPPED:
	case VM_SEGV_DENIED:
		s->segfaults++;
		break;
	default:
		break;
	}
}

// ANCHOR: vm_access
/*
 * Makes one memory reference: an access of the given kind to va in the
 * current address space. On success stores the physical address in *pa
 * and returns VM_HIT (the page was present), or VM_MINOR or VM_MAJOR (a
 * page fault brought it in). Otherwise returns VM_SEGV_UNMAPPED or
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
		event = vm_fault(vm, va, kind);
		bool served = event == VM_MINOR || event == VM_MAJOR;
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
	// TODO(stage 7): page by page: page_chunk() bytes, one
	// vm_access(), then copy from physmem_at() the physical address.
	// Read 06-swapping-and-replacement.md#data-integrity.
	(void)vm;
	(void)va;
	(void)buf;
	(void)len;
	(void)page_chunk;
	return -1;
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
	// TODO(stage 7): like vm_read(), the other way round.
	(void)vm;
	(void)va;
	(void)buf;
	(void)len;
	return -1;
}
// ANCHOR_END: vm_write

/* Returns the statistics so far, the TLB's counts included. */
const struct vm_stats *vm_stats(struct vm *vm)
{
	vm->stats.tlb_hits = vm->tlb.hits;
	vm->stats.tlb_misses = vm->tlb.misses;
	return &vm->stats;
}
