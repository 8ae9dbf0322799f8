/*
 * libc-util: replays malloc traces on glibc's malloc and reports its
 * utilization, measured as mdriver measures the lab's allocator's: the peak
 * of the live payload bytes over the peak of the memory the allocator holds
 * from the system.
 *
 *     libc-util TRACE...
 *
 * glibc's holdings come from mallinfo2(3) after every operation: arena (the
 * bytes of the heap, grown with sbrk) plus hblkhd (the bytes in mappings of
 * their own). Each trace runs in a child process of its own, so that none
 * inherits the heap another left behind, and the replay keeps its own
 * bookkeeping (the block table, the file buffer) out of glibc's heap. The
 * arena includes the padding glibc adds whenever it grows the heap
 * (M_TOP_PAD, 128 KiB by default), so small traces score low by
 * construction.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* The live blocks of a trace, by id. */
struct blocks {
	void **ptrs;
	size_t *sizes;
	size_t count;
};

/* Prints an error about line number line of path and exits the child. */
static void trace_error(const char *path, size_t line, const char *what)
{
	fprintf(stderr, "libc-util: %s:%zu: %s\n", path, line, what);
	_exit(2);
}

/* Returns zeroed memory from a mapping of its own, outside glibc's heap. */
static void *map_zeroed(size_t bytes, const char *path)
{
	void *mem = mmap(NULL, bytes > 0 ? bytes : 1, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		trace_error(path, 4, "too many block ids");
	return mem;
}

/* Reads the next number of the trace, or exits with an error. */
static size_t read_number(FILE *in, const char *path, size_t line)
{
	size_t value;
	if (fscanf(in, "%zu", &value) != 1)
		trace_error(path, line, "expected a number");
	return value;
}

/* Returns the bytes glibc holds from the system right now. */
static size_t footprint(void)
{
	struct mallinfo2 info = mallinfo2();
	return info.arena + info.hblkhd;
}

/* Replays the trace at path on glibc and prints its utilization. */
static void replay(const char *path)
{
	static char buffer[1 << 16]; /* stdio would malloc one */
	FILE *in = fopen(path, "r");
	if (in == NULL) {
		fprintf(stderr, "libc-util: %s: %s\n", path, strerror(errno));
		_exit(2);
	}
	setvbuf(in, buffer, _IOFBF, sizeof buffer);
	size_t line = 1;
	(void)read_number(in, path, line++); /* the suggested heap size */
	struct blocks b = {.count = read_number(in, path, line++)};
	size_t num_ops = read_number(in, path, line++);
	(void)read_number(in, path, line++); /* the weight */
	if (b.count > ((size_t)1 << 32))
		trace_error(path, 2, "too many block ids");
	b.ptrs = map_zeroed(b.count * sizeof *b.ptrs, path);
	b.sizes = map_zeroed(b.count * sizeof *b.sizes, path);

	size_t live = 0, peak_live = 0, peak_footprint = 0;
	for (size_t op = 0; op < num_ops; op++, line++) {
		char kind;
		if (fscanf(in, " %c", &kind) != 1)
			trace_error(path, line, "the trace ends early");
		size_t id = read_number(in, path, line);
		if (id >= b.count)
			trace_error(path, line, "block id out of range");
		if (kind == 'a' || kind == 'r') {
			size_t size = read_number(in, path, line);
			void *ptr = kind == 'a' ? malloc(size)
						: realloc(b.ptrs[id], size);
			if (ptr == NULL && size > 0)
				trace_error(path, line,
					    "glibc's malloc failed");
			b.ptrs[id] = ptr;
			live = live - b.sizes[id] + size;
			b.sizes[id] = size;
		} else if (kind == 'f') {
			free(b.ptrs[id]);
			b.ptrs[id] = NULL;
			live -= b.sizes[id];
			b.sizes[id] = 0;
		} else {
			trace_error(path, line, "expected a, r or f");
		}
		size_t held = footprint();
		if (live > peak_live)
			peak_live = live;
		if (held > peak_footprint)
			peak_footprint = held;
	}
	double util = peak_footprint > 0
			      ? (double)peak_live / (double)peak_footprint
			      : 0;
	printf("%-32s %9.3f %12zu %12zu\n", path, util, peak_live,
	       peak_footprint);
	fflush(stdout);
	_exit(0);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: libc-util TRACE...\n");
		return 2;
	}
	printf("%-32s %9s %12s %12s\n", "trace", "glibc util", "peak live",
	       "peak held");
	fflush(stdout);
	int failures = 0;
	for (int i = 1; i < argc; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("libc-util: fork");
			return 1;
		}
		if (pid == 0)
			replay(argv[i]);
		int status;
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failures++;
	}
	return failures == 0 ? 0 : 1;
}
