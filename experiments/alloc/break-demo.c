/*
 * break-demo: watch glibc's malloc move the program break.
 *
 * Each step makes a few malloc or free calls, then records how far the break
 * moved and how large the [heap] line of /proc/self/maps is. Nothing is
 * printed until the end, because printf calls malloc for its own buffer and
 * would spoil the measurement; /proc/self/maps is read with open and read
 * into a static buffer for the same reason.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	SMALL_COUNT = 1000,   // small blocks made in one step
	SMALL_SIZE = 200,     // bytes in each small block
	BIG_SIZE = 1 << 20,   // one block well above the mmap threshold
	MAX_STEPS = 8,        // room in the table of results
	MAPS_BUF = 64 * 1024, // enough for this process's /proc/self/maps
};

struct heap_span {
	uintptr_t start; // first byte of the [heap] mapping; 0 if none
	uintptr_t end;   // one past its last byte
};

struct step {
	const char *what;      // the calls this step made
	intptr_t moved;        // how far the break moved, in bytes
	struct heap_span heap; // the [heap] mapping after the step
};

static char maps_text[MAPS_BUF];

/*
 * Returns the [heap] mapping of this process, or a span of zeros if there is
 * none yet. Calls no allocator.
 */
static struct heap_span heap_span_read(void)
{
	struct heap_span span = {0};
	int fd = open("/proc/self/maps", O_RDONLY);
	if (fd < 0)
		return span;
	size_t len = 0;
	ssize_t got;
	while (len < MAPS_BUF - 1 &&
	       (got = read(fd, maps_text + len, MAPS_BUF - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	maps_text[len] = '\0';

	// ANCHOR: heap_line
	// A line reads "start-end perms offset dev inode [heap]".
	char *tag = strstr(maps_text, "[heap]");
	if (tag == NULL)
		return span;
	char *line = tag;
	while (line > maps_text && line[-1] != '\n')
		line--;
	char *dash;
	span.start = strtoul(line, &dash, 16);
	span.end = strtoul(dash + 1, NULL, 16);
	// ANCHOR_END: heap_line
	return span;
}

// Outside this file's reach, so the compiler cannot drop a malloc-free pair.
char *demo_first;

static size_t step_count;
static struct step steps[MAX_STEPS];
static char *last_break;

// Records a step: how far the break moved since the last one.
static void step_record(const char *what)
{
	char *now = sbrk(0);
	steps[step_count++] = (struct step){
		.what = what,
		.moved = now - last_break,
		.heap = heap_span_read(),
	};
	last_break = now;
}

static bool in_heap(const void *p, struct heap_span heap)
{
	uintptr_t a = (uintptr_t)p;
	return a >= heap.start && a < heap.end;
}

int main(void)
{
	static char *small[SMALL_COUNT];

	// ANCHOR: steps
	char *initial_break = sbrk(0);
	last_break = initial_break;
	step_record("start");

	demo_first = malloc(1);
	step_record("malloc(1)");

	for (size_t i = 0; i < SMALL_COUNT; i++)
		small[i] = malloc(SMALL_SIZE);
	step_record("1000 x malloc(200)");

	char *big = malloc(BIG_SIZE);
	step_record("malloc(1 MiB)");
	bool big_in_heap = in_heap(big, steps[step_count - 1].heap);

	for (size_t i = 0; i < SMALL_COUNT; i++)
		free(small[i]);
	step_record("free the 1000 blocks");

	free(big);
	free(demo_first);
	step_record("free the rest");
	// ANCHOR_END: steps

	printf("%-22s %12s %14s\n", "step", "break moved", "[heap] size");
	for (size_t i = 0; i < step_count; i++) {
		struct step s = steps[i];
		size_t size = s.heap.end - s.heap.start;
		printf("%-22s %+12jd %10zu KiB\n", s.what, (intmax_t)s.moved,
		       size / 1024);
	}
	printf("[heap] starts at the initial break: %s\n",
	       steps[step_count - 1].heap.start == (uintptr_t)initial_break
		       ? "yes"
		       : "no");
	printf("the 1 MiB block lies inside [heap]: %s\n",
	       big_in_heap ? "yes" : "no");
	return 0;
}
