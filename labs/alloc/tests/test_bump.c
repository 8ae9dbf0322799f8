/*
 * Stage 1: a bump allocator on the (simulated) break.
 */
#include "../bump.h"
#include "testutil.h"

#include <errno.h>

TestSuite(bump, .init = mem_reset, .fini = harness_test_finished,
	  .timeout = 10);

Test(bump, aligned)
{
	for (size_t size = 0; size < 100; size++) {
		void *p = bump_malloc(size);
		cr_assert_not_null(p, "bump_malloc(%zu) failed", size);
		cr_assert((uintptr_t)p % TEST_ALIGNMENT == 0,
			  "bump_malloc(%zu) returned %p, not 16-aligned", size,
			  p);
	}
}

Test(bump, blocks_are_disjoint_and_in_the_heap)
{
	enum { N = 200 };
	unsigned char *blocks[N];
	size_t sizes[N];
	for (size_t i = 0; i < N; i++) {
		sizes[i] = i * 37 % 300 + 1;
		blocks[i] = bump_malloc(sizes[i]);
		cr_assert_not_null(blocks[i]);
		cr_assert(in_heap(blocks[i]) &&
				  in_heap(blocks[i] + sizes[i] - 1),
			  "block %zu is outside the heap", i);
		fill(blocks[i], sizes[i], (unsigned)i);
	}
	for (size_t i = 0; i < N; i++)
		cr_assert(holds(blocks[i], sizes[i], (unsigned)i),
			  "block %zu was overwritten by a later one", i);
}

Test(bump, break_moves_by_the_rounded_size)
{
	/* The simulated break starts aligned, and stays so if each request
	 * moves it by its size rounded up to 16: no more, no less. */
	for (size_t size = 1; size < 300; size += 7) {
		size_t before = mem_heapsize();
		void *p = bump_malloc(size);
		cr_assert_not_null(p);
		size_t grown = mem_heapsize() - before;
		size_t rounded = (size + TEST_ALIGNMENT - 1) / TEST_ALIGNMENT *
				 TEST_ALIGNMENT;
		cr_assert_eq(grown, rounded,
			     "bump_malloc(%zu) on an aligned break moved it by "
			     "%zu bytes, not %zu: the size rounded up to 16",
			     size, grown, rounded);
	}
}

Test(bump, aligned_after_a_misaligned_break)
{
	/* Something else moved the break by 3 bytes: the next block starts
	 * at the first 16-byte boundary after them, not before or beyond. */
	unsigned char *odd = mem_sbrk(3);
	cr_assert(odd != MEM_FAILED);
	unsigned char *p = bump_malloc(20);
	cr_assert_not_null(p);
	cr_assert((uintptr_t)p % TEST_ALIGNMENT == 0,
		  "after a 3-byte mem_sbrk, bump_malloc returned %p: not "
		  "16-aligned (pad the break up to a boundary first)",
		  (void *)p);
	cr_assert(p >= odd + 3 && p < odd + 3 + TEST_ALIGNMENT,
		  "after a 3-byte mem_sbrk at %p, bump_malloc returned %p: "
		  "the block must start at the first 16-byte boundary past "
		  "those 3 bytes",
		  (void *)odd, (void *)p);
	cr_assert_eq((unsigned char *)mem_heap_hi() + 1, p + 32,
		     "the break must end the 20-byte block rounded up to 32");
	unsigned char *q = bump_malloc(1);
	cr_assert_eq(q, p + 32, "the next block follows at once, aligned");
}

Test(bump, zero_bytes_give_unique_pointers)
{
	void *a = bump_malloc(0);
	void *b = bump_malloc(0);
	cr_assert(a != NULL && b != NULL && a != b,
		  "bump_malloc(0) must return a unique pointer (got %p, %p)", a,
		  b);
}

Test(bump, null_when_the_break_cannot_grow)
{
	mem_set_limit(4096);
	size_t n = 0;
	while (bump_malloc(1000) != NULL)
		cr_assert(++n <= 4,
			  "more 1000-byte blocks than fit in 4096 bytes");
	cr_assert_eq(n, 4, "only %zu blocks of 1000 bytes fit in 4096", n);
	cr_assert_eq(errno, ENOMEM,
		     "a bump_malloc that fails leaves errno ENOMEM (bump.h)");
	cr_assert(mem_heapsize() <= 4096);
}

Test(bump, huge_request_fails_cleanly)
{
	/* On a heap that is not empty, so that a size that wraps around to a
	 * negative increment would shrink it rather than fail. */
	unsigned char *first = bump_malloc(100);
	cr_assert_not_null(first);
	memset(first, 7, 100);
	size_t before = mem_heapsize();
	size_t huge[] = {SIZE_MAX, SIZE_MAX - 8, SIZE_MAX - 40,
			 (size_t)INTPTR_MAX, (size_t)INTPTR_MAX + 1};
	for (size_t i = 0; i < sizeof huge / sizeof *huge; i++) {
		errno = 0;
		cr_assert_null(bump_malloc(huge[i]),
			       "bump_malloc(%zu) must fail", huge[i]);
		cr_assert_eq(errno, ENOMEM,
			     "bump_malloc(%zu) failed with errno %d, not "
			     "ENOMEM: bump.h promises ENOMEM, as malloc's",
			     huge[i], errno);
		cr_assert_eq(mem_heapsize(), before,
			     "bump_malloc(%zu) moved the break", huge[i]);
	}
	for (int i = 0; i < 100; i++)
		cr_assert_eq(first[i], 7, "a failed request damaged a block");
	cr_assert_not_null(bump_malloc(10), "the heap is unusable afterwards");
}

Test(bump, free_gives_nothing_back)
{
	void *a = bump_malloc(64);
	bump_free(a);
	void *b = bump_malloc(64);
	cr_assert(b != a, "a bump allocator never reuses memory");
}
