/*
 * Stage 2: block headers, an implicit free list, first fit, splitting, free.
 */
#include "testutil.h"

TestSuite(blocks, .init = heap_fresh, .fini = harness_test_finished,
	  .timeout = 10);

Test(blocks, init_makes_a_valid_heap)
{
	cr_assert(mm_checkheap(__LINE__));
	cr_assert(mem_heapsize() > 0, "mm_init() should lay out the heap");
	cr_assert(mem_heapsize() <= 4096 + 64,
		  "mm_init() needs no more than the prologue and epilogue"
		  " (and maybe one chunk)");
	heap_walk_check(false);
}

Test(blocks, payloads_are_aligned_and_in_the_heap)
{
	for (size_t size = 1; size <= 600; size += 13) {
		unsigned char *p = mm_malloc(size);
		cr_assert_not_null(p, "mm_malloc(%zu) failed", size);
		cr_assert((uintptr_t)p % TEST_ALIGNMENT == 0,
			  "mm_malloc(%zu) = %p: not aligned to 16", size, p);
		cr_assert(in_heap(p) && in_heap(p + size - 1),
			  "mm_malloc(%zu) = %p: not inside the heap", size, p);
	}
	cr_assert(mm_checkheap(__LINE__));
	heap_walk_check(false);
}

Test(blocks, blocks_keep_their_contents)
{
	enum { N = 300 };
	unsigned char *blocks[N];
	size_t sizes[N];
	uint64_t rng = 42;
	for (unsigned i = 0; i < N; i++) {
		sizes[i] = test_random(&rng) % 1000 + 1;
		blocks[i] = mm_malloc(sizes[i]);
		cr_assert_not_null(blocks[i]);
		fill(blocks[i], sizes[i], i);
	}
	for (unsigned i = 0; i < N; i++)
		cr_assert(holds(blocks[i], sizes[i], i),
			  "block %u was overwritten (blocks overlap?)", i);
	cr_assert(mm_checkheap(__LINE__));
	heap_walk_check(false);
}

Test(blocks, header_holds_the_block_size)
{
	for (size_t size = 1; size <= 200; size++) {
		void *p = mm_malloc(size);
		cr_assert_not_null(p);
		size_t block = block_size_of(p);
		cr_assert(block >= size + HEADER_SIZE &&
				  block % TEST_ALIGNMENT == 0,
			  "malloc(%zu): a block of %zu bytes cannot hold it",
			  size, block);
		cr_assert(*header_of(p) & ALLOC_FLAG,
			  "the header of an allocated block must say so");
	}
	heap_walk_check(false);
}

Test(blocks, free_makes_room_for_the_next_malloc)
{
	void *p = mm_malloc(100);
	cr_assert_not_null(p);
	size_t heap = mem_heapsize();
	for (int i = 0; i < 10000; i++) {
		mm_free(p);
		p = mm_malloc(100);
		cr_assert_not_null(p);
	}
	cr_assert_eq(mem_heapsize(), heap,
		     "the heap grew although each block was freed first");
	cr_assert(mm_checkheap(__LINE__));
	heap_walk_check(false);
}

Test(blocks, free_marks_the_header)
{
	/* (Large enough not to wait on a quick list, if you write them.) */
	void *a = mm_malloc(1000);
	void *b = mm_malloc(1000);
	void *c = mm_malloc(1000);
	cr_assert(a && b && c);
	mm_free(b);
	cr_assert((*header_of(b) & ALLOC_FLAG) == 0,
		  "the header of a freed block must say it is free");
	heap_walk_check(false);
}

Test(blocks, a_large_free_block_is_split)
{
	void *big = mm_malloc(8000);
	void *guard = mm_malloc(16);
	cr_assert(big && guard);
	heap_fill_up();
	mm_free(big);
	/* Only big's block is free: 20 small blocks must all come out of it. */
	for (unsigned i = 0; i < 20; i++) {
		unsigned char *p = mm_malloc(200);
		cr_assert(p != NULL && in_heap(p),
			  "small block %u did not fit in the freed 8000 bytes"
			  " (is the free block split?)",
			  i);
		cr_assert(p >= (unsigned char *)big &&
			  p < (unsigned char *)big + 8000);
	}
	cr_assert(mm_checkheap(__LINE__));
	heap_walk_check(false);
}

Test(blocks, a_large_free_block_is_split_down_to_32_bytes)
{
	/* The only free block is 1024 bytes; a request of a 992-byte block
	 * leaves 32 bytes, enough for a block of its own. */
	unsigned char *a = mm_malloc(1024 - HEADER_SIZE);
	void *guard = mm_malloc(100);
	cr_assert(a && guard);
	cr_assert_eq(block_size_of(a), 1024);
	heap_fill_up();
	mm_free(a);
	unsigned char *p = mm_malloc(992 - HEADER_SIZE);
	cr_assert_eq(p, a,
		     "the freed 1024-byte block is the only one that fits");
	cr_assert_eq(block_size_of(p), 992,
		     "a request for a 992-byte block took a free 1024-byte "
		     "block whole (%zu bytes): the 32 bytes left make a "
		     "block (MIN_BLOCK_SIZE), so the free block must be split",
		     block_size_of(p));
	unsigned char *q = mm_malloc(24);
	cr_assert(q != NULL && in_heap(q),
		  "the 32 bytes split off must serve a 24-byte request");
	cr_assert_eq(q, a + 992);
	cr_assert(mm_checkheap(__LINE__));
	heap_walk_check(false);
}

Test(blocks, first_fit_reuses_the_freed_block)
{
	void *a = mm_malloc(500);
	void *b = mm_malloc(500);
	cr_assert(a && b);
	heap_fill_up();
	mm_free(a);
	void *c = mm_malloc(400);
	cr_assert_eq(c, a, "the only free block that fits is at %p, got %p", a,
		     c);
	heap_walk_check(false);
}

Test(blocks, heap_grows_as_needed)
{
	size_t start = mem_heapsize();
	for (int i = 0; i < 1000; i++)
		cr_assert_not_null(mm_malloc(1000));
	cr_assert(mem_heapsize() >= start + 1000 * 1000);
	cr_assert(mm_checkheap(__LINE__));
	heap_walk_check(false);
}

Test(blocks, null_when_the_heap_is_full)
{
	heap_fill_up();
	mem_set_limit(mem_heapsize());
	void *p = mm_malloc(1000);
	/* NULL, or (from stage 5 on) a block from a mapping of its own. */
	cr_assert(p == NULL || !in_heap(p));
	mm_free(p);
	cr_assert(mm_checkheap(__LINE__));
	heap_walk_check(false);
}

Test(blocks, random_workload)
{
	enum { SLOTS = 200, STEPS = 20000 };
	unsigned char *blocks[SLOTS] = {0};
	size_t sizes[SLOTS] = {0};
	uint64_t rng = 7;
	for (unsigned step = 0; step < STEPS; step++) {
		size_t i = test_random(&rng) % SLOTS;
		if (blocks[i] != NULL) {
			cr_assert(holds(blocks[i], sizes[i], (unsigned)i),
				  "block in slot %zu changed before its free",
				  i);
			mm_free(blocks[i]);
			blocks[i] = NULL;
		} else {
			sizes[i] = test_random(&rng) % 2000 + 1;
			blocks[i] = mm_malloc(sizes[i]);
			cr_assert_not_null(blocks[i]);
			fill(blocks[i], sizes[i], (unsigned)i);
		}
		if (step % 500 == 0) {
			heap_walk_check(false);
			cr_assert(mm_checkheap(__LINE__));
		}
	}
	for (size_t i = 0; i < SLOTS; i++)
		mm_free(blocks[i]);
	cr_assert(mm_checkheap(__LINE__));
	heap_walk_check(false);
}
