/*
 * Stage 4: realloc, in place when it can be.
 */
#include "testutil.h"

#include <errno.h>

TestSuite(realloc, .init = heap_fresh, .fini = harness_test_finished,
	  .timeout = 10);

Test(realloc, null_is_malloc)
{
	unsigned char *p = mm_realloc(NULL, 100);
	cr_assert_not_null(p);
	cr_assert((uintptr_t)p % TEST_ALIGNMENT == 0);
	fill(p, 100, 1);
	cr_assert(mm_checkheap(__LINE__));
}

Test(realloc, zero_frees_and_returns_null)
{
	void *p = mm_malloc(1000);
	void *wall = mm_malloc(16);
	cr_assert(p && wall);
	cr_assert_null(mm_realloc(p, 0),
		       "mm_realloc(p, 0) frees p, returns NULL");
	cr_assert((*header_of(p) & ALLOC_FLAG) == 0, "the block was not freed");
	cr_assert(mm_checkheap(__LINE__));
}

Test(realloc, moving_keeps_the_contents)
{
	unsigned char *p = mm_malloc(100);
	void *wall = mm_malloc(100); /* p cannot grow in place */
	cr_assert(p && wall);
	fill(p, 100, 3);
	unsigned char *q = mm_realloc(p, 5000);
	cr_assert_not_null(q);
	cr_assert(holds(q, 100, 3), "realloc lost the old contents");
	fill(q, 5000, 4);
	cr_assert(mm_checkheap(__LINE__));
}

Test(realloc, shrinking_stays_in_place_and_frees_the_tail)
{
	unsigned char *p = mm_malloc(8000);
	void *wall = mm_malloc(16);
	cr_assert(p && wall);
	fill(p, 100, 5);
	heap_fill_up();
	cr_assert_eq(mm_realloc(p, 100), p, "shrinking should not move");
	cr_assert(holds(p, 100, 5));
	void *q = mm_malloc(6000);
	cr_assert(q != NULL && in_heap(q),
		  "the tail cut off by shrinking should be free for reuse");
	cr_assert(mm_checkheap(__LINE__));
}

Test(realloc, shrinking_by_32_bytes_frees_a_block)
{
	/* Shrinking a 1024-byte block to 992 bytes leaves 32, enough for a
	 * block: it must be cut off and freed. */
	unsigned char *p = mm_malloc(1024 - HEADER_SIZE);
	void *wall = mm_malloc(100);
	cr_assert(p && wall);
	cr_assert_eq(block_size_of(p), 1024);
	fill(p, 900, 6);
	heap_fill_up();
	cr_assert_eq(mm_realloc(p, 992 - HEADER_SIZE), p,
		     "shrinking should not move");
	cr_assert(holds(p, 900, 6));
	cr_assert_eq(block_size_of(p), 992,
		     "shrinking a 1024-byte block to 992 bytes kept all 1024: "
		     "the 32 bytes cut off make a block (MIN_BLOCK_SIZE) and "
		     "must be freed");
	unsigned char *q = mm_malloc(24);
	cr_assert(q != NULL && in_heap(q),
		  "the 32 bytes cut off by shrinking should serve a 24-byte "
		  "request");
	cr_assert_eq(q, p + 992);
	cr_assert(mm_checkheap(__LINE__));
}

Test(realloc, grows_into_a_free_next_block)
{
	unsigned char *p = mm_malloc(300);
	void *next = mm_malloc(2000);
	void *wall = mm_malloc(300);
	cr_assert(p && next && wall);
	cr_assert((unsigned char *)next > p,
		  "blocks of 300 bytes and more are"
		  " placed at the start of the free block they come from");
	fill(p, 100, 6);
	heap_fill_up();
	mm_free(next);
	cr_assert_eq(mm_realloc(p, 1500), p,
		     "the free block after p has room: grow in place");
	cr_assert(holds(p, 100, 6));
	cr_assert(mm_checkheap(__LINE__));
}

Test(realloc, grows_into_a_free_next_block_that_fits_exactly)
{
	/* p and the free block after it are 1024 bytes each: together,
	 * exactly a 2048-byte block. */
	unsigned char *p = mm_malloc(1024 - HEADER_SIZE);
	unsigned char *next = mm_malloc(1024 - HEADER_SIZE);
	void *wall = mm_malloc(300);
	cr_assert(p && next && wall);
	cr_assert_eq(next, p + 1024);
	fill(p, 1000, 8);
	heap_fill_up();
	mm_free(next);
	cr_assert_eq(mm_realloc(p, 2048 - HEADER_SIZE), p,
		     "p (1024 bytes) and the free 1024-byte block after it "
		     "make exactly the 2048-byte block asked for: grow in "
		     "place");
	cr_assert(holds(p, 1000, 8));
	cr_assert_eq(block_size_of(p), 2048);
	cr_assert(mm_checkheap(__LINE__));
}

Test(realloc, grows_at_the_end_of_the_heap_by_what_it_lacks)
{
	/* A 208-byte block at the top of the heap grows to 100016 bytes: the
	 * heap grows by the 99808 bytes it lacks, not more. */
	unsigned char *p = mm_malloc(200);
	cr_assert_not_null(p);
	cr_assert_eq(p - HEADER_SIZE + block_size_of(p),
		     (unsigned char *)mem_heap_hi() + 1 - HEADER_SIZE,
		     "a 200-byte block in a fresh heap is at its top");
	size_t heap = mem_heapsize();
	cr_assert_eq(mm_realloc(p, 100000), p);
	size_t grown = mem_heapsize() - heap;
	cr_assert(grown <= 100016 - 208,
		  "growing the last block from 208 to 100016 bytes grew the "
		  "heap by %zu bytes: it lacks only %d",
		  grown, 100016 - 208);
	cr_assert(mm_checkheap(__LINE__));
}

Test(realloc, grows_at_the_end_of_the_heap)
{
	unsigned char *p = mm_malloc(100);
	cr_assert_not_null(p);
	fill(p, 100, 7);
	for (size_t size = 200; size < 100000; size += size / 2) {
		unsigned char *q = mm_realloc(p, size);
		cr_assert_eq(q, p,
			     "the last block can always grow in place"
			     " (size %zu)",
			     size);
		cr_assert(holds(q, 100, 7));
	}
	cr_assert(mm_checkheap(__LINE__));
}

Test(realloc, failure_keeps_the_block)
{
	unsigned char *p = mm_malloc(50);
	cr_assert_not_null(p);
	fill(p, 50, 8);
	/* A realloc that can succeed does, keeping the bytes (a realloc that
	 * always fails would pass the rest of this test). */
	p = mm_realloc(p, 100);
	cr_assert_not_null(p, "mm_realloc(p, 100) must succeed");
	cr_assert(holds(p, 50, 8), "realloc lost the contents");
	fill(p, 100, 8);
	errno = 0;
	cr_assert_null(mm_realloc(p, SIZE_MAX - 64));
	cr_assert_eq(errno, ENOMEM,
		     "a failed mm_realloc leaves errno ENOMEM (mm.h)");
	cr_assert_null(mm_realloc(p, PTRDIFF_MAX));
	cr_assert(holds(p, 100, 8), "a failed realloc must leave the block");
	cr_assert(*header_of(p) & ALLOC_FLAG);
	mm_free(p);
	cr_assert(mm_checkheap(__LINE__));
}

Test(realloc, string_builder)
{
	/* Two buffers grown byte by byte, interleaved with small blocks. */
	unsigned char *a = NULL, *b = NULL;
	for (size_t n = 1; n <= 20000; n++) {
		a = mm_realloc(a, n);
		b = mm_realloc(b, n);
		cr_assert(a && b);
		a[n - 1] = test_byte(1, n - 1);
		b[n - 1] = test_byte(2, n - 1);
		if (n % 100 == 0)
			cr_assert_not_null(mm_malloc(n % 300));
	}
	cr_assert(holds(a, 20000, 1) && holds(b, 20000, 2));
	cr_assert(mm_checkheap(__LINE__));
}
