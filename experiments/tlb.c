/*
 * tlb: how long one memory access takes as the number of pages touched grows.
 *
 *     tlb [--huge] [PAGES...]
 *
 * Pages are of 4 KiB (the default on x86-64 Linux); --huge asks for
 * transparent huge pages of 2 MiB instead (madvise). For each N in PAGES, or
 * for N = 16, 32, ..., 65536 if none is given, it times two chains of N
 * pointers each:
 *
 *   1. spread: one pointer in each of N different pages, so every access
 *      needs the translation of a different page;
 *   2. packed: the same number of pointers, one per 64-byte cache line, packed
 *      into as few pages as possible (64 per page).
 *
 * Each chain is a single cycle in a random order, and every load reads the
 * address of the next one, so the CPU can neither predict nor overlap them:
 * the time per step is the latency of one load, translation included. Both
 * chains touch the same number of cache lines, so the difference between the
 * two columns is, roughly, the price of finding the translations.
 *
 * Prints a table of nanoseconds per access; exits 0, or 1 with a message.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

enum {
	PAGE_SIZE = 4096,
	LINE_SIZE = 64,
	LINES_PER_PAGE = PAGE_SIZE / LINE_SIZE,
	MIN_PAGES = 16,
	MAX_PAGES = 65536,
	STEPS = 1 << 20, /* pointer loads per timed run */
	RUNS = 3,        /* timed runs per measurement; the fastest counts */
};

static const size_t HUGE_SIZE = 2u << 20;

/* A small, fixed-seed generator: every run shuffles the same way. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Fills order[0..n) with 0..n-1 in a random order (Fisher-Yates). */
static void shuffle(size_t *order, size_t n)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(rng_next() % (i + 1));
		size_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

// ANCHOR: slot
/*
 * Where the k-th pointer of a chain lives. Packed: line k of the buffer.
 * Spread: in page k, at a line that changes with k. Had every pointer sat at
 * offset 0 of its page, all of them would compete for the same few sets of
 * the caches, and we would measure that instead of the TLB.
 */
static void **slot(unsigned char *base, size_t k, bool spread)
{
	size_t line = (k + k / LINES_PER_PAGE) % LINES_PER_PAGE;
	size_t offset =
		spread ? k * PAGE_SIZE + line * LINE_SIZE : k * LINE_SIZE;
	return (void **)(base + offset);
}
// ANCHOR_END: slot

/*
 * Links n slots into one cycle in a random order; returns its first slot.
 * order must have room for n entries.
 */
static void **chain_build(unsigned char *base, size_t n, bool spread,
			  size_t *order)
{
	shuffle(order, n);
	for (size_t i = 0; i < n; i++) {
		void **from = slot(base, order[i], spread);
		*from = slot(base, order[(i + 1) % n], spread);
	}
	return slot(base, order[0], spread);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Keeps the compiler from deleting a loop whose result nobody reads. */
static void *volatile sink;

// ANCHOR: chase
/* Follows the chain for STEPS loads; returns nanoseconds per load. */
static double chain_time(void **start)
{
	void **p = start;
	double t0 = now_ns();
	for (size_t i = 0; i < STEPS; i++)
		p = *p; /* the next address is what this load returns */
	double t1 = now_ns();
	sink = p;
	return (t1 - t0) / STEPS;
}
// ANCHOR_END: chase

/* Builds a chain of n slots and returns the best of RUNS timings, in ns. */
static double measure(unsigned char *base, size_t n, bool spread, size_t *order)
{
	void **start = chain_build(base, n, spread, order);
	chain_time(start); /* warm-up: caches, TLB, any page still unmapped */
	double best = chain_time(start);
	for (int r = 1; r < RUNS; r++) {
		double t = chain_time(start);
		if (t < best)
			best = t;
	}
	return best;
}

/* Returns the AnonHugePages of this process, in KiB, or -1 if unknown. */
static long anon_huge_kib(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	if (f == NULL)
		return -1;
	char line[256];
	long kib = -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

/*
 * Maps len bytes of anonymous memory aligned to HUGE_SIZE and writes every
 * page once, so that no page fault lands inside a timing. With huge, asks for
 * transparent huge pages; otherwise asks for none, whatever the system's
 * default. Returns the area, or NULL with a message.
 */
static unsigned char *area_map(size_t len, bool huge)
{
	size_t span = len + HUGE_SIZE;
	unsigned char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		fprintf(stderr, "tlb: mmap of %zu MiB failed: %s\n", span >> 20,
			strerror(errno));
		return NULL;
	}
	size_t skip = (HUGE_SIZE - (uintptr_t)raw % HUGE_SIZE) % HUGE_SIZE;
	unsigned char *area = raw + skip;
	int advice = huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE;
	if (madvise(area, len, advice) != 0)
		fprintf(stderr, "tlb: madvise failed (%s); going on\n",
			strerror(errno));
	for (size_t off = 0; off < len; off += PAGE_SIZE)
		area[off] = 1;
	return area;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: tlb [--huge] [PAGES...]\n"
		"  times one load per page over PAGES pages (each 2..%d);\n"
		"  without PAGES: 16, 32, 64, ..., %d\n"
		"  --huge  ask for 2 MiB transparent huge pages\n",
		MAX_PAGES, MAX_PAGES);
}

/* Parses a page count; returns 0 if s is not a number in 2..MAX_PAGES. */
static size_t parse_pages(const char *s)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < 2 || n > MAX_PAGES)
		return 0;
	return n;
}

/* Measures and prints one row of the table. */
static void row_print(unsigned char *area, size_t n, size_t *order)
{
	double spread = measure(area, n, true, order);
	double packed = measure(area, n, false, order);
	printf("%8zu %7zu KiB %14.2f %14.2f\n", n, n * PAGE_SIZE / 1024, spread,
	       packed);
}

int main(int argc, char **argv)
{
	bool huge = argc > 1 && strcmp(argv[1], "--huge") == 0;
	int first = huge ? 2 : 1;
	for (int i = first; i < argc; i++) {
		if (parse_pages(argv[i]) == 0) {
			fprintf(stderr, "tlb: '%s' is not a page count\n",
				argv[i]);
			usage();
			return 1;
		}
	}

	size_t len = (size_t)MAX_PAGES * PAGE_SIZE;
	unsigned char *area = area_map(len, huge);
	if (area == NULL)
		return 1;
	size_t *order = malloc(MAX_PAGES * sizeof *order);
	if (order == NULL) {
		fprintf(stderr, "tlb: out of memory\n");
		return 1;
	}

	printf("# %s pages; AnonHugePages %ld KiB\n",
	       huge ? "2 MiB (asked for)" : "4 KiB", anon_huge_kib());
	printf("%8s %10s %14s %14s\n", "pages", "span", "spread ns",
	       "packed ns");
	if (argc > first) {
		for (int i = first; i < argc; i++)
			row_print(area, parse_pages(argv[i]), order);
	} else {
		for (size_t n = MIN_PAGES; n <= MAX_PAGES; n *= 2)
			row_print(area, n, order);
	}
	free(order);
	return 0;
}
