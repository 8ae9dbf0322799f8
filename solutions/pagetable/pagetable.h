/*
 * pagetable.h: the layout of an address, page-table entries, and the
 * multi-level page table that maps virtual pages to frames.
 */
#ifndef PAGETABLE_H
#define PAGETABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds on a layout, checked by layout_check(). */
enum {
	LAYOUT_PAGE_SIZE_MIN = 16,
	LAYOUT_PAGE_SIZE_MAX = 1 << 30,
	LAYOUT_LEVELS_MAX = 6,
	LAYOUT_LEVEL_BITS_MAX = 16, /* a table of 65536 entries: 512 KiB */
	LAYOUT_VA_BITS_MAX = 63,
};

/* How a virtual address is cut into page-table indexes and an offset. */
struct layout {
	size_t page_size;     /* bytes in a page: a power of two */
	unsigned offset_bits; /* log2(page_size): the width of the offset */
	unsigned levels;      /* number of page-table levels */
	unsigned level_bits;  /* index bits per level: 2^level_bits PTEs */
	unsigned va_bits;     /* width of a virtual address */
};

// ANCHOR: pte_format
/*
 * A page-table entry (PTE) is 64 bits: flags in the low 12 bits, and a
 * number above them, which is a frame when PTE_PRESENT is set and a swap
 * slot when PTE_SWAPPED is set. An entry of 0 maps nothing.
 *
 *  63                                   12 11     7 6 5 4 3 2 1 0
 * +---------------------------------------+--------+-+-+-+-+-+-+-+
 * |      frame number or swap slot        |  zero  |C|S|D|A|X|W|P|
 * +---------------------------------------+--------+-+-+-+-+-+-+-+
 *
 * An upper-level entry uses the same format: its number is the page-table
 * page that the next level lives in. The MMU ignores C: only the fault
 * handler reads it.
 */
enum {
	PTE_PRESENT = 1 << 0,  /* P: the page is in a frame */
	PTE_WRITABLE = 1 << 1, /* W: writes are allowed */
	PTE_EXEC = 1 << 2,     /* X: instruction fetches are allowed */
	PTE_ACCESSED = 1 << 3, /* A: the MMU used this entry */
	PTE_DIRTY = 1 << 4,    /* D: the MMU wrote through this entry */
	PTE_SWAPPED = 1 << 5,  /* S: not present; the page is in a swap slot */
	PTE_COW = 1 << 6,      /* C: copy-on-write: shared, so read-only */
	PTE_PERMS = PTE_WRITABLE | PTE_EXEC,
	PTE_FLAG_BITS = 12, /* the number starts at bit 12 */
};
// ANCHOR_END: pte_format

/* The kind of memory access being translated. */
enum access {
	ACCESS_READ,
	ACCESS_WRITE,
	ACCESS_EXEC,
};

/* What the MMU found when it translated an address. */
enum pt_result {
	PT_OK,          /* translated */
	PT_NOT_PRESENT, /* no present page at this address */
	PT_DENIED,      /* the page is present but forbids this access */
};

/* A page table: the page-table pages of one address space. */
struct pagetable {
	struct layout layout; /* how addresses are sliced */
	uint64_t **tables;    /* page-table pages; tables[0] is the root */
	size_t ntables;       /* page-table pages in use */
	size_t cap;           /* room in tables[] */
};

/* Builds a PTE from a frame (or slot) number and flags. */
static inline uint64_t pte_make(uint64_t number, uint64_t flags)
{
	return number << PTE_FLAG_BITS | flags;
}

/* The frame of a present leaf PTE. */
static inline uint64_t pte_frame(uint64_t pte)
{
	return pte >> PTE_FLAG_BITS;
}

/* The page-table page, an index into tables[], of a present upper PTE. */
static inline uint64_t pte_table(uint64_t pte)
{
	return pte >> PTE_FLAG_BITS;
}

/* The swap slot of a PTE with PTE_SWAPPED set. */
static inline uint64_t pte_slot(uint64_t pte)
{
	return pte >> PTE_FLAG_BITS;
}

/* Returns true if a present PTE allows an access of this kind. */
static inline bool pte_allows(uint64_t pte, enum access kind)
{
	switch (kind) {
	case ACCESS_WRITE:
		return (pte & PTE_WRITABLE) != 0;
	case ACCESS_EXEC:
		return (pte & PTE_EXEC) != 0;
	case ACCESS_READ:
		break;
	}
	return true; /* every present page is readable */
}

const char *layout_check(size_t page_size, unsigned levels, unsigned va_bits);
int layout_init(struct layout *l, size_t page_size, unsigned levels,
		unsigned va_bits);
bool layout_contains(const struct layout *l, uint64_t va);
uint64_t layout_vpn(const struct layout *l, uint64_t va);
uint64_t layout_offset(const struct layout *l, uint64_t va);
uint64_t layout_pa(const struct layout *l, uint64_t frame, uint64_t offset);
size_t layout_index(const struct layout *l, uint64_t va, unsigned level);

int pt_init(struct pagetable *pt, const struct layout *layout);
void pt_free(struct pagetable *pt);
uint64_t *pt_walk(struct pagetable *pt, uint64_t va, bool alloc);
int pt_map(struct pagetable *pt, uint64_t va, uint64_t frame, uint64_t perms);
enum pt_result pt_translate(struct pagetable *pt, uint64_t va, enum access kind,
			    uint64_t *pa);
uint64_t *pt_next_entry(struct pagetable *pt, uint64_t *va);

#endif
