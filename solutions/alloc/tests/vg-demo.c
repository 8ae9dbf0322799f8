/*
 * vg-demo: the classic heap bugs, committed on mm.c, for memcheck to find.
 *
 *     valgrind --leak-check=full ./vg-demo MODE
 *
 * MODE is one of:
 *   clean             allocates, resizes and frees correctly: no errors,
 *                     and (under memcheck) memcheck sees a freed block
 *   overflow          writes one byte past the end of a block
 *   underflow         writes one byte before the start of a block
 *   leak              loses the only pointer to a block
 *   use-after-free    reads a block after freeing it
 *   double-free       frees a block twice (mm_free then aborts)
 *   uninitialised     branches on a byte of a reused block that malloc
 *                     handed out again without setting it
 *   realloc-overflow  writes past a block that realloc grew in place
 *   stray-write       writes into the heap's free memory, in no block
 *   beside-large      uses its own page just past a large block's mapping,
 *                     correctly: no errors
 *   aligned-underflow writes into the bytes before a large block that
 *                     mm_memalign aligned (stage 8), which are mm.c's
 *
 * memcheck knows nothing of mm.c's blocks unless mm.c tells it (stage 7),
 * so before that stage it reports none of these bugs.
 */
#include "memlib.h"
#include "mm.h"
#include "proof.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <valgrind/memcheck.h>

/* Volatile, so that the compiler keeps every buggy access. */
typedef volatile unsigned char vbyte;

static int clean(void)
{
	unsigned char *blocks[50];
	for (int i = 0; i < 50; i++) {
		blocks[i] = mm_malloc((size_t)i * 10);
		memset(blocks[i], i, (size_t)i * 10);
	}
	for (int i = 0; i < 50; i += 2) {
		blocks[i] = mm_realloc(blocks[i], (size_t)i * 30 + 1);
		blocks[i][i * 30] = 1;
	}
	unsigned char *zeroes = mm_calloc(100, 3);
	int sum = 0;
	for (int i = 0; i < 300; i++)
		sum += zeroes[i];
	mm_free(zeroes);
	for (int i = 0; i < 50; i++)
		mm_free(blocks[i]);
	/* No errors is no proof by itself: memcheck that sees no blocks sees
	 * no errors either. A freed block must be off limits to it. */
	unsigned char vbits;
	if (RUNNING_ON_VALGRIND &&
	    VALGRIND_GET_VBITS(blocks[5], &vbits, 1) != 3) {
		fprintf(stderr, "vg-demo: memcheck does not know that a freed "
				"block is freed: mm.c tells it nothing yet\n");
		return 1;
	}
	unsigned char *big = mm_malloc(300000);
	memset(big, 1, 300000);
	big = mm_realloc(big, 600000);
	sum += big[299999];
	mm_free(big);
	return sum == 1 ? 0 : 1;
}

static int overflow(void)
{
	vbyte *p = mm_malloc(24);
	p[24] = 'x';
	mm_free((void *)p);
	return 0;
}

static int underflow(void)
{
	vbyte *p = mm_malloc(24);
	p[-1] = 'x';
	mm_free((void *)p);
	return 0;
}

static int leak(void)
{
	void *p = mm_malloc(100);
	memset(p, 0, 100);
	p = NULL;
	return 0;
}

static int use_after_free(void)
{
	void *q = mm_malloc(64); /* a neighbour, so p is not the top block */
	vbyte *p = mm_malloc(64);
	p[0] = 1;
	mm_free((void *)p);
	int value = p[0];
	mm_free(q);
	return value == 1234;
}

static int double_free(void)
{
	void *p = mm_malloc(64);
	void *q = mm_malloc(64);
	mm_free(p);
	mm_free(p);
	mm_free(q);
	return 0;
}

static int uninitialised(void)
{
	/* The block comes back from the free list, its bytes written before:
	 * only mm.c can tell memcheck that they are undefined again. */
	unsigned char *old = mm_malloc(64);
	memset(old, 42, 64);
	mm_free(old);
	unsigned char *p = mm_malloc(64);
	int result = 0;
	if (p[10] == 42) /* memcheck: depends on an uninitialised value */
		result = 1;
	mm_free(p);
	printf("%d\n", result);
	return 0;
}

static int realloc_overflow(void)
{
	unsigned char *p = mm_malloc(40);
	memset(p, 7, 40);
	p = mm_realloc(p, 1000); /* the last block: grows in place */
	vbyte *v = p;
	int sum = v[0] + v[39]; /* kept by realloc: defined */
	v[1000] = 'x';
	mm_free(p);
	return sum == 14 ? 0 : 1;
}

static int stray_write(void)
{
	/* A 64-byte block in a fresh heap of about 4 KiB: 2000 bytes below
	 * the break lie in the free rest, which is no block of the program. */
	vbyte *p = mm_malloc(64);
	vbyte *stray = (vbyte *)mem_heap_hi() - 2000;
	*stray = 'x';
	mm_free((void *)p);
	return 0;
}

static int beside_large(void)
{
	/* The program maps 51 pages and gives back the first 50: the block's
	 * mapping, 50 pages, is likely to land in that hole, just before the
	 * page the program keeps. That page is the program's: mm.c must not
	 * fence it off as if it were a redzone of the block. */
	size_t page = mem_pagesize();
	size_t len = 50 * page;
	unsigned char *mine = mmap(NULL, len + page, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mine == MAP_FAILED)
		return 1;
	munmap(mine, len);
	vbyte *own = mine + len;
	unsigned char *big = mm_malloc(len - 24); /* + header + lead word */
	if (big == NULL)
		return 1;
	if (big + mm_usable_size(big) != own)
		printf("vg-demo: the block is not next to the page; "
		       "nothing to check\n");
	memset(big, 1, len - 24);
	own[0] = 1;
	mm_free(big);
	own[0] = 2;
	int value = own[0];
	munmap(mine + len, page);
	return value == 2 ? 0 : 1;
}

static int aligned_underflow(void)
{
	/* Aligned to a page, the payload sits a page into its mapping: the
	 * bytes before its header are the allocator's, not the program's. */
	vbyte *p = mm_memalign(4096, 200 << 10);
	if (p == NULL)
		return 1;
	p[-64] = 'x';
	mm_free((void *)p);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(void);
	} modes[] = {
		{"clean", clean},
		{"overflow", overflow},
		{"underflow", underflow},
		{"leak", leak},
		{"use-after-free", use_after_free},
		{"double-free", double_free},
		{"uninitialised", uninitialised},
		{"realloc-overflow", realloc_overflow},
		{"stray-write", stray_write},
		{"beside-large", beside_large},
		{"aligned-underflow", aligned_underflow},
	};
	enum { NMODES = sizeof modes / sizeof modes[0] };
	harness_proof_begin();
	if (argc == 2) {
		for (int i = 0; i < NMODES; i++) {
			if (strcmp(argv[1], modes[i].name) != 0)
				continue;
			mem_reset();
			if (!mm_init()) {
				fprintf(stderr, "vg-demo: mm_init failed\n");
				return 1;
			}
			int status = modes[i].run();
			if (status == 0) {
				printf("vg-demo: %s finished\n", argv[1]);
				harness_proof_done("vg-demo", "mode=%s",
						   argv[1]);
			}
			return status;
		}
	}
	fprintf(stderr, "usage: vg-demo MODE\nmodes:");
	for (int i = 0; i < NMODES; i++)
		fprintf(stderr, " %s", modes[i].name);
	fprintf(stderr, "\n");
	return 2;
}
