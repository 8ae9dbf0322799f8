/*
 * vm.h: the virtual memory system. The machine's side is physical memory
 * and an MMU with a TLB; the operating system's side is address spaces,
 * the page fault handler, page replacement and swap.
 */
#ifndef VM_H
#define VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pagetable.h"
#include "physmem.h"
#include "policy.h"
#include "stats.h"
#include "swap.h"
#include "tlb.h"

enum {
	VM_SPACES_MAX = 64,  /* address spaces in one machine: a bit each */
	AS_REGIONS_MAX = 16, /* regions in one address space */
};

/* What became of one memory reference. */
enum vm_event {
	VM_HIT,           /* the page was present */
	VM_MINOR,         /* page fault served without I/O: a zeroed frame */
	VM_MAJOR,         /* page fault served by reading swap */
	VM_COW,           /* page fault served by copy-on-write: no I/O */
	VM_SEGV_UNMAPPED, /* segmentation fault: no region holds the address */
	VM_SEGV_DENIED,   /* segmentation fault: the region forbids it */
	VM_ERROR,         /* the simulator itself failed; errno says why */
};

/* Returns true if the reference happened: a hit, or a fault served. */
static inline bool vm_event_ok(enum vm_event event)
{
	return event == VM_HIT || event == VM_MINOR || event == VM_MAJOR ||
	       event == VM_COW;
}

struct vm_config {
	size_t frames;            /* frames of physical memory, at least 1 */
	size_t page_size;         /* bytes in a page */
	unsigned levels;          /* page-table levels */
	unsigned va_bits;         /* width of a virtual address */
	size_t tlb_size;          /* TLB entries; 0: no TLB */
	bool tlb_flush_on_switch; /* ignore ASIDs; flush at every switch */
	enum policy_kind policy;  /* which page to evict */
	uint64_t seed;            /* for POLICY_RANDOM */
	const uint64_t *next_use; /* for POLICY_OPT: see policy.h */
	size_t refs;              /* length of next_use */
};

// ANCHOR: region
/* A range of virtual addresses a program may use: [start, end). */
struct region {
	uint64_t start;
	uint64_t end;
	uint64_t perms; /* PTE_WRITABLE, PTE_EXEC; reading is always allowed */
};

struct addr_space {
	struct pagetable pt; /* this space's translations */
	unsigned asid;       /* tags this space's TLB entries; from 1 up */
	struct region regions[AS_REGIONS_MAX];
	size_t nregions;
};
// ANCHOR_END: region

// ANCHOR: frame_info
/* What the operating system knows about one frame. */
struct frame_info {
	struct addr_space *owner; /* the space whose page is here */
	uint64_t vpn;             /* that page */
	size_t slot;              /* the page's swap slot, or SWAP_NONE */
	/* The reverse map: after a fork, several spaces may map the page,
	 * all at the same vpn. The owner is one of them. */
	size_t shares;    /* how many spaces map the page: 1 or more */
	uint64_t sharers; /* bit asid - 1 is set if that space does */
};
// ANCHOR_END: frame_info

/* The eviction done by the last reference, for vmsim --verbose. */
struct vm_eviction {
	bool happened;
	unsigned asid; /* the victim page's address space */
	uint64_t vpn;  /* the victim page */
	size_t frame;  /* the frame it left */
	bool written;  /* it was dirty and written to swap */
};

struct vm {
	struct layout layout;           /* how addresses are sliced */
	struct physmem mem;             /* the frames */
	struct frame_info *frame_table; /* one per frame */
	size_t frames_used;             /* frames 0 .. frames_used-1 in use */
	struct tlb tlb;                 /* the MMU's TLB */
	bool tlb_flush_on_switch;       /* from the configuration */
	struct policy policy;           /* chooses victims */
	struct swap swap;               /* where evicted pages go */
	struct addr_space *spaces[VM_SPACES_MAX];
	size_t nspaces;
	struct addr_space *current; /* the space the MMU translates in */
	struct vm_stats stats;      /* what happened so far */
	struct vm_eviction last_eviction;
};

int vm_init(struct vm *vm, const struct vm_config *config);
void vm_free(struct vm *vm);
struct addr_space *vm_create_space(struct vm *vm);
struct addr_space *vm_fork(struct vm *vm, struct addr_space *parent);
int as_add_region(struct addr_space *as, uint64_t start, uint64_t length,
		  uint64_t perms);
const struct region *as_find_region(const struct addr_space *as, uint64_t va);
void vm_switch(struct vm *vm, struct addr_space *as);
enum vm_event vm_access(struct vm *vm, uint64_t va, enum access kind,
			uint64_t *pa);
int vm_read(struct vm *vm, uint64_t va, void *buf, size_t len);
int vm_write(struct vm *vm, uint64_t va, const void *buf, size_t len);
const struct vm_stats *vm_stats(struct vm *vm);
bool vm_frame_accessed(struct vm *vm, size_t frame);

#endif
