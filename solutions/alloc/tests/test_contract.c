/*
 * Stage 4: the malloc contract's edge cases (see mm.h), calloc, alignment.
 */
#include "testutil.h"

#include <criterion/redirect.h>
#include <errno.h>
#include <signal.h>
#include <stdalign.h>

TestSuite(contract, .init = heap_fresh, .fini = harness_test_finished,
	  .timeout = 10);

Test(contract, malloc_zero_gives_unique_pointers)
{
	void *a = mm_malloc(0);
	void *b = mm_malloc(0);
	cr_assert(a != NULL && b != NULL && a != b,
		  "mm.h promises a unique pointer for mm_malloc(0)");
	mm_free(a);
	mm_free(b);
	cr_assert(mm_checkheap(__LINE__));
}

Test(contract, free_null_does_nothing)
{
	size_t heap = mem_heapsize();
	mm_free(NULL);
	cr_assert_eq(mem_heapsize(), heap);
	cr_assert(mm_checkheap(__LINE__));
}

Test(contract, aligned_for_any_object)
{
	for (size_t size = 0; size < 1000; size++) {
		void *p = mm_malloc(size);
		cr_assert_not_null(p);
		cr_assert((uintptr_t)p % alignof(max_align_t) == 0,
			  "mm_malloc(%zu) = %p: not aligned for max_align_t",
			  size, p);
	}
}

/* Asserts that call returns NULL and sets errno to ENOMEM, as mm.h says. */
#define FAILS_WITH_ENOMEM(call)                                                \
	do {                                                                   \
		errno = 0;                                                     \
		cr_assert_null(call, "%s must fail", #call);                   \
		cr_assert_eq(errno, ENOMEM,                                    \
			     "%s failed with errno %d, not ENOMEM: mm.h "      \
			     "promises ENOMEM, as POSIX's malloc",             \
			     #call, errno);                                    \
	} while (0)

Test(contract, impossible_sizes_fail)
{
	FAILS_WITH_ENOMEM(mm_malloc(SIZE_MAX));
	FAILS_WITH_ENOMEM(mm_malloc(SIZE_MAX - 15));
	FAILS_WITH_ENOMEM(mm_malloc(PTRDIFF_MAX));
	cr_assert(mm_checkheap(__LINE__));
	cr_assert_not_null(mm_malloc(100), "the heap is unusable afterwards");
}

Test(contract, calloc_zeroes)
{
	/* Leave garbage in the heap first. */
	unsigned char *dirty = mm_malloc(5000);
	cr_assert_not_null(dirty);
	memset(dirty, 0xAA, 5000);
	mm_free(dirty);
	unsigned char *p = mm_calloc(1000, 5);
	cr_assert_not_null(p);
	for (size_t i = 0; i < 5000; i++)
		cr_assert_eq(p[i], 0, "byte %zu of calloc's block is not 0", i);
}

Test(contract, calloc_refuses_overflow)
{
	/* What fits is still served: a calloc that always says no fails. */
	unsigned char *fits = mm_calloc(3, 40);
	cr_assert_not_null(fits, "mm_calloc(3, 40) must succeed");
	for (int i = 0; i < 120; i++)
		cr_assert_eq(fits[i], 0);
	FAILS_WITH_ENOMEM(mm_calloc(SIZE_MAX / 2 + 1, 2));
	FAILS_WITH_ENOMEM(mm_calloc(2, SIZE_MAX / 2 + 1));
	cr_assert_null(mm_calloc((size_t)1 << 33, (size_t)1 << 33),
		       "2^33 * 2^33 wraps to 0 in a size_t");
	cr_assert_null(mm_calloc(SIZE_MAX, SIZE_MAX));
	cr_assert(mm_checkheap(__LINE__));
}

Test(contract, calloc_zero_elements)
{
	void *a = mm_calloc(0, 100);
	void *b = mm_calloc(100, 0);
	cr_assert(a != NULL && b != NULL && a != b,
		  "like mm_malloc(0): unique pointers");
}

/* A fresh heap, with mm.c's complaint kept off the test output. */
static void quiet_heap_fresh(void)
{
	heap_fresh();
	cr_redirect_stderr();
}

Test(contract, double_free_aborts, .signal = SIGABRT, .init = quiet_heap_fresh)
{
	void *p = mm_malloc(100);
	void *q = mm_malloc(100); /* so that p is not merged away */
	cr_assert(p && q);
	mm_free(p);
	mm_free(p);
}
