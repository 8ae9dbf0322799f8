/*
 * overcommit: malloc succeeds for far more memory than the machine has.
 *
 * Linux's default policy (vm.overcommit_memory = 0) refuses one request that
 * is obviously too large (more than RAM plus swap), but lets many requests
 * that are each below that add up to several times the machine's memory:
 * address space costs nothing until its pages are touched. The program never
 * touches the blocks, so it uses almost no memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum { MAX_BLOCKS = 8 }; // blocks of half the RAM each: 4 x RAM in total

static const double GIB = 1024.0 * 1024.0 * 1024.0;

// Returns the value in /proc/sys/vm/overcommit_memory, or -1.
static int overcommit_mode(void)
{
	FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
	int mode = -1;
	if (f != NULL) {
		if (fscanf(f, "%d", &mode) != 1)
			mode = -1;
		fclose(f);
	}
	return mode;
}

int main(void)
{
	static void *blocks[MAX_BLOCKS];
	size_t ram =
		(size_t)sysconf(_SC_PHYS_PAGES) * (size_t)sysconf(_SC_PAGESIZE);
	printf("vm.overcommit_memory = %d; RAM = %.1f GiB\n", overcommit_mode(),
	       (double)ram / GIB);

	// ANCHOR: overcommit
	void *one_huge = malloc(2 * ram);
	printf("malloc(2 x RAM)        -> %s\n",
	       one_huge == NULL ? "NULL" : "a pointer");
	free(one_huge);

	size_t half = ram / 2;
	int got = 0;
	while (got < MAX_BLOCKS && (blocks[got] = malloc(half)) != NULL)
		got++;
	printf("malloc(RAM / 2) x %d   -> %d pointers, %.1f x RAM in all\n",
	       MAX_BLOCKS, got, got * 0.5);
	for (int i = 0; i < got; i++)
		free(blocks[i]);
	// ANCHOR_END: overcommit
	return 0;
}
