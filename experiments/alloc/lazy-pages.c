/*
 * lazy-pages: malloc hands out address space; the kernel hands out frames
 * only when a page is first touched.
 *
 * The program mallocs 64 MiB (glibc serves it with mmap), then touches it one
 * page at a time, and after each step prints the change in its resident set
 * (VmRSS in /proc/self/status) and in its count of minor page faults
 * (getrusage). It also checks that the fresh block reads as zeros.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum {
	BLOCK_MIB = 64,
	STATUS_BUF = 4096,
};

struct usage {
	long rss_kib; // resident set size, from VmRSS
	long faults;  // minor page faults so far
};

// Returns VmRSS in KiB, or -1 if it cannot be read. Calls no allocator.
static long rss_kib_read(void)
{
	static char text[STATUS_BUF];
	int fd = open("/proc/self/status", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t len = read(fd, text, sizeof text - 1);
	close(fd);
	if (len <= 0)
		return -1;
	text[len] = '\0';
	char *line = strstr(text, "VmRSS:");
	return line ? strtol(line + strlen("VmRSS:"), NULL, 10) : -1;
}

static struct usage usage_now(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (struct usage){.rss_kib = rss_kib_read(),
			      .faults = ru.ru_minflt};
}

static void usage_report(const char *what, struct usage before,
			 struct usage after)
{
	printf("%-28s RSS %+8ld KiB   minor faults %+7ld\n", what,
	       after.rss_kib - before.rss_kib, after.faults - before.faults);
}

int main(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = (size_t)BLOCK_MIB << 20;
	printf("page size %zu bytes; block %d MiB = %zu pages\n", page,
	       BLOCK_MIB, size / page);

	// ANCHOR: touch
	struct usage start = usage_now();
	unsigned char *block = malloc(size);
	if (block == NULL) {
		perror("malloc");
		return 1;
	}
	struct usage allocated = usage_now();

	bool all_zero = true;
	for (size_t off = 0; off < size; off += page)
		all_zero = all_zero && block[off] == 0;
	struct usage read_once = usage_now();

	for (size_t off = 0; off < size; off += page)
		block[off] = 1;
	struct usage written = usage_now();

	free(block);
	struct usage freed = usage_now();
	// ANCHOR_END: touch

	usage_report("malloc(64 MiB)", start, allocated);
	usage_report("read one byte per page", allocated, read_once);
	usage_report("write one byte per page", read_once, written);
	usage_report("free", written, freed);
	printf("the fresh block read as zeros: %s\n", all_zero ? "yes" : "no");
	return 0;
}
