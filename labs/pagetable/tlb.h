/*
 * tlb.h: the translation lookaside buffer, a small cache of leaf PTEs.
 */
#ifndef TLB_H
#define TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// ANCHOR: tlb_entry
/* One cached translation. */
struct tlb_entry {
	uint64_t vpn;  /* the virtual page it translates */
	uint64_t pte;  /* a copy of that page's leaf PTE: frame and flags */
	unsigned asid; /* the address space it belongs to */
	bool valid;    /* false: the entry holds nothing */
};
// ANCHOR_END: tlb_entry

/*
 * A fully associative TLB: any entry can hold any page. When every entry
 * is valid, tlb_insert() replaces them in turn (round robin).
 */
struct tlb {
	struct tlb_entry *entries; /* size entries */
	size_t size;               /* number of entries; 0 means no TLB */
	size_t next;               /* the entry round robin replaces next */
	uint64_t hits;             /* lookups that found their page */
	uint64_t misses;           /* lookups that did not */
};

int tlb_init(struct tlb *tlb, size_t size);
void tlb_free(struct tlb *tlb);
bool tlb_lookup(struct tlb *tlb, unsigned asid, uint64_t vpn, uint64_t *pte);
void tlb_insert(struct tlb *tlb, unsigned asid, uint64_t vpn, uint64_t pte);
void tlb_invalidate(struct tlb *tlb, unsigned asid, uint64_t vpn);
void tlb_flush(struct tlb *tlb);

#endif
