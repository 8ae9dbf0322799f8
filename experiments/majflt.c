/*
 * majflt: counts the page faults it takes to read a mapped file, cold and warm.
 *
 *     majflt [DIR]
 *
 * Creates a 64 MiB file in DIR (default: $TMPDIR, else /var/tmp), writes it,
 * and forces it to disk. Then it reads one byte of every page of the file
 * through mmap, several times over, counting page faults with getrusage:
 *
 *   1. file, cold: after posix_fadvise(POSIX_FADV_DONTNEED) has dropped the
 *      file's pages from the page cache, so the reads must go to the disk;
 *   2. file, warm: again, with the pages still in the cache from pass 1;
 *   3. file, cold, MADV_RANDOM: cold again, with readahead switched off;
 *   4. anon, read: an anonymous mapping of the same size, only read;
 *   5. anon, write: another one, written.
 *
 * Each pass maps afresh, so no page starts out in the process's page table.
 * Columns: pages already in memory before the pass (mincore), major and minor
 * faults (getrusage), time, and growth of the resident set (/proc/self/statm).
 * The file is removed at the end. Exits 0, or 1 with a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

enum {
	PAGE_SIZE = 4096,
	FILE_PAGES = 16384,              /* 64 MiB */
	TMPFS_MAGIC_NUMBER = 0x01021994, /* statfs f_type of tmpfs */
};

static const size_t FILE_SIZE = (size_t)FILE_PAGES * PAGE_SIZE;

/* What one pass measured. */
struct pass {
	long major;    /* major faults: the page had to be read from disk */
	long minor;    /* minor faults: no disk I/O was needed */
	double ms;     /* wall time of the reads, in milliseconds */
	size_t cached; /* pages of the range in memory before the pass */
	long rss_kib;  /* growth of the resident set, in KiB */
};

/* Keeps the compiler from deleting reads whose result nobody uses. */
static volatile unsigned char sink;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Creates and unlinks a temporary file in dir, fills it with FILE_SIZE bytes
 * and forces them to disk (a dirty page cannot be dropped from the cache).
 * Returns its descriptor, or -1 with a message.
 */
static int file_create(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/majflt-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0) {
		fprintf(stderr,
			"majflt: cannot create a file in %s: %s\n"
			"majflt: pass a writable folder: majflt DIR\n",
			dir, strerror(errno));
		return -1;
	}
	unlink(path);
	static unsigned char chunk[1 << 20];
	memset(chunk, 'x', sizeof chunk);
	for (size_t done = 0; done < FILE_SIZE; done += sizeof chunk) {
		if (write(fd, chunk, sizeof chunk) != (ssize_t)sizeof chunk) {
			fprintf(stderr, "majflt: write to %s failed: %s\n", dir,
				strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (fsync(fd) != 0) {
		fprintf(stderr, "majflt: fsync failed: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

// ANCHOR: cache_drop
/*
 * Asks the kernel to drop the file's clean pages from the page cache, so the
 * next access has to read them from the disk. Returns 0, or -1 with a message.
 */
static int cache_drop(int fd)
{
	int err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (err != 0) {
		fprintf(stderr, "majflt: posix_fadvise: %s\n", strerror(err));
		return -1;
	}
	return 0;
}
// ANCHOR_END: cache_drop

/* Returns the resident set size of this process in KiB, or 0 if unknown. */
static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, resident = 0;
	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (PAGE_SIZE / 1024);
}

/* Returns how many of the pages of [p, p + len) are in memory (mincore). */
static size_t pages_cached(unsigned char *p, size_t len)
{
	static unsigned char vec[FILE_PAGES];
	if (mincore(p, len, vec) != 0)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < len / PAGE_SIZE; i++)
		n += vec[i] & 1;
	return n;
}

// ANCHOR: touch
/*
 * Reads (or writes) one byte of every page of [p, p + len) and returns what
 * the page faults and the time were. getrusage counts the faults of the whole
 * process, so nothing else may happen between the two calls.
 */
static struct pass pages_touch(unsigned char *p, size_t len, bool write)
{
	struct pass r = {.cached = pages_cached(p, len)};
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	double t0 = now_ms();
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		if (write)
			p[off] = 1;
		else
			sink = p[off];
	}
	r.ms = now_ms() - t0;
	getrusage(RUSAGE_SELF, &after);
	r.major = after.ru_majflt - before.ru_majflt;
	r.minor = after.ru_minflt - before.ru_minflt;
	return r;
}
// ANCHOR_END: touch

/*
 * Maps the file (fd >= 0) or anonymous memory (fd < 0), applies advice if it
 * is not MADV_NORMAL, touches every page, unmaps. Returns 0, or -1 with a
 * message.
 */
static int pass_run(int fd, int advice, bool write, struct pass *out)
{
	int flags = fd >= 0 ? MAP_SHARED : MAP_PRIVATE | MAP_ANONYMOUS;
	int prot = PROT_READ | (write ? PROT_WRITE : 0);
	unsigned char *p = mmap(NULL, FILE_SIZE, prot, flags, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "majflt: mmap failed: %s\n", strerror(errno));
		return -1;
	}
	if (advice != MADV_NORMAL && madvise(p, FILE_SIZE, advice) != 0)
		fprintf(stderr, "majflt: madvise failed: %s\n",
			strerror(errno));
	long rss_before = rss_kib();
	*out = pages_touch(p, FILE_SIZE, write);
	out->rss_kib = rss_kib() - rss_before;
	munmap(p, FILE_SIZE);
	return 0;
}

static void pass_print(const char *name, const struct pass *r)
{
	printf("%-24s %7zu %7ld %7ld %8.1f %9ld\n", name, r->cached, r->major,
	       r->minor, r->ms, r->rss_kib);
}

/* Warns if dir is on tmpfs, whose pages live only in memory. */
static void tmpfs_warn(const char *dir)
{
	struct statfs fs;
	if (statfs(dir, &fs) == 0 && fs.f_type == TMPFS_MAGIC_NUMBER)
		fprintf(stderr,
			"majflt: %s is a tmpfs (memory only): expect "
			"no major faults; try majflt /var/tmp\n",
			dir);
}

/* Runs the three file passes; returns 0, or -1 with a message. */
static int file_passes(int fd)
{
	struct pass r;
	if (cache_drop(fd) != 0 || pass_run(fd, MADV_NORMAL, false, &r) != 0)
		return -1;
	pass_print("file, cold", &r);
	if (pass_run(fd, MADV_NORMAL, false, &r) != 0)
		return -1;
	pass_print("file, warm", &r);
	if (cache_drop(fd) != 0 || pass_run(fd, MADV_RANDOM, false, &r) != 0)
		return -1;
	pass_print("file, cold, MADV_RANDOM", &r);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 2) {
		fprintf(stderr, "usage: majflt [DIR]\n");
		return 1;
	}
	const char *dir = getenv("TMPDIR");
	if (argc == 2)
		dir = argv[1];
	else if (dir == NULL || dir[0] == '\0')
		dir = "/var/tmp";
	tmpfs_warn(dir);

	int fd = file_create(dir);
	if (fd < 0)
		return 1;
	printf("# %d pages of %d bytes, one byte read or written per page\n",
	       FILE_PAGES, PAGE_SIZE);
	printf("%-24s %7s %7s %7s %8s %9s\n", "pass", "cached", "major",
	       "minor", "ms", "+RSS KiB");
	int status = file_passes(fd);
	close(fd);
	if (status != 0)
		return 1;

	struct pass r;
	if (pass_run(-1, MADV_NORMAL, false, &r) != 0)
		return 1;
	pass_print("anon, read", &r);
	if (pass_run(-1, MADV_NORMAL, true, &r) != 0)
		return 1;
	pass_print("anon, write", &r);
	return 0;
}
