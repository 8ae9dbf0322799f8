/*
 * Stage 5: large blocks in mappings of their own; trimming the break.
 */
#include "testutil.h"

TestSuite(large, .init = heap_fresh, .fini = harness_test_finished,
	  .timeout = 10);
TestSuite(trim, .init = heap_fresh, .fini = harness_test_finished,
	  .timeout = 10);

Test(large, large_block_gets_a_mapping)
{
	unsigned char *p = mm_malloc(LARGE);
	cr_assert_not_null(p);
	cr_assert(!in_heap(p), "a %d-byte block belongs in a mapping", LARGE);
	cr_assert((uintptr_t)p % TEST_ALIGNMENT == 0);
	cr_assert_eq(mem_mapped_count(), 1);
	cr_assert(mem_mapped_bytes() >= LARGE);
	cr_assert(mem_mapped_bytes() <= LARGE + 2 * mem_pagesize(),
		  "the mapping is much larger than the block");
	fill(p, LARGE, 1);
	cr_assert(holds(p, LARGE, 1));
	cr_assert(mm_checkheap(__LINE__));
}

Test(large, large_block_of_whole_pages_gets_just_those_pages)
{
	/* A mapped block costs the request plus 16 bytes (its header and the
	 * lead word before it), rounded up to whole pages: here 50 pages
	 * exactly, then 8 bytes too many for 50. Every byte asked for is
	 * usable. */
	size_t page = mem_pagesize();
	size_t sizes[] = {50 * page - 24, 50 * page - 8};
	size_t pages[] = {50, 51};
	for (int i = 0; i < 2; i++) {
		unsigned char *p = mm_malloc(sizes[i]);
		cr_assert(p != NULL && !in_heap(p));
		cr_assert_eq(mem_mapped_bytes(), pages[i] * page,
			     "mm_malloc(%zu) mapped %zu bytes, not %zu pages: "
			     "the request, the header and the lead word, "
			     "rounded up to pages",
			     sizes[i], mem_mapped_bytes(), pages[i]);
		cr_assert_geq(mm_usable_size(p), sizes[i]);
		fill(p, sizes[i], 3);
		cr_assert(holds(p, sizes[i], 3));
		mm_free(p);
	}
}

Test(large, free_unmaps)
{
	void *p = mm_malloc(LARGE);
	void *q = mm_malloc(3 * LARGE);
	cr_assert(p && q);
	cr_assert_eq(mem_mapped_count(), 2);
	mm_free(p);
	cr_assert_eq(mem_mapped_count(), 1, "free must unmap a mapped block");
	mm_free(q);
	cr_assert_eq(mem_mapped_count(), 0);
	cr_assert_eq(mem_mapped_bytes(), 0);
}

Test(large, small_blocks_stay_in_the_heap)
{
	/* With large blocks in mappings (or this test would pass before). */
	void *large = mm_malloc(LARGE);
	cr_assert(large != NULL && !in_heap(large),
		  "a %d-byte block belongs in a mapping", LARGE);
	mm_free(large);
	for (size_t size = 1; size < 64 << 10; size = size * 3 + 1) {
		void *p = mm_malloc(size);
		cr_assert(p != NULL && in_heap(p),
			  "%zu bytes belong in the heap", size);
	}
	cr_assert_eq(mem_mapped_count(), 0);
}

Test(large, realloc_grows_a_mapped_block)
{
	unsigned char *p = mm_malloc(LARGE);
	cr_assert_not_null(p);
	fill(p, LARGE, 2);
	for (size_t size = 2 * LARGE; size <= 64 * LARGE; size *= 2) {
		p = mm_realloc(p, size);
		cr_assert_not_null(p);
		cr_assert(holds(p, LARGE, 2), "realloc to %zu lost data", size);
		cr_assert_eq(mem_mapped_count(), 1, "the old mapping remains");
	}
	mm_free(p);
	cr_assert_eq(mem_mapped_count(), 0);
}

/* The bytes mapped now, and the most mapped at once since peak_reset(). */
static size_t live_bytes, peak_bytes;

static void track_mappings(void *addr, size_t len, bool mapped)
{
	(void)addr;
	live_bytes = mapped ? live_bytes + len : live_bytes - len;
	if (live_bytes > peak_bytes)
		peak_bytes = live_bytes;
}

static void peak_reset(void)
{
	live_bytes = peak_bytes = mem_mapped_bytes();
}

Test(large, realloc_grows_a_mapped_block_by_moving_its_pages)
{
	/* mem_remap moves a mapping's pages: the old and the new mapping
	 * never exist at once, as they would for a copy. */
	size_t page = mem_pagesize();
	unsigned char *p = mm_malloc(LARGE);
	cr_assert(p != NULL && !in_heap(p));
	fill(p, LARGE, 4);
	mem_set_map_hook(track_mappings);
	/* To 60 pages minus 8 bytes: with header and lead word, 61 pages;
	 * then down to a block of exactly the threshold (128 KiB). */
	size_t sizes[] = {60 * page - 8, (128 << 10) - HEADER_SIZE};
	for (int i = 0; i < 2; i++) {
		peak_reset();
		size_t before = mem_mapped_bytes();
		p = mm_realloc(p, sizes[i]);
		cr_assert(p != NULL && !in_heap(p));
		size_t after = mem_mapped_bytes();
		cr_assert(
			peak_bytes <= (before > after ? before : after),
			"mm_realloc(p, %zu) of a mapped block had %zu bytes "
			"mapped at once: it copied the block to a new mapping; "
			"mem_remap moves the pages instead",
			sizes[i], peak_bytes);
		cr_assert(holds(p, LARGE < sizes[i] ? LARGE : sizes[i], 4));
		cr_assert_geq(mm_usable_size(p), sizes[i]);
		fill(p, sizes[i], 4); /* every byte asked for is there */
		cr_assert(holds(p, sizes[i], 4));
	}
	mem_set_map_hook(NULL);
	cr_assert_eq(mem_mapped_count(), 1);
	mm_free(p);
	cr_assert_eq(mem_mapped_count(), 0);
}

Test(large, realloc_between_heap_and_mapping)
{
	unsigned char *p = mm_malloc(1000);
	cr_assert_not_null(p);
	void *wall = mm_malloc(16);
	fill(p, 1000, 3);
	p = mm_realloc(p, LARGE);
	cr_assert(p != NULL && !in_heap(p) && holds(p, 1000, 3));
	p = mm_realloc(p, 500);
	cr_assert(p != NULL && in_heap(p) && holds(p, 500, 3),
		  "a block shrunk to 500 bytes belongs back in the heap");
	cr_assert_eq(mem_mapped_count(), 0);
	cr_assert_not_null(wall);
	cr_assert(mm_checkheap(__LINE__));
}

Test(large, growing_past_the_threshold_moves_to_a_mapping)
{
	/* The last block of the heap could grow in place, but a block this
	 * large belongs in a mapping, whether malloc or realloc makes it. */
	unsigned char *p = mm_malloc(100000);
	cr_assert(p != NULL && in_heap(p));
	fill(p, 100000, 4);
	p = mm_realloc(p, LARGE);
	cr_assert(p != NULL && !in_heap(p),
		  "a block grown to %d bytes belongs in a mapping", LARGE);
	cr_assert(holds(p, 100000, 4), "realloc lost the old contents");
	cr_assert(mm_checkheap(__LINE__));
}

Test(large, growing_to_the_threshold_moves_to_a_mapping)
{
	/* The boundary itself: a block of exactly 128 KiB (the first
	 * threshold), header included, is large, from realloc as from
	 * malloc. */
	enum { AT_THRESHOLD = (128 << 10) - 8 };
	unsigned char *p = mm_malloc(100000);
	cr_assert(p != NULL && in_heap(p));
	fill(p, 100000, 5);
	p = mm_realloc(p, AT_THRESHOLD);
	cr_assert(p != NULL && !in_heap(p),
		  "a block grown to %d bytes (128 KiB with its header) belongs "
		  "in a mapping: the threshold is 'this large or more'",
		  AT_THRESHOLD);
	cr_assert(holds(p, 100000, 5), "realloc lost the old contents");
	unsigned char *q = mm_malloc(AT_THRESHOLD);
	cr_assert(q != NULL && !in_heap(q),
		  "malloc(%d) belongs in a mapping too", AT_THRESHOLD);
	cr_assert(mm_checkheap(__LINE__));
}

Test(large, calloc_of_a_large_block_is_zero)
{
	/* Dirty a mapping and give it back, then ask for zeroes: the block
	 * comes from the heap now (the threshold has risen), so dirty that
	 * too, free it, and ask again. */
	unsigned char *dirty = mm_malloc(LARGE);
	cr_assert(dirty != NULL && !in_heap(dirty),
		  "a block of %d bytes should get a mapping of its own", LARGE);
	memset(dirty, 0xAA, LARGE);
	mm_free(dirty);
	for (int round = 0; round < 2; round++) {
		unsigned char *p = mm_calloc(LARGE / 8, 8);
		cr_assert_not_null(p);
		for (size_t i = 0; i < LARGE; i++)
			cr_assert_eq(p[i], 0, "byte %zu is not zero", i);
		memset(p, 0xAA, LARGE);
		mm_free(p);
	}
}

Test(large, freeing_a_mapping_raises_the_threshold)
{
	/* A program that frees a large block is likely to ask for another of
	 * that size: the heap should serve it, with no system call. */
	void *first = mm_malloc(LARGE);
	cr_assert(first != NULL && !in_heap(first));
	mm_free(first);
	void *again = mm_malloc(LARGE);
	cr_assert(again != NULL && in_heap(again),
		  "after a %d-byte mapped block was freed, a block that size"
		  " belongs in the heap",
		  LARGE);
	void *larger = mm_malloc(2 * LARGE);
	cr_assert(larger != NULL && !in_heap(larger),
		  "a block larger than any freed one still gets a mapping");
	mm_free(again);
	mm_free(larger);
	cr_assert(mm_checkheap(__LINE__));
}

Test(large, the_threshold_has_a_ceiling)
{
	/* One huge block freed must not send every later huge block to the
	 * heap, where it would leave a huge hole when freed. glibc's ceiling
	 * is 32 MiB; this block is beyond any ceiling a lab would pick. */
	size_t huge = 64 << 20;
	void *first = mm_malloc(huge);
	cr_assert(first != NULL && !in_heap(first));
	mm_free(first);
	void *again = mm_malloc(huge);
	cr_assert(again != NULL && !in_heap(again),
		  "a %zu-byte block still belongs in a mapping", huge);
	mm_free(again);
	cr_assert_eq(mem_mapped_count(), 0);
}

Test(large, the_threshold_has_a_ceiling_it_can_reach)
{
	/* A freed mapping of exactly the ceiling (1 MiB, its header and lead
	 * word included) raises the threshold to 1 MiB. */
	size_t size = (1 << 20) - 24;
	void *first = mm_malloc(size);
	cr_assert(first != NULL && !in_heap(first));
	cr_assert_eq(mem_mapped_bytes(), 1 << 20);
	mm_free(first);
	void *again = mm_malloc(size);
	cr_assert(again != NULL && in_heap(again),
		  "after a mapping of exactly 1 MiB (MMAP_THRESHOLD_MAX) was "
		  "freed, a block that size belongs in the heap: the "
		  "threshold rises up to the ceiling, included");
	mm_free(again);
}

Test(large, full_break_falls_back_to_mappings)
{
	mem_set_limit(mem_heapsize()); /* a break that cannot grow */
	void *blocks[100];
	for (int i = 0; i < 100; i++) {
		blocks[i] = mm_malloc(100);
		cr_assert_not_null(blocks[i],
				   "with the break stuck, small"
				   " blocks must come from mappings");
		fill(blocks[i], 100, (unsigned)i);
	}
	for (int i = 0; i < 100; i++) {
		cr_assert(holds(blocks[i], 100, (unsigned)i));
		mm_free(blocks[i]);
	}
	cr_assert_eq(mem_mapped_count(), 0);
	cr_assert(mm_checkheap(__LINE__));
}

Test(trim, freeing_the_top_lowers_the_break)
{
	void *low = mm_malloc(100);
	cr_assert_not_null(low);
	void *blocks[1000];
	for (int i = 0; i < 1000; i++)
		cr_assert_not_null(blocks[i] = mm_malloc(1000));
	size_t peak = mem_heapsize();
	for (int i = 0; i < 1000; i++)
		mm_free(blocks[i]);
	cr_assert(mem_heapsize() <= peak / 2,
		  "after freeing the top 1 MB the heap is still %zu bytes",
		  mem_heapsize());
	cr_assert(mem_heapsize() >= 100, "the live block must stay");
	cr_assert(mm_checkheap(__LINE__));
}

Test(trim, a_live_top_block_keeps_the_heap)
{
	void *blocks[1000];
	for (int i = 0; i < 1000; i++)
		cr_assert_not_null(blocks[i] = mm_malloc(1000));
	void *top = mm_malloc(100);
	cr_assert_not_null(top);
	fill(top, 100, 9);
	size_t peak = mem_heapsize();
	for (int i = 0; i < 1000; i++)
		mm_free(blocks[i]);
	cr_assert(mem_heapsize() >= peak - 8192,
		  "the break cannot drop below a live block");
	cr_assert(holds(top, 100, 9));
	cr_assert(mm_checkheap(__LINE__));
}

/*
 * Frees two blocks of front and back bytes at the top of the heap, which
 * merge into one free top block of front + back bytes; returns how much
 * the heap shrank.
 */
static size_t heap_drop_after_freeing(size_t front, size_t back)
{
	void *a = mm_malloc(front - HEADER_SIZE);
	void *b = mm_malloc(back - HEADER_SIZE);
	cr_assert(a != NULL && b != NULL && in_heap(a) && in_heap(b));
	cr_assert_eq(block_size_of(a), front);
	cr_assert_eq(block_size_of(b), back);
	size_t heap = mem_heapsize();
	mm_free(a);
	mm_free(b);
	cr_assert(mm_checkheap(__LINE__));
	return heap - mem_heapsize();
}

Test(trim, a_free_top_of_exactly_the_threshold_is_trimmed)
{
	/* 64 KiB + 64 KiB: a free top block of TRIM_THRESHOLD (128 KiB). */
	size_t drop = heap_drop_after_freeing(64 << 10, 64 << 10);
	cr_assert(drop > 0,
		  "a free top block of exactly 128 KiB (TRIM_THRESHOLD) stays: "
		  "a block of TRIM_THRESHOLD bytes or more is trimmed");
	cr_assert_eq(drop, 64 << 10,
		     "trimming a 128 KiB top block must leave it TRIM_KEEP "
		     "(64 KiB), not drop the break by %zu bytes",
		     drop);
}

Test(trim, a_free_top_just_below_the_threshold_is_kept)
{
	size_t drop = heap_drop_after_freeing(64 << 10, (64 << 10) - 16);
	cr_assert_eq(drop, 0,
		     "a free top block of 128 KiB - 16 bytes, below "
		     "TRIM_THRESHOLD, lowered the break by %zu bytes",
		     drop);
}

Test(trim, small_free_top_is_kept)
{
	void *p = mm_malloc(1000);
	cr_assert_not_null(p);
	size_t heap = mem_heapsize();
	for (int i = 0; i < 1000; i++) {
		mm_free(p);
		p = mm_malloc(1000);
	}
	cr_assert_eq(mem_heapsize(), heap,
		     "a small free top block should not move the break");
}
