/*
 * contract: what glibc's malloc family does at the edges of the C contract.
 *
 *     contract zero      malloc(0), realloc(NULL, n), realloc(p, 0)
 *     contract errors    requests that must fail, and errno afterwards
 *     contract align     the alignment of returned pointers
 *     contract usable    how many bytes a request really gets
 */
#include <errno.h>
#include <malloc.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Visible outside this file, so the compiler keeps every malloc-free pair.
void *contract_keep;

// Larger than PTRDIFF_MAX. Volatile, so that gcc cannot see the value and
// refuse to compile the calls that use it (-Walloc-size-larger-than).
static volatile size_t too_big = SIZE_MAX / 2 + 1;

static const char *null_or_not(const void *p)
{
	return p == NULL ? "NULL" : "a pointer";
}

static int show_zero(void)
{
	// ANCHOR: zero
	void *p = malloc(0);
	printf("malloc(0)            -> %s, usable size %zu\n", null_or_not(p),
	       malloc_usable_size(p));

	void *q = realloc(NULL, 10);
	printf("realloc(NULL, 10)    -> %s (same as malloc(10))\n",
	       null_or_not(q));

	errno = 0;
	void *r = realloc(q, 0);
	printf("realloc(q, 0)        -> %s, errno %d (q was freed)\n",
	       null_or_not(r), errno);
	free(p);
	// ANCHOR_END: zero
	return 0;
}

// Prints what one failing request returned and the errno it left.
static void show_failure(const char *call, void *p)
{
	printf("%-30s -> %s, errno %s\n", call, null_or_not(p),
	       errno == ENOMEM ? "ENOMEM" : strerror(errno));
	contract_keep = p;
	free(p);
}

static int show_errors(void)
{
	// ANCHOR: errors
	size_t huge = too_big; // SIZE_MAX / 2 + 1, over PTRDIFF_MAX
	errno = 0;
	show_failure("malloc(SIZE_MAX / 2 + 1)", malloc(huge));

	errno = 0;
	show_failure("calloc(SIZE_MAX / 2 + 1, 2)", calloc(huge, 2));

	size_t wrapped = huge * 2; // the product wraps around to 0
	printf("(SIZE_MAX / 2 + 1) * 2 wraps to %zu in size_t\n", wrapped);

	char *keep = malloc(16);
	errno = 0;
	char *bigger = realloc(keep, huge);
	printf("%-30s -> %s, errno %s\n", "realloc(keep, SIZE_MAX / 2 + 1)",
	       null_or_not(bigger), errno == ENOMEM ? "ENOMEM" : "?");
	if (bigger == NULL) {
		keep[0] = 'k'; // still ours: a failed realloc frees nothing
		free(keep);
	} else {
		free(bigger);
	}
	// ANCHOR_END: errors
	return 0;
}

static int show_align(void)
{
	enum { SAMPLES = 1000 };
	static void *blocks[SAMPLES];
	size_t worst = SIZE_MAX; // the smallest power of two seen dividing all

	for (size_t i = 0; i < SAMPLES; i++) {
		blocks[i] = malloc(1 + i % 100);
		uintptr_t a = (uintptr_t)blocks[i];
		size_t align = (size_t)(a & -a); // lowest set bit
		if (align < worst)
			worst = align;
	}
	for (size_t i = 0; i < SAMPLES; i++)
		free(blocks[i]);
	printf("alignof(max_align_t) = %zu\n", alignof(max_align_t));
	printf("every one of %d pointers from malloc(1..100) is a multiple "
	       "of %zu\n",
	       SAMPLES, worst);
	return 0;
}

static int show_usable(void)
{
	static const size_t requests[] = {0,  1,  8,  24,  25,   40,
					  41, 56, 57, 100, 1000, 4096};
	printf("%8s %8s %8s\n", "request", "usable", "slack");
	for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
		void *p = malloc(requests[i]);
		size_t usable = malloc_usable_size(p);
		printf("%8zu %8zu %8zu\n", requests[i], usable,
		       usable - requests[i]);
		free(p);
	}
	return 0;
}

int main(int argc, char *argv[])
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "zero") == 0)
		return show_zero();
	if (strcmp(mode, "errors") == 0)
		return show_errors();
	if (strcmp(mode, "align") == 0)
		return show_align();
	if (strcmp(mode, "usable") == 0)
		return show_usable();
	fprintf(stderr, "usage: %s zero|errors|align|usable\n", argv[0]);
	return 2;
}
