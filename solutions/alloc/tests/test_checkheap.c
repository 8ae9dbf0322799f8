/*
 * Stage 6: the heap checker finds each kind of damage.
 *
 * Each test breaks one invariant by hand, through the block layout of mm.c,
 * and expects mm_checkheap to return false (and to say so on stderr).
 */
#include "testutil.h"

#include <criterion/redirect.h>

static void checkheap_setup(void)
{
	heap_fresh();
	cr_redirect_stderr(); /* the checker's complaints, for the tests */
}

TestSuite(checkheap, .init = checkheap_setup, .fini = harness_test_finished,
	  .timeout = 10);

/* Three blocks with b, between a and c, freed; and two more free blocks. */
struct abc {
	unsigned char *a, *b, *c;
};

static struct abc abc_blocks(void)
{
	/* 600 bytes: too large for the quick lists, if mm.c has them. */
	struct abc s = {mm_malloc(600), mm_malloc(600), mm_malloc(600)};
	cr_assert(s.a && s.b && s.c);
	void *spare[4];
	for (int i = 0; i < 4; i++)
		cr_assert_not_null(spare[i] = mm_malloc(600));
	mm_free(spare[0]);
	mm_free(spare[2]);
	mm_free(s.b);
	cr_assert(mm_checkheap(__LINE__),
		  "the heap is sound before the damage");
	return s;
}

static uint64_t *footer_of(void *ptr)
{
	return (uint64_t *)((unsigned char *)ptr - HEADER_SIZE +
			    block_size_of(ptr) - 8);
}

Test(checkheap, sound_heap_passes)
{
	uint64_t rng = 11;
	void *blocks[100] = {0};
	for (int step = 0; step < 3000; step++) {
		size_t i = test_random(&rng) % 100;
		if (blocks[i] != NULL) {
			mm_free(blocks[i]);
			blocks[i] = NULL;
		} else {
			blocks[i] = mm_malloc(test_random(&rng) % 3000);
		}
		cr_assert(mm_checkheap(__LINE__), "step %d", step);
	}
	/* A checker that says yes to everything would pass the above; it
	 * must also say no to a heap with one bad size. */
	for (size_t i = 0; i < 100; i++) {
		if (blocks[i] == NULL)
			continue;
		*header_of(blocks[i]) += 8; /* not a multiple of 16 */
		cr_assert_not(mm_checkheap(__LINE__),
			      "a block size of %llu is not a multiple of 16",
			      (unsigned long long)(*header_of(blocks[i]) &
						   ~(uint64_t)FLAG_BITS));
		break;
	}
}

Test(checkheap, footer_differs_from_header)
{
	struct abc s = abc_blocks();
	*footer_of(s.b) ^= 0x10;
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, block_size_too_large)
{
	struct abc s = abc_blocks();
	*header_of(s.a) += 1 << 20; /* a now runs past the end of the heap */
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, block_size_too_small)
{
	struct abc s = abc_blocks();
	/* 16 bytes cannot hold a header, two links and a footer. */
	*header_of(s.c) = (*header_of(s.c) & FLAG_BITS) | 16;
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, two_free_blocks_in_a_row)
{
	struct abc s = abc_blocks();
	/* Mark c free too, with a matching footer. */
	*header_of(s.c) &= ~(uint64_t)ALLOC_FLAG;
	*footer_of(s.c) = *header_of(s.c);
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, free_block_missing_from_the_lists)
{
	struct abc s = abc_blocks();
	/* Cut b's list links: the blocks after it fall off the list. */
	memset(s.b, 0, 16);
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, list_link_out_of_the_heap)
{
	struct abc s = abc_blocks();
	static uint64_t elsewhere[8];
	*(uint64_t **)s.b = &elsewhere[1];
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, list_link_out_of_the_heap_to_a_well_formed_block)
{
	/* Three free 608-byte blocks on one list, x, y and z from its front.
	 * y is swapped for a copy outside the heap, linked both ways: its
	 * class, its links and the count all look right; only where it is
	 * gives it away. */
	unsigned char *blocks[6];
	for (int i = 0; i < 6; i++)
		cr_assert_not_null(blocks[i] = mm_malloc(600));
	mm_free(blocks[0]); /* z */
	mm_free(blocks[2]); /* y */
	mm_free(blocks[4]); /* x */
	cr_assert(mm_checkheap(__LINE__), "the heap is sound before");
	static _Alignas(16) uint64_t fake[8];
	uint64_t *header = &fake[1]; /* its payload is 16-aligned */
	*header = *header_of(blocks[2]);
	fake[2] = (uint64_t)(uintptr_t)(blocks[0] - HEADER_SIZE); /* next */
	fake[3] = (uint64_t)(uintptr_t)(blocks[4] - HEADER_SIZE); /* prev */
	*(uint64_t **)blocks[4] = header;                         /* x's next */
	*(uint64_t **)(blocks[0] + sizeof(void *)) = header;      /* z's prev */
	cr_assert_not(mm_checkheap(__LINE__),
		      "a free list links to a free block outside the heap "
		      "(between the prologue and the epilogue): the checker "
		      "must see it");
}

Test(checkheap, list_link_into_a_payload)
{
	struct abc s = abc_blocks();
	*(unsigned char **)s.b = s.a + 16; /* inside a, and misaligned */
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, list_with_a_cycle)
{
	struct abc s = abc_blocks();
	*(unsigned char **)s.b = s.b - HEADER_SIZE; /* b's next is b */
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, allocated_block_on_a_list)
{
	struct abc s = abc_blocks();
	/* Say b is allocated (its next block's flag agreeing). */
	*header_of(s.b) |= ALLOC_FLAG;
	*header_of(s.c) |= PREV_ALLOC_FLAG;
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, wrong_prev_alloc_bit)
{
	struct abc s = abc_blocks();
	*header_of(s.c) |= PREV_ALLOC_FLAG; /* b before it is free */
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, epilogue_damaged)
{
	abc_blocks();
	uint64_t *epilogue =
		(uint64_t *)((unsigned char *)mem_heap_hi() + 1 - 8);
	*epilogue = 0;
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, prologue_damaged_in_one_flag)
{
	/* The prologue's header, then its footer, loses its P bit: the size
	 * is still 16, so the walk goes on as before; only a check of the
	 * prologue's two words against what mm_init wrote finds it. */
	abc_blocks();
	uint64_t *tags = (uint64_t *)((unsigned char *)mem_heap_lo() + 8);
	const char *names[] = {"header", "footer"};
	for (int i = 0; i < 2; i++) {
		tags[i] ^= PREV_ALLOC_FLAG;
		cr_assert_not(mm_checkheap(__LINE__),
			      "the prologue's %s lost its PREV_ALLOC bit: the "
			      "checker must compare both of its words with "
			      "the tag mm_init wrote",
			      names[i]);
		tags[i] ^= PREV_ALLOC_FLAG;
		cr_assert(mm_checkheap(__LINE__), "sound again");
	}
}

Test(checkheap, prologue_damaged)
{
	abc_blocks();
	uint64_t *prologue = (uint64_t *)((unsigned char *)mem_heap_lo() + 8);
	*prologue = 0x20 | ALLOC_FLAG | PREV_ALLOC_FLAG;
	cr_assert_not(mm_checkheap(__LINE__));
}

Test(checkheap, message_names_the_line)
{
	struct abc s = abc_blocks();
	*footer_of(s.b) ^= 0x10;
	cr_assert_not(mm_checkheap(4242));
	fflush(stderr);
	char text[4096] = {0};
	size_t n = fread(text, 1, sizeof text - 1, cr_get_redirected_stderr());
	text[n] = '\0';
	cr_assert(strstr(text, "4242") != NULL,
		  "the message should name the caller's line; got: %s", text);
}

Test(checkheap, heap_dump_lists_blocks)
{
	struct abc s = abc_blocks();
	mm_heap_dump();
	fflush(stderr);
	char text[16384] = {0};
	size_t n = fread(text, 1, sizeof text - 1, cr_get_redirected_stderr());
	text[n] = '\0';
	char b[32];
	snprintf(b, sizeof b, "%p", (void *)(s.b - HEADER_SIZE));
	cr_assert(strstr(text, b) != NULL, "the dump should show block %s", b);
}
