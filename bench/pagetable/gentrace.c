/*
 * gentrace: writes a synthetic refs trace for benchmarking vmsim.
 *
 *     gentrace hits   N SEED > trace   98% of references to 256 hot pages,
 *                                      2% to any of 2^20 pages: with 1024
 *                                      frames, over 95% of references hit
 *     gentrace faults N SEED > trace   references spread evenly over 2^16
 *                                      pages: with 64 frames, nearly all fault
 *
 * One page number a line; a quarter of the references are writes (a w
 * after the number), so evictions write to swap. The same arguments give
 * the same trace on every machine (splitmix64, as in the lab's prng.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	HOT_PAGES = 256,
	HOT_PERCENT = 98,
	COLD_PAGES = 1 << 20,
	SPREAD_PAGES = 1 << 16,
	WRITE_ONE_IN = 4,
	OUT_BUFFER = 1 << 20,
	LINE_MAX_CHARS = 24,
};

static const uint64_t SPLITMIX_STEP = 0x9e3779b97f4a7c15u;
static const uint64_t SPLITMIX_MUL1 = 0xbf58476d1ce4e5b9u;
static const uint64_t SPLITMIX_MUL2 = 0x94d049bb133111ebu;

static uint64_t next_random(uint64_t *state)
{
	*state += SPLITMIX_STEP;
	uint64_t z = *state;
	z = (z ^ (z >> 30)) * SPLITMIX_MUL1;
	z = (z ^ (z >> 27)) * SPLITMIX_MUL2;
	return z ^ (z >> 31);
}

/* Writes page (and a w for a write) as one line at out; returns its length. */
static size_t format_ref(char *out, uint64_t page, int write)
{
	char digits[LINE_MAX_CHARS];
	size_t n = 0, len = 0;
	do {
		digits[n++] = (char)('0' + page % 10);
		page /= 10;
	} while (page > 0);
	while (n > 0)
		out[len++] = digits[--n];
	if (write)
		out[len++] = 'w';
	out[len++] = '\n';
	return len;
}

/* Returns the page of the next reference of a trace of the given mode. */
static uint64_t next_page(int hits, uint64_t *state)
{
	uint64_t r = next_random(state);
	if (!hits)
		return r % SPREAD_PAGES;
	if (r % 100 < HOT_PERCENT)
		return (r >> 32) % HOT_PAGES;
	return HOT_PAGES + (r >> 32) % COLD_PAGES;
}

int main(int argc, char **argv)
{
	if (argc != 4 ||
	    (strcmp(argv[1], "hits") != 0 && strcmp(argv[1], "faults") != 0)) {
		fprintf(stderr, "usage: gentrace hits|faults N SEED > trace\n");
		return 2;
	}
	int hits = strcmp(argv[1], "hits") == 0;
	unsigned long long n = strtoull(argv[2], NULL, 10);
	uint64_t state = strtoull(argv[3], NULL, 10);
	static char buf[OUT_BUFFER];
	size_t used = 0;
	for (unsigned long long i = 0; i < n; i++) {
		uint64_t page = next_page(hits, &state);
		int write = next_random(&state) % WRITE_ONE_IN == 0;
		used += format_ref(buf + used, page, write);
		if (used + LINE_MAX_CHARS > sizeof buf) {
			fwrite(buf, 1, used, stdout);
			used = 0;
		}
	}
	fwrite(buf, 1, used, stdout);
	return ferror(stdout) ? 1 : 0;
}
