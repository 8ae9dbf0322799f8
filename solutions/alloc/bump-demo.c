/*
 * bump-demo: the bump allocator (bump.c) on the process's real break.
 *
 *     bump-demo [COUNT [SIZE]]
 *
 * Allocates COUNT blocks (default 4) of SIZE bytes (default 100) and prints
 * each block's address, the end of the heap (memlib's break: it moves up by
 * each block's size, rounded up to 16, and never comes down, since bump_free
 * gives nothing back) and the process's real break, sbrk(0), which
 * memlib_brk.c moves in larger steps to save system calls. It checks that
 * every block lies in the heap, above the one before, and says so to the
 * grader at the end (harness/proof.h).
 */
#include "bump.h"
#include "memlib.h"
#include "proof.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads a count or a size from the command line; exits if it is not one. */
static size_t parse_arg(const char *text, const char *what, size_t max)
{
	char *end;
	unsigned long long value = strtoull(text, &end, 10);
	if (*text == '\0' || *end != '\0' || text[0] == '-' || value > max) {
		fprintf(stderr,
			"bump-demo: %s must be a number from 0 to %zu, not "
			"'%s'\n",
			what, max, text);
		exit(2);
	}
	return (size_t)value;
}

int main(int argc, char **argv)
{
	harness_proof_begin();
	if (argc > 3) {
		fprintf(stderr, "usage: bump-demo [COUNT [SIZE]]\n");
		return 2;
	}
	size_t count = argc > 1 ? parse_arg(argv[1], "COUNT", 1000) : 4;
	size_t size = argc > 2 ? parse_arg(argv[2], "SIZE", 1 << 20) : 100;
	/* Flush stdout into a pipe or a file without a buffer from malloc. */
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("process break at start: %p\n", sbrk(0));
	char *end_of_last = NULL;
	for (size_t i = 0; i < count; i++) {
		char *block = bump_malloc(size);
		if (block == NULL) {
			fprintf(stderr, "bump-demo: bump_malloc(%zu) failed\n",
				size);
			return 1;
		}
		if (block < end_of_last ||
		    block + size > (char *)mem_heap_hi() + 1) {
			fprintf(stderr,
				"bump-demo: block %zu at %p overlaps the one "
				"before or ends past the heap\n",
				i, (void *)block);
			return 1;
		}
		end_of_last = block + size;
		memset(block, 'x', size);
		printf("block %zu at %p: heap ends at %p (%zu bytes), process "
		       "break %p\n",
		       i, (void *)block, (void *)((char *)mem_heap_hi() + 1),
		       mem_heapsize(), sbrk(0));
		bump_free(block);
	}
	harness_proof_done("bump-demo", "blocks=%zu size=%zu", count, size);
	return 0;
}
