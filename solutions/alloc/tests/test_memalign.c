/*
 * Stage 8: aligned blocks from the heap (mm_memalign).
 */
#include "testutil.h"

#include <errno.h>
#include <stdint.h>

TestSuite(memalign, .init = heap_fresh, .fini = harness_test_finished,
	  .timeout = 10);

enum { BLOCKS = 300 };

Test(memalign, blocks_are_aligned_and_hold_their_size)
{
	/* Aligned blocks of many sizes and alignments, between plain ones:
	 * each is aligned, is filled to its last byte, and keeps what it
	 * holds while the others are made and some freed, so none overlaps
	 * another. A block carved with too little room in front of or after
	 * its aligned payload runs into its neighbour. */
	static unsigned char *blocks[BLOCKS];
	static size_t sizes[BLOCKS];
	uint64_t rng = 5;
	for (int i = 0; i < BLOCKS; i++) {
		size_t align = (size_t)16 << (test_random(&rng) % 8);
		sizes[i] = 1 + test_random(&rng) % 3000;
		if (i % 3 == 0) {
			blocks[i] = mm_malloc(sizes[i]);
		} else {
			blocks[i] = mm_memalign(align, sizes[i]);
			cr_assert((uintptr_t)blocks[i] % align == 0,
				  "mm_memalign(%zu, %zu) gave %p", align,
				  sizes[i], (void *)blocks[i]);
		}
		cr_assert_not_null(blocks[i], "block %d of %zu bytes", i,
				   sizes[i]);
		fill(blocks[i], sizes[i], (unsigned)i);
		if (i % 7 == 6) { /* a hole for the next ones to use */
			mm_free(blocks[i - 3]);
			blocks[i - 3] = NULL;
		}
	}
	for (int i = 0; i < BLOCKS; i++)
		cr_assert(blocks[i] == NULL ||
				  holds(blocks[i], sizes[i], (unsigned)i),
			  "block %d (%zu bytes) was overwritten: an aligned "
			  "block overlaps its neighbour",
			  i, sizes[i]);
	cr_assert(mm_checkheap(__LINE__));
	for (int i = 0; i < BLOCKS; i++)
		mm_free(blocks[i]);
	cr_assert(mm_checkheap(__LINE__));
}

Test(memalign, small_alignments_are_malloc)
{
	/* 1, 2, 4 and 8 are powers of two too (1 is 2 to the 0). */
	for (size_t align = 1; align <= 16; align *= 2) {
		void *p = mm_memalign(align, 100);
		cr_assert(
			p != NULL && in_heap(p),
			"mm_memalign(%zu, 100) failed: %zu is a power of two, "
			"and any block is aligned to it",
			align, align);
		cr_assert((uintptr_t)p % TEST_ALIGNMENT == 0);
	}
}

Test(memalign, aligned_blocks_take_no_more_than_they_need)
{
	/* Small aligned blocks come from the heap; the room taken to align
	 * one is given back: the free block in front of it and the rest
	 * after it. Once all are freed, the heap is one free block again. */
	void *blocks[40];
	for (int i = 0; i < 40; i++) {
		size_t align = (size_t)32 << (i % 8);
		size_t size = 100 + 40 * (size_t)i;
		blocks[i] = mm_memalign(align, size);
		cr_assert(blocks[i] != NULL && in_heap(blocks[i]),
			  "mm_memalign(%zu, %zu) belongs in the heap", align,
			  size);
		cr_assert((uintptr_t)blocks[i] % align == 0);
		cr_assert(mm_usable_size(blocks[i]) < size + 48,
			  "mm_memalign(%zu, %zu) kept %zu usable bytes: the "
			  "rest of what it took to align the block must be "
			  "freed",
			  align, size, mm_usable_size(blocks[i]));
	}
	for (int i = 0; i < 40; i++)
		mm_free(blocks[i]);
	size_t heap = mem_heapsize();
	void *all = mm_malloc(heap - 48);
	cr_assert(all != NULL && in_heap(all),
		  "with every aligned block freed, the heap (%zu bytes) should "
		  "be one free block again: is the block in front of an "
		  "aligned one freed?",
		  heap);
	cr_assert_eq(mem_heapsize(), heap);
	/* A block of the mmap threshold (128 KiB) or more gets a mapping. */
	void *large = mm_memalign(64, (128 << 10) - HEADER_SIZE);
	cr_assert(large != NULL && !in_heap(large),
		  "an aligned block of 128 KiB, the mmap threshold, belongs in "
		  "a mapping");
}

Test(memalign, alignment_16_needs_no_more_room_than_malloc)
{
	/* Every block is 16-aligned already: mm_memalign(16, n) fits where
	 * mm_malloc(n) fits, here in the one free block of a full heap. */
	unsigned char *p = mm_malloc(1016);
	void *guard = mm_malloc(300);
	cr_assert(p && guard);
	heap_fill_up();
	mm_free(p);
	unsigned char *q = mm_memalign(16, 1016);
	cr_assert_eq(q, p,
		     "mm_memalign(16, 1016) did not take the free block where "
		     "mm_malloc(1016) fits: an alignment of 16 or less is "
		     "mm_malloc's own, and needs no extra room");
}

Test(memalign, large_blocks_get_aligned_mappings)
{
	/* Large aligned blocks get mappings of their own, moved up inside
	 * them to the alignment: every byte asked for is usable, and freeing
	 * gives back the whole mapping, from its start. */
	size_t aligns[] = {64, 4096, 1 << 16};
	unsigned char *blocks[3];
	for (int i = 0; i < 3; i++) {
		blocks[i] = mm_memalign(aligns[i], LARGE);
		cr_assert(blocks[i] != NULL && !in_heap(blocks[i]),
			  "mm_memalign(%zu, %d) belongs in a mapping",
			  aligns[i], LARGE);
		cr_assert((uintptr_t)blocks[i] % aligns[i] == 0,
			  "mm_memalign(%zu, %d) gave %p", aligns[i], LARGE,
			  (void *)blocks[i]);
		cr_assert_geq(mm_usable_size(blocks[i]), LARGE);
		fill(blocks[i], LARGE, (unsigned)i);
	}
	cr_assert_eq(mem_mapped_count(), 3);
	for (int i = 0; i < 3; i++) {
		cr_assert(holds(blocks[i], LARGE, (unsigned)i));
		mm_free(blocks[i]);
	}
	cr_assert_eq(mem_mapped_count(), 0,
		     "freeing the aligned blocks left mappings behind");
	/* And realloc keeps an aligned large block's bytes. */
	unsigned char *p = mm_memalign(4096, LARGE);
	cr_assert_not_null(p);
	fill(p, LARGE, 9);
	p = mm_realloc(p, 2 * LARGE);
	cr_assert(p != NULL && holds(p, LARGE, 9));
	mm_free(p);
	cr_assert_eq(mem_mapped_count(), 0);
}

Test(memalign, bytes_before_a_large_aligned_block_are_off_limits, .timeout = 60)
{
	/* Under memcheck, a write into the bytes the alignment skipped, in
	 * front of a mapped block's header, is reported: they are mm.c's. */
	skip_under_sanitizer();
	require_program("valgrind --version");
	static char report[1 << 16];
	run_capture("valgrind --log-fd=1 ./vg-demo aligned-underflow", report,
		    sizeof report);
	cr_assert(strstr(report, "Invalid write of size 1") != NULL,
		  "a write 64 bytes before a block from mm_memalign(4096, "
		  "200 KiB) went unreported: the bytes in front of a mapped "
		  "block's lead word are the allocator's (meta_close them in "
		  "map_block); memcheck said:\n%s",
		  report);
}

Test(memalign, bad_alignment_is_refused)
{
	/* Not a power of two: no block. A good one still works after. */
	cr_assert_null(mm_memalign(48, 100));
	unsigned char *p = mm_memalign(64, 100);
	cr_assert(p != NULL && (uintptr_t)p % 64 == 0);
	/* Too large: NULL, and errno ENOMEM (mm.h). */
	size_t huge[][2] = {{64, SIZE_MAX}, {(size_t)1 << 62, 1}};
	for (int i = 0; i < 2; i++) {
		errno = 0;
		cr_assert_null(mm_memalign(huge[i][0], huge[i][1]),
			       "mm_memalign(%zu, %zu) must fail", huge[i][0],
			       huge[i][1]);
		cr_assert_eq(errno, ENOMEM,
			     "mm_memalign(%zu, %zu) failed with errno %d, not "
			     "ENOMEM (mm.h)",
			     huge[i][0], huge[i][1], errno);
	}
}
