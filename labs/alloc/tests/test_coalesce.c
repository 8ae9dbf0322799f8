/*
 * Stage 3: boundary tags and coalescing, all four cases.
 *
 * Each test lays out five blocks a b c d e, fills the rest of the heap and
 * caps the break, frees some of b c d, and asks for a block that fits only
 * if the freed blocks were merged: it must come back at b.
 */
#include "testutil.h"

TestSuite(coalesce, .init = heap_fresh, .fini = harness_test_finished,
	  .timeout = 10);

enum { SIZE = 1000 };

struct five {
	unsigned char *a, *b, *c, *d, *e;
};

static struct five five_blocks(void)
{
	struct five f = {mm_malloc(SIZE), mm_malloc(SIZE), mm_malloc(SIZE),
			 mm_malloc(SIZE), mm_malloc(SIZE)};
	cr_assert(f.a && f.b && f.c && f.d && f.e);
	fill(f.a, SIZE, 1);
	fill(f.e, SIZE, 5);
	heap_fill_up();
	return f;
}

/* a and e, never freed, must be untouched by merging their neighbours. */
static void check_guards(const struct five *f)
{
	cr_assert(holds(f->a, SIZE, 1), "merging overwrote the block before");
	cr_assert(holds(f->e, SIZE, 5), "merging overwrote the block after");
	cr_assert(mm_checkheap(__LINE__));
}

Test(coalesce, case1_no_free_neighbour)
{
	struct five f = five_blocks();
	mm_free(f.c);
	heap_walk_check(true); /* nothing merged, but c has its footer */
	void *big = mm_malloc(2 * SIZE);
	cr_assert(big == NULL || !in_heap(big),
		  "c was merged with an allocated neighbour");
	mm_free(big);
	cr_assert_eq(mm_malloc(SIZE), f.c);
	check_guards(&f);
	heap_walk_check(true);
}

Test(coalesce, case2_next_block_free)
{
	struct five f = five_blocks();
	mm_free(f.c);
	mm_free(f.b); /* b's next block, c, is free */
	cr_assert(mm_checkheap(__LINE__));
	cr_assert_eq(mm_malloc(2 * SIZE), f.b,
		     "b and the free c after it were not merged");
	check_guards(&f);
	heap_walk_check(true);
}

Test(coalesce, case3_previous_block_free)
{
	struct five f = five_blocks();
	mm_free(f.b);
	mm_free(f.c); /* c's previous block, b, is free */
	cr_assert(mm_checkheap(__LINE__));
	cr_assert_eq(mm_malloc(2 * SIZE), f.b,
		     "c and the free b before it were not merged");
	check_guards(&f);
	heap_walk_check(true);
}

Test(coalesce, case4_both_neighbours_free)
{
	struct five f = five_blocks();
	mm_free(f.b);
	mm_free(f.d);
	mm_free(f.c); /* both of c's neighbours are free */
	cr_assert(mm_checkheap(__LINE__));
	cr_assert_eq(mm_malloc(3 * SIZE), f.b,
		     "b, c and d were not merged into one block");
	check_guards(&f);
	heap_walk_check(true);
}

Test(coalesce, free_blocks_have_matching_footers)
{
	struct five f = five_blocks();
	mm_free(f.c);
	uint64_t header = *header_of(f.c);
	size_t size = block_size_of(f.c);
	uint64_t footer = *(uint64_t *)(f.c - HEADER_SIZE + size - 8);
	cr_assert_eq(footer, header,
		     "a free block's footer must repeat its header");
	heap_walk_check(true);
}

Test(coalesce, new_memory_merges_with_a_free_top_block)
{
	unsigned char *p = mm_malloc(3000);
	cr_assert_not_null(p);
	mm_free(p);
	/* p's free block is too small for this, but it is at the top of the
	 * heap: the new memory, merged with it, makes a block that starts at p. */
	unsigned char *q = mm_malloc(20000);
	cr_assert_eq(q, p,
		     "extend_heap did not merge the new memory with the"
		     " free block at the top of the heap");
	cr_assert(mm_checkheap(__LINE__));
	heap_walk_check(true);
}

Test(coalesce, everything_freed_merges_into_one_block)
{
	enum { N = 100 };
	unsigned char *blocks[N];
	for (int i = 0; i < N; i++)
		cr_assert_not_null(blocks[i] = mm_malloc(300 + i));
	unsigned char *guard = mm_malloc(300);
	heap_fill_up();
	/* Free in an order that meets every case. */
	for (int i = 0; i < N; i += 2)
		mm_free(blocks[i]);
	for (int i = N - 1; i > 0; i -= 2)
		mm_free(blocks[i]);
	cr_assert(mm_checkheap(__LINE__));
	unsigned char *all = mm_malloc(N * 300);
	cr_assert_eq(all, blocks[0], "the %d freed blocks were not merged", N);
	cr_assert_not_null(guard);
	heap_walk_check(true);
}
