/*
 * calloc-speed: is calloc slower than malloc followed by memset?
 *
 * For a large block, no. glibc serves it with a fresh mmap, whose pages the
 * kernel zeroes when they are first touched anyway, so calloc skips the
 * memset. malloc + memset writes every page at once, which faults them all in
 * and then writes the zeros a second time.
 *
 * Built with -fno-builtin-malloc (see the Makefile): otherwise gcc rewrites
 * malloc + memset(0) into a call to calloc, and both columns time calloc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	BLOCK_MIB = 256,
	ROUNDS = 3, // keep the fastest of a few runs
};

// Visible outside this file, so the compiler keeps every malloc-free pair.
unsigned char *calloc_speed_keep;

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// ANCHOR: variants
static unsigned char *zeroed_by_calloc(size_t size)
{
	return calloc(1, size);
}

static unsigned char *zeroed_by_memset(size_t size)
{
	unsigned char *p = malloc(size);
	if (p != NULL)
		memset(p, 0, size);
	return p;
}

// Writes one byte in every page: what a program that uses the block pays.
static void touch_pages(unsigned char *p, size_t size)
{
	for (size_t off = 0; off < size; off += 4096)
		p[off] = 1;
}
// ANCHOR_END: variants

/*
 * Returns the fastest time, in milliseconds, to get a zeroed block from
 * `get` and then (if `use` is true) touch each of its pages once.
 */
static double time_ms(unsigned char *(*get)(size_t), size_t size, int use)
{
	double best = 1e9;
	for (int round = 0; round < ROUNDS; round++) {
		double start = seconds_now();
		unsigned char *p = get(size);
		if (p == NULL) {
			perror("allocation");
			exit(1);
		}
		if (use)
			touch_pages(p, size);
		double took = (seconds_now() - start) * 1e3;
		calloc_speed_keep = p;
		free(p);
		if (took < best)
			best = took;
	}
	return best;
}

int main(void)
{
	size_t size = (size_t)BLOCK_MIB << 20;
	printf("%d MiB block, fastest of %d runs (ms)\n", BLOCK_MIB, ROUNDS);
	printf("%-26s %10s %14s\n", "", "calloc", "malloc+memset");
	printf("%-26s %10.3f %14.3f\n", "allocate and zero",
	       time_ms(zeroed_by_calloc, size, 0),
	       time_ms(zeroed_by_memset, size, 0));
	printf("%-26s %10.3f %14.3f\n", "... then touch every page",
	       time_ms(zeroed_by_calloc, size, 1),
	       time_ms(zeroed_by_memset, size, 1));
	return 0;
}
