/*
 * libmm-smoke: checks the whole malloc family of libmm.so from a program.
 *
 *     LD_PRELOAD=$PWD/libmm.so ./libmm-smoke
 *
 * It first makes sure that malloc is libmm.so's, then checks the contract of
 * every function libmm.so exports, errno included, then hammers the
 * allocator from several threads while the main thread forks. It prints one
 * line per group of checks and exits 0 if all pass, 1 otherwise.
 */
#define _GNU_SOURCE /* dladdr */
#include "proof.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { THREADS = 4, THREAD_OPS = 20000, SLOTS = 64, FORKS = 20 };

static bool all_ok = true;

/* Records a failed check. */
static void fail(const char *what)
{
	fprintf(stderr, "libmm-smoke: FAILED: %s\n", what);
	all_ok = false;
}

static void check(bool ok, const char *what)
{
	if (!ok)
		fail(what);
}

static bool aligned(const void *p, size_t alignment)
{
	return (uintptr_t)p % alignment == 0;
}

static bool malloc_is_libmm(void)
{
	Dl_info info;
	void *(*f)(size_t) = malloc;
	if (dladdr(*(void **)&f, &info) == 0 || info.dli_fname == NULL)
		return false;
	return strstr(info.dli_fname, "libmm.so") != NULL;
}

static void check_basics(void)
{
	for (size_t size = 0; size < 5000; size += 7) {
		unsigned char *p = malloc(size);
		check(p != NULL && aligned(p, 16), "malloc: aligned to 16");
		memset(p, 0x5A, size);
		check(malloc_usable_size(p) >= size, "malloc_usable_size");
		p = realloc(p, size * 2 + 1);
		check(p != NULL, "realloc grows");
		bool kept = true;
		for (size_t i = 0; i < size; i++)
			kept = kept && p[i] == 0x5A;
		check(kept, "realloc keeps the contents");
		free(p);
	}
	unsigned char *z = calloc(1000, 10);
	bool zero = z != NULL;
	for (size_t i = 0; zero && i < 10000; i++)
		zero = z[i] == 0;
	check(zero, "calloc zeroes");
	free(z);
	char *s = strdup("a string from libc's strdup");
	check(s != NULL && strcmp(s, "a string from libc's strdup") == 0,
	      "strdup (libc calling our malloc)");
	free(s);
	free(NULL);
	check(realloc(malloc(10), 0) == NULL,
	      "realloc(p, 0) frees, gives NULL");
	printf("libmm-smoke: basics ok\n");
}

static void check_errno(void)
{
	volatile size_t huge = SIZE_MAX; /* hidden from gcc's size warnings */
	errno = 0;
	check(malloc(huge) == NULL && errno == ENOMEM,
	      "malloc(SIZE_MAX): NULL, errno ENOMEM");
	errno = 0;
	check(calloc(huge / 2, 3) == NULL && errno == ENOMEM,
	      "calloc overflow: NULL, errno ENOMEM");
	void *small = malloc(100), *large = malloc(1 << 20);
	errno = EILSEQ;
	free(small);
	free(large);
	check(errno == EILSEQ, "free keeps errno");
	printf("libmm-smoke: errno ok\n");
}

static void check_aligned(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *p = NULL;
	check(posix_memalign(&p, 64, 100) == 0 && aligned(p, 64),
	      "posix_memalign 64");
	free(p);
	check(posix_memalign(&p, 3, 100) == EINVAL,
	      "posix_memalign(3): EINVAL");
	check(posix_memalign(&p, 4, 100) == EINVAL,
	      "posix_memalign(4): EINVAL (not a multiple of sizeof(void *))");
	check(posix_memalign(&p, 1 << 20, 3 << 20) == 0 && aligned(p, 1 << 20),
	      "posix_memalign 1 MiB, large");
	memset(p, 1, 3 << 20);
	free(p);
	p = aligned_alloc(4096, 10000);
	check(p != NULL && aligned(p, 4096), "aligned_alloc 4096");
	free(p);
	p = memalign(256, 1000);
	check(p != NULL && aligned(p, 256), "memalign 256");
	memset(p, 2, 1000);
	p = realloc(p, 5000);
	check(p != NULL && ((unsigned char *)p)[999] == 2,
	      "realloc of memalign");
	free(p);
	p = valloc(100);
	check(p != NULL && aligned(p, page), "valloc");
	free(p);
	p = pvalloc(100);
	check(p != NULL && aligned(p, page) && malloc_usable_size(p) >= page,
	      "pvalloc: a whole page");
	free(p);
	printf("libmm-smoke: aligned allocation ok\n");
}

/* One thread's workload: random blocks, each filled and checked. */
static void *worker(void *arg)
{
	uint64_t state = (uintptr_t)arg * 0x9E3779B97F4A7C15u + 1;
	unsigned char *blocks[SLOTS] = {0};
	size_t sizes[SLOTS] = {0};
	bool ok = true;
	for (int op = 0; op < THREAD_OPS; op++) {
		state = state * 6364136223846793005u + 1442695040888963407u;
		size_t i = (state >> 33) % SLOTS;
		unsigned char tag = (unsigned char)(i + (uintptr_t)arg * 64);
		if (blocks[i] != NULL) {
			for (size_t j = 0; j < sizes[i]; j++)
				ok = ok && blocks[i][j] == tag;
			free(blocks[i]);
			blocks[i] = NULL;
			continue;
		}
		sizes[i] = (state >> 40) % (op % 100 == 0 ? 300000 : 2000);
		blocks[i] =
			op % 3 == 0 ? calloc(1, sizes[i]) : malloc(sizes[i]);
		if (blocks[i] == NULL)
			return (void *)0;
		memset(blocks[i], tag, sizes[i]);
	}
	for (size_t i = 0; i < SLOTS; i++)
		free(blocks[i]);
	return (void *)(uintptr_t)ok;
}

static void check_threads_and_fork(void)
{
	pthread_t threads[THREADS];
	for (uintptr_t t = 0; t < THREADS; t++)
		pthread_create(&threads[t], NULL, worker, (void *)t);
	/* Fork while the workers allocate: the child must find the lock free.
	 * It then becomes /bin/true, leaving behind the workers' blocks (which
	 * memcheck would otherwise report as lost in every child). */
	fflush(stdout);
	for (int i = 0; i < FORKS; i++) {
		pid_t child = fork();
		if (child == 0) {
			alarm(10); /* a deadlocked child dies instead of hanging */
			void *p = malloc(1000);
			free(p);
			if (p == NULL)
				_exit(1);
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		int status = 0;
		waitpid(child, &status, 0);
		check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "a child forked amid allocations can allocate");
	}
	for (int t = 0; t < THREADS; t++) {
		void *ok = NULL;
		pthread_join(threads[t], &ok);
		check(ok != NULL, "threads: every block kept its contents");
	}
	printf("libmm-smoke: threads and fork ok\n");
}

int main(void)
{
	harness_proof_begin();
	if (!malloc_is_libmm()) {
		fprintf(stderr,
			"libmm-smoke: malloc is not libmm.so's: run it as"
			" LD_PRELOAD=$PWD/libmm.so ./libmm-smoke\n");
		return 1;
	}
	check_basics();
	check_errno();
	check_aligned();
	check_threads_and_fork();
	printf(all_ok ? "libmm-smoke: all checks passed\n"
		      : "libmm-smoke: some checks FAILED\n");
	if (all_ok)
		harness_proof_done("libmm-smoke", "basics errno aligned "
						  "threads fork");
	return all_ok ? 0 : 1;
}
