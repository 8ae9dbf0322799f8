/*
 * libmm.c: the allocator as the process's malloc (stage 8).
 *
 * Built into libmm.so with mm.c and memlib_brk.c (the real break), it
 * exports the whole malloc family, so that
 *
 *     LD_PRELOAD=$PWD/libmm.so ls -l
 *
 * runs ls, and everything ls's libraries allocate, on mm.c. The dynamic
 * linker binds every call to malloc, in the program and in libc itself, to
 * the first library that defines it: this one.
 *
 * mm.c is not thread-safe, so every call takes one lock (once the process
 * has a second thread). fork() must not happen while another thread holds
 * it (the child would inherit a lock that nobody will ever release), hence
 * the pthread_atfork handlers. free() keeps
 * errno, as POSIX requires. The library is compiled with -fno-builtin-malloc
 * and friends (see the Makefile) so that gcc never replaces code here with a
 * call to the very function being defined.
 */
#include "mm.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/single_threaded.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/*
 * The whole family, or nothing (chapter 11): until mm_memalign works
 * (stage 8), programs that ask for an aligned block would get NULL from
 * this library, or worse, so it refuses to run them at all. Called once,
 * when the heap is set up; stops the process with a message if the check
 * fails, and returns true otherwise.
 */
static bool family_complete(void)
{
	enum { PROBE_ALIGN = 64 };
	void *probe = mm_memalign(PROBE_ALIGN, 1);
	bool ok = probe != NULL && (uintptr_t)probe % PROBE_ALIGN == 0;
	if (probe != NULL)
		mm_free(probe);
	if (!ok) {
		static const char msg[] =
			"libmm: mm_memalign does not work yet (stage 8); "
			"libmm.so runs programs only with the whole malloc "
			"family\n";
		ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
		(void)ignored;
		_exit(EXIT_FAILURE); /* not 127: that says "command not found" */
	}
	return true;
}

// ANCHOR: lock
static pthread_mutex_t mm_lock = PTHREAD_MUTEX_INITIALIZER;
static bool mm_ready; /* mm_init() has succeeded; guarded by mm_lock */

/*
 * Takes the lock and sets the heap up on the first call. While the process
 * has only ever had one thread (glibc's __libc_single_threaded), no other
 * thread can be in here, and it skips the lock, which would cost two atomic
 * instructions per call for nothing. Returns whether it took the lock, for
 * unlock_heap(); callers then check mm_ready.
 */
static bool lock_heap(void)
{
	bool locked = !__libc_single_threaded;
	if (locked)
		pthread_mutex_lock(&mm_lock);
	if (!mm_ready)
		mm_ready = mm_init() && family_complete();
	return locked;
}

static void unlock_heap(bool locked)
{
	if (locked)
		pthread_mutex_unlock(&mm_lock);
}
// ANCHOR_END: lock

// ANCHOR: atfork
/* Before fork: hold the lock, so no other thread is inside the allocator. */
static void before_fork(void)
{
	pthread_mutex_lock(&mm_lock);
}

/* After fork, in the parent and in the child: release it again. */
static void after_fork(void)
{
	pthread_mutex_unlock(&mm_lock);
}

__attribute__((constructor)) static void libmm_setup(void)
{
	pthread_atfork(before_fork, after_fork, after_fork);
}
// ANCHOR_END: atfork

// ANCHOR: malloc_free
EXPORT void *malloc(size_t size)
{
	bool locked = lock_heap();
	void *ptr = mm_ready ? mm_malloc(size) : NULL;
	unlock_heap(locked);
	if (ptr == NULL)
		errno = ENOMEM;
	return ptr;
}

EXPORT void free(void *ptr)
{
	if (ptr == NULL)
		return;
	int saved = errno; /* free must not change errno (POSIX 2024) */
	bool locked = lock_heap();
	mm_free(ptr);
	unlock_heap(locked);
	errno = saved;
}
// ANCHOR_END: malloc_free

EXPORT void *calloc(size_t nmemb, size_t size)
{
	bool locked = lock_heap();
	void *ptr = mm_ready ? mm_calloc(nmemb, size) : NULL;
	unlock_heap(locked);
	if (ptr == NULL)
		errno = ENOMEM;
	return ptr;
}

EXPORT void *realloc(void *ptr, size_t size)
{
	if (ptr == NULL)
		return malloc(size);
	bool locked = lock_heap();
	void *fresh = mm_ready ? mm_realloc(ptr, size) : NULL;
	unlock_heap(locked);
	if (fresh == NULL && size != 0)
		errno = ENOMEM;
	return fresh;
}

/* Not among the functions the glibc manual says a replacement must provide
 * (glibc 2.36's own reallocarray calls whichever realloc is interposed);
 * defined so that programs calling it use one allocator's code path. */
EXPORT void *reallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(ptr, nmemb * size);
}

// ANCHOR: aligned
/* Returns true if alignment is a power of two. */
static bool is_power_of_two(size_t alignment)
{
	return alignment != 0 && (alignment & (alignment - 1)) == 0;
}

EXPORT void *memalign(size_t alignment, size_t size)
{
	if (!is_power_of_two(alignment)) {
		/* glibc rounds a bad alignment up to a power of two. */
		size_t power = sizeof(void *);
		while (power < alignment && power <= SIZE_MAX / 2)
			power *= 2;
		alignment = power;
	}
	bool locked = lock_heap();
	void *ptr = mm_ready ? mm_memalign(alignment, size) : NULL;
	unlock_heap(locked);
	if (ptr == NULL)
		errno = ENOMEM;
	return ptr;
}

EXPORT int posix_memalign(void **memptr, size_t alignment, size_t size)
{
	if (!is_power_of_two(alignment) || alignment % sizeof(void *) != 0)
		return EINVAL;
	int saved = errno; /* posix_memalign reports errors by its result */
	void *ptr = memalign(alignment, size);
	errno = saved;
	if (ptr == NULL)
		return ENOMEM;
	*memptr = ptr;
	return 0;
}

EXPORT void *aligned_alloc(size_t alignment, size_t size)
{
	if (!is_power_of_two(alignment)) {
		errno = EINVAL;
		return NULL;
	}
	return memalign(alignment, size);
}

EXPORT void *valloc(size_t size)
{
	return memalign((size_t)sysconf(_SC_PAGESIZE), size);
}

EXPORT void *pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (size > SIZE_MAX - page) {
		errno = ENOMEM;
		return NULL;
	}
	size_t rounded = size == 0 ? page : (size + page - 1) & ~(page - 1);
	return memalign(page, rounded);
}
// ANCHOR_END: aligned

EXPORT size_t malloc_usable_size(void *ptr)
{
	if (ptr == NULL)
		return 0;
	bool locked = lock_heap();
	size_t size = mm_usable_size(ptr);
	unlock_heap(locked);
	return size;
}
