/*
 * pagetable.c: slicing virtual addresses, and the multi-level page table.
 *
 * A page table is a tree of page-table pages, each an array of
 * 2^level_bits PTEs. The root is at level levels-1 and the leaves at level
 * 0. A walk goes from the root down; each level uses level_bits bits of the
 * virtual page number (vpn), the highest bits first, to pick the PTE that
 * leads one level lower. The leaf PTE holds the frame.
 *
 * Page-table pages live outside the simulated physical memory, in tables[],
 * so that --frames counts data pages only. An upper-level PTE holds the
 * number of the page-table page below it, as on x86 it holds a frame.
 */
#include "pagetable.h"

#include <assert.h>
#include <stdlib.h>

enum { PT_TABLES_INITIAL = 16 };

static const size_t PT_NO_TABLE = SIZE_MAX; /* pt_alloc_table() failed */

/* Returns log2(n) for a power of two n. */
static unsigned log2_size(size_t n)
{
	unsigned bits = 0;
	while (((size_t)1 << bits) < n)
		bits++;
	return bits;
}

/*
 * Returns NULL if pages of page_size bytes, `levels` levels and va_bits-wide
 * virtual addresses make a layout the simulator supports; otherwise a
 * message that says what is wrong.
 */
const char *layout_check(size_t page_size, unsigned levels, unsigned va_bits)
{
	if (page_size < LAYOUT_PAGE_SIZE_MIN ||
	    page_size > LAYOUT_PAGE_SIZE_MAX)
		return "the page size must be between 16 bytes and 1 GiB";
	if ((page_size & (page_size - 1)) != 0)
		return "the page size must be a power of two";
	if (levels < 1 || levels > LAYOUT_LEVELS_MAX)
		return "the number of levels must be between 1 and 6";
	if (va_bits > LAYOUT_VA_BITS_MAX)
		return "virtual addresses can be at most 63 bits wide";
	unsigned offset_bits = log2_size(page_size);
	if (va_bits < offset_bits + levels)
		return "virtual addresses are too narrow: they need the offset "
		       "bits and at least one bit per level";
	if (va_bits - offset_bits > levels * LAYOUT_LEVEL_BITS_MAX)
		return "a level can index at most 16 bits: use more levels";
	return NULL;
}

// ANCHOR: layout_init
/*
 * Fills in *l for pages of page_size bytes, `levels` levels and va_bits-wide
 * virtual addresses. The offset takes log2(page_size) bits; the vpn's bits
 * are shared evenly among the levels, and if they do not divide evenly the
 * root level indexes fewer of them. Returns 0, or -1 (leaving *l alone) if
 * layout_check() rejects the parameters.
 */
int layout_init(struct layout *l, size_t page_size, unsigned levels,
		unsigned va_bits)
{
	if (layout_check(page_size, levels, va_bits) != NULL)
		return -1;
	// BEGIN SOLUTION
	unsigned offset_bits = log2_size(page_size);
	unsigned vpn_bits = va_bits - offset_bits;
	*l = (struct layout){
		.page_size = page_size,
		.offset_bits = offset_bits,
		.levels = levels,
		.level_bits = (vpn_bits + levels - 1) / levels,
		.va_bits = va_bits,
	};
	return 0;
	// END SOLUTION
	//~ // TODO(stage 1): fill in every field of *l and return 0.
	//~ // log2_size() gives the offset's width; round level_bits up.
	//~ // Read 03-pages-and-page-tables.md#pages-and-offsets.
	//~ (void)l;
	//~ return -1;
}
// ANCHOR_END: layout_init

/* Returns true if va fits in the layout's va_bits. */
bool layout_contains(const struct layout *l, uint64_t va)
{
	return va >> l->va_bits == 0;
}

// ANCHOR: va_layout
/*
 * A virtual address in the default layout (4 KiB pages, 4 levels of 9 bits,
 * 48-bit addresses, as on x86-64):
 *
 *  47       39 38       30 29       21 20       12 11            0
 * +-----------+-----------+-----------+-----------+---------------+
 * |  level 3  |  level 2  |  level 1  |  level 0  |    offset     |
 * +-----------+-----------+-----------+-----------+---------------+
 * |<----------------- vpn: 36 bits -------------->|<-- 12 bits -->|
 *
 * The level 3 index picks a PTE in the root table, level 0 one in a leaf
 * table. With 2 levels of 10 bits and 32-bit addresses (x86 without PAE)
 * there are two index fields of 10 bits above the same 12-bit offset.
 */

/* Returns the virtual page number of va: the bits above the offset. */
uint64_t layout_vpn(const struct layout *l, uint64_t va)
{
	// BEGIN SOLUTION
	return va >> l->offset_bits;
	// END SOLUTION
	//~ // TODO(stage 1): shift the offset away.
	//~ (void)l;
	//~ (void)va;
	//~ return 0;
}

/* Returns the offset of va within its page: its low offset_bits bits. */
uint64_t layout_offset(const struct layout *l, uint64_t va)
{
	// BEGIN SOLUTION
	return va & (l->page_size - 1);
	// END SOLUTION
	//~ // TODO(stage 1): keep the low bits; page_size is a power of two.
	//~ (void)l;
	//~ (void)va;
	//~ return 0;
}

/* Returns the physical address of byte `offset` of frame: the frame number
 * times the page size, plus the offset. */
uint64_t layout_pa(const struct layout *l, uint64_t frame, uint64_t offset)
{
	// BEGIN SOLUTION
	return frame << l->offset_bits | offset;
	// END SOLUTION
	//~ // TODO(stage 1): frame * page_size + offset, without multiplying.
	//~ (void)l;
	//~ (void)frame;
	//~ (void)offset;
	//~ return 0;
}

/* Returns the index that va selects in a table at `level` (0 = leaf). */
size_t layout_index(const struct layout *l, uint64_t va, unsigned level)
{
	// BEGIN SOLUTION
	unsigned shift = l->offset_bits + level * l->level_bits;
	uint64_t mask = ((uint64_t)1 << l->level_bits) - 1;
	return (size_t)(va >> shift & mask);
	// END SOLUTION
	//~ // TODO(stage 2): shift past the offset and the lower levels,
	//~ // then keep level_bits bits.
	//~ // Read 03-pages-and-page-tables.md#slicing-an-address.
	//~ (void)l;
	//~ (void)va;
	//~ (void)level;
	//~ return 0;
}
// ANCHOR_END: va_layout

/*
 * Adds a zeroed page-table page. Returns its number, or PT_NO_TABLE if
 * memory ran out.
 */
static size_t pt_alloc_table(struct pagetable *pt)
{
	if (pt->ntables == pt->cap) {
		size_t cap = pt->cap * 2;
		uint64_t **tables = realloc(pt->tables, cap * sizeof *tables);
		if (tables == NULL)
			return PT_NO_TABLE;
		pt->tables = tables;
		pt->cap = cap;
	}
	size_t entries = (size_t)1 << pt->layout.level_bits;
	uint64_t *table = calloc(entries, sizeof *table);
	if (table == NULL)
		return PT_NO_TABLE;
	pt->tables[pt->ntables] = table;
	return pt->ntables++;
}

/*
 * Makes an empty page table (a root and nothing else) for addresses laid
 * out as *layout says. Returns 0, or -1 if memory ran out.
 */
int pt_init(struct pagetable *pt, const struct layout *layout)
{
	*pt = (struct pagetable){
		.layout = *layout,
		.tables = malloc(PT_TABLES_INITIAL * sizeof *pt->tables),
		.cap = PT_TABLES_INITIAL,
	};
	if (pt->tables == NULL || pt_alloc_table(pt) == PT_NO_TABLE) {
		pt_free(pt);
		return -1;
	}
	return 0;
}

/* Frees every page-table page. */
void pt_free(struct pagetable *pt)
{
	for (size_t i = 0; i < pt->ntables; i++)
		free(pt->tables[i]);
	free(pt->tables);
	*pt = (struct pagetable){0};
}

// ANCHOR: pt_walk
/*
 * Returns the address of the leaf PTE for va, walking down from the root.
 * A missing table on the way is created if alloc is true; otherwise, or if
 * memory runs out, the walk stops and returns NULL. The caller guarantees
 * that layout_contains(va).
 */
uint64_t *pt_walk(struct pagetable *pt, uint64_t va, bool alloc)
{
	/* No index holds the bits above va_bits: such a va would alias a
	 * page inside the space. Callers check, as pt_translate() does. */
	assert(layout_contains(&pt->layout, va));
	// BEGIN SOLUTION
	uint64_t *table = pt->tables[0];
	for (unsigned level = pt->layout.levels - 1; level > 0; level--) {
		uint64_t *pte = &table[layout_index(&pt->layout, va, level)];
		if (!(*pte & PTE_PRESENT)) {
			if (!alloc)
				return NULL;
			size_t next = pt_alloc_table(pt);
			if (next == PT_NO_TABLE)
				return NULL;
			*pte = pte_make(next, PTE_PRESENT);
		}
		table = pt->tables[pte_table(*pte)];
	}
	return &table[layout_index(&pt->layout, va, 0)];
	// END SOLUTION
	//~ // TODO(stage 2): start at the root, tables[0]. At each level from
	//~ // levels-1 down to 1, the PTE that va indexes leads to the next
	//~ // table: tables[pte_table(pte)]. If it is not present, make one
	//~ // with pt_alloc_table() (only if alloc) and point the PTE at it.
	//~ // At level 0, return the address of the leaf PTE.
	//~ // Read 03-pages-and-page-tables.md#walking-the-table.
	//~ (void)pt;
	//~ (void)va;
	//~ (void)alloc;
	//~ return NULL;
}
// ANCHOR_END: pt_walk

// ANCHOR: pt_map
/*
 * Maps the page holding va to frame, with permissions perms (any of
 * PTE_WRITABLE and PTE_EXEC; reading is always allowed). The entry is
 * present, not yet accessed nor dirty, and replaces whatever was there.
 * Returns 0, or -1 if a page-table page could not be allocated.
 */
int pt_map(struct pagetable *pt, uint64_t va, uint64_t frame, uint64_t perms)
{
	// BEGIN SOLUTION
	uint64_t *pte = pt_walk(pt, va, true);
	if (pte == NULL)
		return -1;
	*pte = pte_make(frame, PTE_PRESENT | (perms & PTE_PERMS));
	return 0;
	// END SOLUTION
	//~ // TODO(stage 2): walk with alloc, then fill in the leaf PTE.
	//~ (void)pt;
	//~ (void)va;
	//~ (void)frame;
	//~ (void)perms;
	//~ return -1;
}
// ANCHOR_END: pt_map

// ANCHOR: pt_translate
/*
 * Translates va for an access of the given kind, as the MMU does: walks the
 * table, checks the permissions, sets the accessed bit (and the dirty bit
 * for a write) and stores frame * page_size + offset in *pa.
 * Returns PT_OK; PT_NOT_PRESENT if no present page holds va (or va lies
 * outside the address space); PT_DENIED if the page forbids the access.
 * On a fault the PTE and *pa are left alone.
 */
enum pt_result pt_translate(struct pagetable *pt, uint64_t va, enum access kind,
			    uint64_t *pa)
{
	if (!layout_contains(&pt->layout, va))
		return PT_NOT_PRESENT;
	// BEGIN SOLUTION
	uint64_t *pte = pt_walk(pt, va, false);
	if (pte == NULL || !(*pte & PTE_PRESENT))
		return PT_NOT_PRESENT;
	if (!pte_allows(*pte, kind))
		return PT_DENIED;
	*pte |= PTE_ACCESSED;
	if (kind == ACCESS_WRITE)
		*pte |= PTE_DIRTY;
	*pa = layout_pa(&pt->layout, pte_frame(*pte),
			layout_offset(&pt->layout, va));
	return PT_OK;
	// END SOLUTION
	//~ // TODO(stage 3): walk without allocating; a missing table or a
	//~ // PTE without PTE_PRESENT is PT_NOT_PRESENT. Check pte_allows(),
	//~ // set PTE_ACCESSED (and PTE_DIRTY on a write), then build *pa.
	//~ // Read 04-mmu-and-tlb.md#translating-an-address.
	//~ (void)pt;
	//~ (void)kind;
	//~ (void)pa;
	//~ return PT_NOT_PRESENT;
}
// ANCHOR_END: pt_translate

/*
 * Walks down from the root to the leaf table that holds va's PTE, without
 * allocating. Returns it, or NULL if a table on the way is missing; then
 * *missing is the level of the entry that is not present.
 */
static uint64_t *pt_leaf_table(struct pagetable *pt, uint64_t va,
			       unsigned *missing)
{
	uint64_t *table = pt->tables[0];
	for (unsigned level = pt->layout.levels - 1; level > 0; level--) {
		uint64_t entry = table[layout_index(&pt->layout, va, level)];
		if (!(entry & PTE_PRESENT)) {
			*missing = level;
			return NULL;
		}
		table = pt->tables[pte_table(entry)];
	}
	return table;
}

/*
 * Finds the first leaf PTE that is not 0 (a present page, or one in swap)
 * for a page at or above *va. Stores the address of that page in *va and
 * returns the PTE, or returns NULL if there is none up to the end of the
 * address space. A missing table is skipped whole, with every page below
 * it, so a sparse page table takes few steps however large the space.
 */
uint64_t *pt_next_entry(struct pagetable *pt, uint64_t *va)
{
	const struct layout *l = &pt->layout;
	uint64_t at = *va - layout_offset(l, *va);
	while (layout_contains(l, at)) {
		unsigned level = 0;
		uint64_t *table = pt_leaf_table(pt, at, &level);
		if (table == NULL) {
			/* An entry at this level covers 2^span_bits bytes. */
			unsigned span_bits =
				l->offset_bits + level * l->level_bits;
			if (span_bits >= l->va_bits)
				return NULL;
			uint64_t span = (uint64_t)1 << span_bits;
			at = (at & ~(span - 1)) + span;
			continue;
		}
		uint64_t *pte = &table[layout_index(l, at, 0)];
		if (*pte != 0) {
			*va = at;
			return pte;
		}
		at += l->page_size;
	}
	return NULL;
}
