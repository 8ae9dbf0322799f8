/*
 * tlb.c: the translation lookaside buffer.
 *
 * The TLB caches leaf PTEs so that most translations skip the page-table
 * walk. Each entry is tagged with an address-space id (ASID), so entries of
 * several address spaces can live side by side; a TLB without tags would
 * have to be flushed at every switch instead.
 *
 * A cached PTE is a copy: when the operating system changes a PTE (evicts
 * its page, say) it must invalidate the copy, or the MMU would go on using
 * the old frame.
 */
#include "tlb.h"

#include <stdlib.h>

/*
 * Makes an empty TLB of `size` entries (0: no TLB; every lookup misses).
 * Returns 0, or -1 if memory ran out.
 */
int tlb_init(struct tlb *tlb, size_t size)
{
	*tlb = (struct tlb){.size = size};
	if (size == 0)
		return 0;
	tlb->entries = calloc(size, sizeof *tlb->entries);
	return tlb->entries == NULL ? -1 : 0;
}

void tlb_free(struct tlb *tlb)
{
	free(tlb->entries);
	*tlb = (struct tlb){0};
}

// ANCHOR: tlb_lookup
/*
 * Looks up the translation of vpn in address space asid. On a hit, stores
 * the cached PTE in *pte and returns true; on a miss returns false.
 * Counts the hit or the miss.
 */
bool tlb_lookup(struct tlb *tlb, unsigned asid, uint64_t vpn, uint64_t *pte)
{
	// TODO(stage 3): search every entry for a valid one with this
	// vpn and asid. Count a hit or a miss.
	// Read 04-mmu-and-tlb.md#the-tlb.
	(void)tlb;
	(void)asid;
	(void)vpn;
	(void)pte;
	return false;
}
// ANCHOR_END: tlb_lookup

// ANCHOR: tlb_insert
/*
 * Caches pte as the translation of vpn in address space asid. An entry
 * already holding that page is updated in place; otherwise a free entry is
 * used, or else the entry round robin points at. Does nothing if size is 0.
 */
void tlb_insert(struct tlb *tlb, unsigned asid, uint64_t vpn, uint64_t pte)
{
	// TODO(stage 3): prefer the entry already holding (asid, vpn),
	// then the first invalid one, then tlb->next (and advance it).
	// Read 04-mmu-and-tlb.md#the-tlb.
	(void)tlb;
	(void)asid;
	(void)vpn;
	(void)pte;
}
// ANCHOR_END: tlb_insert

// ANCHOR: tlb_invalidate
/* Drops the translation of vpn in address space asid, if it is cached. */
void tlb_invalidate(struct tlb *tlb, unsigned asid, uint64_t vpn)
{
	// TODO(stage 3): mark the matching entry invalid.
	(void)tlb;
	(void)asid;
	(void)vpn;
}
// ANCHOR_END: tlb_invalidate

/* Drops every cached translation, of every address space. */
void tlb_flush(struct tlb *tlb)
{
	for (size_t i = 0; i < tlb->size; i++)
		tlb->entries[i].valid = false;
}
