/*
 * memlib_brk.c: the process's real program break, for libmm.so.
 *
 * The heap starts at the break as it is on first use, rounded up to a page.
 * The allocator sees a break that moves by exactly what it asks for (the
 * "logical" break); underneath, this file moves the real break with sbrk(2)
 * in steps of at least BRK_STEP, so that a run of small requests costs few
 * system calls, and gives memory back once BRK_KEEP bytes lie unused.
 *
 * The heap must stay one contiguous range. If anything else in the process
 * has moved the break since we last did, or the break cannot grow (Valgrind
 * caps it near 8 MB), mem_sbrk() fails; the allocator then serves the request
 * with mem_map() instead.
 */
#define _GNU_SOURCE /* mremap(2) */
#include "memlib.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include <valgrind/memcheck.h>

enum {
	BRK_STEP = 256 << 10, /* grow the real break by at least this much */
	BRK_KEEP = 1 << 20,   /* give back memory once this much lies unused */
};

static struct {
	unsigned char *lo;  /* the heap's first byte; NULL before first use */
	unsigned char *end; /* the logical break: the end of the heap */
	unsigned char
		*real; /* the real break as we last left it; end <= real */
} brk_heap;

/* Sets the heap up at the current break, page-aligned. Returns success. */
static bool brk_start(void)
{
	if (brk_heap.lo != NULL)
		return true;
	unsigned char *cur = sbrk(0);
	if (cur == MEM_FAILED)
		return false;
	size_t pad = -(uintptr_t)cur & (mem_pagesize() - 1);
	if (pad > 0 && sbrk((intptr_t)pad) == MEM_FAILED)
		return false;
	brk_heap.lo = brk_heap.end = brk_heap.real = cur + pad;
	return true;
}

/* Returns true if the real break is still where we left it. */
static bool brk_is_ours(void)
{
	return sbrk(0) == brk_heap.real;
}

// ANCHOR: brk_grow
/*
 * Makes sure incr more bytes lie below the real break. Returns false (errno
 * ENOMEM) if the break cannot grow or someone else has moved it.
 */
static bool brk_grow(size_t incr)
{
	size_t spare = (size_t)(brk_heap.real - brk_heap.end);
	if (incr <= spare)
		return true;
	size_t need = incr - spare;
	size_t page = mem_pagesize();
	if (need > INTPTR_MAX - BRK_STEP || !brk_is_ours()) {
		errno = ENOMEM;
		return false;
	}
	size_t step = need > BRK_STEP ? need : BRK_STEP;
	step = (step + page - 1) & ~(page - 1);
	if (sbrk((intptr_t)step) == MEM_FAILED) {
		step = (need + page - 1) &
		       ~(page - 1); /* just what is needed */
		if (sbrk((intptr_t)step) == MEM_FAILED)
			return false;
	}
	VALGRIND_MAKE_MEM_NOACCESS(brk_heap.real, step);
	brk_heap.real += step;
	return true;
}
// ANCHOR_END: brk_grow

/* Gives back the memory past the logical break, if there is much of it. */
static void brk_release(void)
{
	size_t spare = (size_t)(brk_heap.real - brk_heap.end);
	if (spare < BRK_KEEP || !brk_is_ours())
		return;
	size_t give = (spare - BRK_STEP) & ~(mem_pagesize() - 1);
	if (sbrk(-(intptr_t)give) != MEM_FAILED)
		brk_heap.real -= give;
}

// ANCHOR: brk_sbrk
void *mem_sbrk(intptr_t incr)
{
	if (!brk_start()) {
		errno = ENOMEM;
		return MEM_FAILED;
	}
	size_t used = (size_t)(brk_heap.end - brk_heap.lo);
	if (incr >= 0 && !brk_grow((size_t)incr))
		return MEM_FAILED;
	if (incr < 0 && (size_t)-incr > used) {
		errno = ENOMEM;
		return MEM_FAILED;
	}
	unsigned char *old = brk_heap.end;
	brk_heap.end += incr;
	if (incr > 0) {
		VALGRIND_MAKE_MEM_UNDEFINED(old, (size_t)incr);
	} else if (incr < 0) {
		VALGRIND_MAKE_MEM_NOACCESS(brk_heap.end, (size_t)-incr);
		brk_release();
	}
	return old;
}
// ANCHOR_END: brk_sbrk

void *mem_heap_lo(void)
{
	brk_start();
	return brk_heap.lo;
}

void *mem_heap_hi(void)
{
	brk_start();
	return brk_heap.end - 1;
}

size_t mem_heapsize(void)
{
	brk_start();
	return (size_t)(brk_heap.end - brk_heap.lo);
}

size_t mem_pagesize(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

void *mem_map(size_t len)
{
	void *addr = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return addr == MAP_FAILED ? NULL : addr;
}

void mem_unmap(void *addr, size_t len)
{
	munmap(addr, len);
}

void *mem_remap(void *addr, size_t old_len, size_t new_len)
{
	void *moved = mremap(addr, old_len, new_len, MREMAP_MAYMOVE);
	return moved == MAP_FAILED ? NULL : moved;
}
