/*
 * memlib_sim.c: a simulated break, for the driver and the tests.
 *
 * At first use it reserves one large mapping of MEM_SIM_MAX_HEAP bytes; the
 * "break" is a pointer into it that mem_sbrk() moves. Nothing else in the
 * process moves that pointer, so a run is deterministic: the same calls give
 * the same heap, at the same offsets from mem_heap_lo(), every time.
 * mem_reset() starts again from an empty heap.
 *
 * Under Valgrind the memory past the break is marked inaccessible, as past a
 * real break, so memcheck reports a stray access beyond the heap.
 *
 * Mappings for large blocks are real mmap(2) mappings; this file counts them,
 * remembers them (so that mem_reset() can unmap what the allocator leaked) and
 * tells the driver through the map hook.
 */
#define _GNU_SOURCE /* mremap(2) */
#include "memlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <valgrind/memcheck.h>

/* One live mapping made by mem_map(). */
struct mapping {
	void *addr;
	size_t len;
};

static struct {
	unsigned char *start; /* the reserved region; the heap's first byte */
	unsigned char *brk;   /* the simulated break */
	size_t limit;         /* the heap may not grow past this many bytes */
	struct mapping *mappings; /* live mappings, in no order */
	size_t nmappings;         /* how many entries of mappings are used */
	size_t capacity;          /* how many entries mappings has room for */
	size_t mapped_bytes;      /* the sum of their lengths */
	mem_map_hook *hook;       /* told about every map and unmap, or NULL */
} sim;

/* Reserves the region on first use; exits if the system refuses it. */
static void sim_start(void)
{
	if (sim.start != NULL)
		return;
	void *region = mmap(NULL, MEM_SIM_MAX_HEAP, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (region == MAP_FAILED) {
		perror("memlib_sim: cannot reserve the simulated heap");
		exit(EXIT_FAILURE);
	}
	VALGRIND_MAKE_MEM_NOACCESS(region, MEM_SIM_MAX_HEAP);
	sim.start = region;
	sim.brk = region;
	sim.limit = MEM_SIM_MAX_HEAP;
}

// ANCHOR: sim_sbrk
void *mem_sbrk(intptr_t incr)
{
	sim_start();
	size_t used = (size_t)(sim.brk - sim.start);
	size_t room = used < sim.limit ? sim.limit - used : 0;
	bool fits = incr >= 0 ? (size_t)incr <= room : (size_t)-incr <= used;
	if (!fits) {
		errno = ENOMEM;
		return MEM_FAILED;
	}
	unsigned char *old = sim.brk;
	sim.brk += incr;
	if (incr > 0)
		VALGRIND_MAKE_MEM_UNDEFINED(old, (size_t)incr);
	else if (incr < 0)
		VALGRIND_MAKE_MEM_NOACCESS(sim.brk, (size_t)-incr);
	return old;
}
// ANCHOR_END: sim_sbrk

void *mem_heap_lo(void)
{
	sim_start();
	return sim.start;
}

void *mem_heap_hi(void)
{
	sim_start();
	return sim.brk - 1;
}

size_t mem_heapsize(void)
{
	sim_start();
	return (size_t)(sim.brk - sim.start);
}

size_t mem_pagesize(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Records a new mapping. Returns false if there is no room to record it. */
static bool mapping_add(void *addr, size_t len)
{
	if (sim.nmappings == sim.capacity) {
		size_t capacity = sim.capacity == 0 ? 64 : 2 * sim.capacity;
		struct mapping *grown =
			realloc(sim.mappings, capacity * sizeof *grown);
		if (grown == NULL)
			return false;
		sim.mappings = grown;
		sim.capacity = capacity;
	}
	sim.mappings[sim.nmappings++] = (struct mapping){addr, len};
	sim.mapped_bytes += len;
	if (sim.hook != NULL)
		sim.hook(addr, len, true);
	return true;
}

/* Forgets the mapping at addr. Returns false if there is none. */
static bool mapping_remove(void *addr)
{
	for (size_t i = 0; i < sim.nmappings; i++) {
		if (sim.mappings[i].addr != addr)
			continue;
		size_t len = sim.mappings[i].len;
		sim.mappings[i] = sim.mappings[--sim.nmappings];
		sim.mapped_bytes -= len;
		if (sim.hook != NULL)
			sim.hook(addr, len, false);
		return true;
	}
	return false;
}

void *mem_map(size_t len)
{
	void *addr = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED)
		return NULL;
	if (!mapping_add(addr, len)) {
		munmap(addr, len);
		return NULL;
	}
	return addr;
}

void mem_unmap(void *addr, size_t len)
{
	if (!mapping_remove(addr)) {
		fprintf(stderr,
			"memlib_sim: mem_unmap(%p, %zu): no such mapping\n",
			addr, len);
		abort();
	}
	munmap(addr, len);
}

void *mem_remap(void *addr, size_t old_len, size_t new_len)
{
	void *moved = mremap(addr, old_len, new_len, MREMAP_MAYMOVE);
	if (moved == MAP_FAILED)
		return NULL;
	mapping_remove(addr);
	if (!mapping_add(moved, new_len)) {
		munmap(moved, new_len);
		return NULL; /* cannot happen unless realloc fails */
	}
	return moved;
}

void mem_reset(void)
{
	sim_start();
	VALGRIND_MAKE_MEM_NOACCESS(sim.start, (size_t)(sim.brk - sim.start));
	sim.brk = sim.start;
	sim.limit = MEM_SIM_MAX_HEAP;
	while (sim.nmappings > 0) {
		struct mapping leaked = sim.mappings[0];
		mem_unmap(leaked.addr, leaked.len);
	}
}

void mem_set_limit(size_t max_bytes)
{
	sim_start();
	sim.limit = max_bytes < MEM_SIM_MAX_HEAP ? max_bytes : MEM_SIM_MAX_HEAP;
}

size_t mem_mapped_bytes(void)
{
	return sim.mapped_bytes;
}

size_t mem_mapped_count(void)
{
	return sim.nmappings;
}

void mem_set_map_hook(mem_map_hook *hook)
{
	sim.hook = hook;
}
