/*
 * Stage 4: segregated free lists and a better fit than first fit.
 */
#include "testutil.h"

TestSuite(seglist, .init = heap_fresh, .fini = harness_test_finished,
	  .timeout = 10);

Test(seglist, small_request_takes_the_small_block)
{
	/* A big free block first in the heap, a small one after it (600
	 * bytes: too large for the quick lists, if mm.c has them). */
	unsigned char *big = mm_malloc(4000);
	void *guard1 = mm_malloc(300);
	unsigned char *small = mm_malloc(600);
	void *guard2 = mm_malloc(300);
	cr_assert(big && guard1 && small && guard2);
	heap_fill_up();
	mm_free(big);
	mm_free(small);
	cr_assert_eq(mm_malloc(580), small,
		     "a 580-byte request should take the 600-byte free block,"
		     " not split the 4000-byte one");
	cr_assert_eq(mm_malloc(3900), big, "the big block should be intact");
	cr_assert(mm_checkheap(__LINE__));
}

Test(seglist, small_request_at_the_end_256_bytes_at_the_start)
{
	/* The first free block of a fresh heap starts right after the
	 * prologue. A block of SMALL_PLACE (256) bytes or more is cut from
	 * the start of a free block; a smaller one from its end. */
	unsigned char *first = (unsigned char *)mem_heap_lo() + HEADER_SIZE +
			       PROLOGUE + HEADER_SIZE;
	unsigned char *p = mm_malloc(256 - HEADER_SIZE);
	cr_assert_eq(p, first,
		     "a 256-byte block was not cut from the start of the free "
		     "block (it is at %p, the free block's payload at %p): "
		     "blocks of 256 bytes or more go at the start",
		     (void *)p, (void *)first);
	unsigned char *q = mm_malloc(240 - HEADER_SIZE);
	unsigned char *end = (unsigned char *)mem_heap_hi() + 1 - HEADER_SIZE;
	cr_assert_eq(q - HEADER_SIZE + 240, end,
		     "a 240-byte block was not cut from the end of the free "
		     "block: blocks under 256 bytes go at the end");
	cr_assert(mm_checkheap(__LINE__));
}

Test(seglist, best_fit_drains_the_quick_lists_before_growing_the_heap)
{
	/* Freed small neighbours wait on the quick lists, unmerged. A
	 * 1000-byte request finds no free block; merged, they hold it. */
	void *guard = mm_malloc(100); /* keeps them off the top of the heap */
	cr_assert_not_null(guard);
	/* Five 112-byte neighbours, then twenty of 32 bytes: 1200 bytes */
	void *small[25];
	for (int i = 0; i < 25; i++)
		cr_assert_not_null(small[i] = mm_malloc(i < 5 ? 100 : 24));
	heap_fill_up();
	size_t heap = mem_heapsize();
	for (int i = 0; i < 25; i++)
		mm_free(small[i]);
	void *p = mm_malloc(1000);
	cr_assert(p != NULL && in_heap(p),
		  "25 free neighbours of 112 and 32 bytes hold 1000 bytes, "
		  "but mm_malloc(1000) did not use them: when no free block "
		  "fits, merge every quick list (quick_drain) and look again "
		  "before growing the heap");
	cr_assert_eq(mem_heapsize(), heap);
	cr_assert(mm_checkheap(__LINE__));
}

Test(seglist, best_fit_gives_a_freed_512_byte_block_back_first)
{
	/* A freed block of SMALL_MAX (512) bytes waits on its quick list,
	 * unmerged with the free block before it, for the next request of
	 * its size, even after a request of another size that the free
	 * block serves: the quick lists are merged only when no free block
	 * fits. */
	unsigned char *before = mm_malloc(1000);
	unsigned char *p = mm_malloc(512 - HEADER_SIZE);
	void *guard = mm_malloc(300);
	cr_assert(before && p && guard);
	cr_assert_eq(block_size_of(p), 512);
	heap_fill_up();
	mm_free(before);
	mm_free(p);
	unsigned char *other = mm_malloc(600);
	cr_assert_eq(other, before, "the free 1008-byte block fits 600 bytes");
	cr_assert_eq(mm_malloc(512 - HEADER_SIZE), p,
		     "a freed 512-byte block should wait on the quick list for "
		     "that size (blocks up to SMALL_MAX bytes do), unmerged "
		     "while free blocks serve other requests, and come back "
		     "for the next 512-byte request");
	cr_assert(mm_checkheap(__LINE__));
}

Test(seglist, best_of_several_in_one_class)
{
	/* Free blocks of 1000, 700 and 600 bytes (in that order in the heap);
	 * a 550-byte request should take the 600-byte one. */
	size_t sizes[] = {1000, 700, 600};
	unsigned char *blocks[3];
	for (int i = 0; i < 3; i++) {
		blocks[i] = mm_malloc(sizes[i]);
		cr_assert_not_null(mm_malloc(300)); /* a guard */
	}
	heap_fill_up();
	for (int i = 0; i < 3; i++)
		mm_free(blocks[i]);
	cr_assert_eq(mm_malloc(550), blocks[2],
		     "of three free blocks that fit, take the smallest");
	cr_assert(mm_checkheap(__LINE__));
}

/* Free blocks of these sizes (with their headers), the bottom and the top
 * of each size class from 513 to 5120 bytes, at most three to a class. */
static const size_t class_edges[] = {
	528,  640,  656,  768,  784,  896,  912,  1024, 1040,
	1136, 1280, 1296, 1536, 1552, 1792, 1808, 2048, 2064,
	2560, 2576, 3072, 3088, 3584, 3600, 4096, 4112, 5120,
};
enum { EDGES = sizeof class_edges / sizeof class_edges[0] };

/*
 * Frees a block of each size of class_edges, between guards, in the order
 * given (smallest first or last), then asks for block sizes just above the
 * next smaller one, just below and exactly each: the request must take the
 * smallest free block that fits, and give it back whole when freed.
 */
static void smallest_fit_everywhere(bool smallest_freed_first)
{
	heap_fresh();
	unsigned char *blocks[EDGES];
	for (int i = 0; i < EDGES; i++) {
		blocks[i] = mm_malloc(class_edges[i] - HEADER_SIZE);
		cr_assert_not_null(blocks[i]);
		cr_assert_eq(block_size_of(blocks[i]), class_edges[i]);
		cr_assert_not_null(mm_malloc(300)); /* a guard */
	}
	heap_fill_up();
	size_t heap = mem_heapsize();
	for (int k = 0; k < EDGES; k++)
		mm_free(blocks[smallest_freed_first ? k : EDGES - 1 - k]);
	for (int i = 0; i < EDGES; i++) {
		size_t below = i > 0 ? class_edges[i - 1] : 512;
		size_t asks[] = {below + 16, class_edges[i] - 16,
				 class_edges[i]};
		for (int j = 0; j < 3; j++) {
			if (asks[j] <= below)
				continue;
			unsigned char *p = mm_malloc(asks[j] - HEADER_SIZE);
			cr_assert_eq(
				p, blocks[i],
				"a request for a %zu-byte block did not take "
				"the free %zu-byte block, the smallest that "
				"fits (is every block on the list of its "
				"class, and the best of a class chosen?)",
				asks[j], class_edges[i]);
			mm_free(p);
		}
	}
	cr_assert_eq(mem_heapsize(), heap);
	cr_assert(mm_checkheap(__LINE__));
}

Test(seglist, best_fit_over_many_classes)
{
	smallest_fit_everywhere(true);
	smallest_fit_everywhere(false);
}

Test(seglist, best_of_the_first_four_in_a_class)
{
	/* Six free blocks of 1280 down to 1200 bytes, all in one class, the
	 * largest first on its list (freed last). A 1040-byte block is
	 * taken from the best of the first FIT_CANDIDATES (4) that fit: the
	 * 1232-byte one. */
	size_t sizes[] = {1200, 1216, 1232, 1248, 1264, 1280};
	unsigned char *blocks[6];
	for (int i = 0; i < 6; i++) {
		blocks[i] = mm_malloc(sizes[i] - HEADER_SIZE);
		cr_assert_not_null(blocks[i]);
		cr_assert_not_null(mm_malloc(300)); /* a guard */
	}
	heap_fill_up();
	for (int i = 0; i < 6; i++)
		mm_free(blocks[i]);
	unsigned char *p = mm_malloc(1040 - HEADER_SIZE);
	for (int i = 0; i < 6; i++)
		if (p == blocks[i])
			cr_assert_eq(
				p, blocks[2],
				"a 1040-byte request took the free %zu-byte "
				"block: of the blocks of its list (1280, "
				"1264, 1248, 1232, 1216, 1200 from the "
				"front), it should compare the first "
				"FIT_CANDIDATES (4) that fit and take the "
				"1232-byte one",
				sizes[i]);
	cr_assert_eq(p, blocks[2],
		     "a 1040-byte request did not take any of the six free "
		     "blocks that fit it");
	cr_assert(mm_checkheap(__LINE__));
}

Test(seglist, best_fit_finds_a_huge_block_on_the_last_list)
{
	/* The last class holds every block over 128 KiB. A free 200 KiB
	 * block must be found for a 140 KiB request. (First a 1 MiB block,
	 * freed: with mappings (stage 5), it lifts the mmap threshold so
	 * that such blocks live in the heap.) */
	void *first = mm_malloc((1 << 20) - 24);
	cr_assert_not_null(first);
	mm_free(first);
	unsigned char *p = mm_malloc(200 << 10);
	void *guard = mm_malloc(300);
	cr_assert(p != NULL && guard != NULL && in_heap(p));
	heap_fill_up();
	mm_free(p);
	cr_assert_eq(mm_malloc(140 << 10), p,
		     "a free 200 KiB block was not found for a 140 KiB "
		     "request: blocks of every size over 128 KiB share the "
		     "last size class");
	cr_assert(mm_checkheap(__LINE__));
}

Test(seglist, best_fit_finds_any_block_that_fits)
{
	/* In a full heap, one free block of size bytes, and a request a
	 * little smaller: the search must find that block, whatever list it
	 * is on. A size class computed wrongly puts a block on a list below
	 * the one where the search for a smaller request starts. */
	for (size_t size = 520; size <= 6000; size += 88) {
		for (size_t less = 8; less <= 200; less += 48) {
			heap_fresh();
			unsigned char *block = mm_malloc(size);
			cr_assert_not_null(block);
			cr_assert_not_null(mm_malloc(300)); /* a guard */
			heap_fill_up();
			mm_free(block);
			cr_assert_eq(mm_malloc(size - less), block,
				     "a free block of %zu bytes (%zu with its "
				     "header) was not found for a request of "
				     "%zu bytes: is it on the list its size "
				     "class names?",
				     size, block_size_of(block), size - less);
		}
	}
}

Test(seglist, small_blocks_cost_no_footer)
{
	/* An allocated block needs only its header: 24 bytes fit in 32. A
	 * free block has its footer all the same. */
	enum { N = 1000 };
	static void *blocks[N];
	size_t start = mem_heapsize();
	for (int i = 0; i < N; i++)
		cr_assert_not_null(blocks[i] = mm_malloc(24));
	cr_assert(mem_heapsize() - start <= N * 32 + 8192,
		  "%d blocks of 24 bytes took %zu bytes of heap", N,
		  mem_heapsize() - start);
	for (int i = 0; i < N; i += 2)
		mm_free(blocks[i]);
	heap_walk_check(true);
}

Test(seglist, many_sizes_many_frees)
{
	enum { SLOTS = 1000, STEPS = 100000 };
	static unsigned char *blocks[SLOTS];
	static size_t sizes[SLOTS];
	uint64_t rng = 99;
	for (unsigned step = 0; step < STEPS; step++) {
		size_t i = test_random(&rng) % SLOTS;
		if (blocks[i] != NULL) {
			cr_assert(holds(blocks[i], sizes[i], (unsigned)i));
			mm_free(blocks[i]);
			blocks[i] = NULL;
			continue;
		}
		/* Mostly small, sometimes up to 64 KiB. */
		uint64_t r = test_random(&rng);
		sizes[i] = r % 8 == 0 ? r % 65536 : r % 512;
		blocks[i] = mm_malloc(sizes[i]);
		cr_assert_not_null(blocks[i]);
		fill(blocks[i], sizes[i], (unsigned)i);
		if (step % 5000 == 0) {
			cr_assert(mm_checkheap(__LINE__));
			heap_walk_check(true); /* merged, with footers */
		}
	}
	cr_assert(mm_checkheap(__LINE__));
	heap_walk_check(true);
}

Test(seglist, utilization_of_a_random_mix)
{
	/* Peak live payload over peak heap on a random mix: the lists must
	 * reuse freed memory well. */
	enum { SLOTS = 2000, STEPS = 50000 };
	static void *blocks[SLOTS];
	static size_t sizes[SLOTS];
	uint64_t rng = 5;
	size_t live = 0, peak_live = 0, peak_heap = 0;
	for (unsigned step = 0; step < STEPS; step++) {
		size_t i = test_random(&rng) % SLOTS;
		if (blocks[i] != NULL) {
			mm_free(blocks[i]);
			blocks[i] = NULL;
			live -= sizes[i];
		} else {
			sizes[i] = test_random(&rng) % 3000 + 1;
			blocks[i] = mm_malloc(sizes[i]);
			cr_assert_not_null(blocks[i]);
			live += sizes[i];
		}
		peak_live = live > peak_live ? live : peak_live;
		size_t heap = mem_heapsize() + mem_mapped_bytes();
		peak_heap = heap > peak_heap ? heap : peak_heap;
	}
	double util = (double)peak_live / (double)peak_heap;
	cr_assert(util >= 0.80, "utilization %.3f is below 0.80", util);
}
