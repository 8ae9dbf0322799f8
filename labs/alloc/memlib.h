/*
 * memlib.h: where the allocator gets its memory.
 *
 * The allocator in mm.c asks for memory in two ways only, and both go through
 * this interface:
 *
 *   - a break, a boundary it moves up (and down) with mem_sbrk(), exactly like
 *     sbrk(2): the heap is every byte between mem_heap_lo() and the break;
 *   - whole mappings, for large blocks, with mem_map() and mem_unmap(), like
 *     mmap(2) and munmap(2).
 *
 * Two files implement it, and mm.c compiles unchanged against either:
 *
 *   memlib_sim.c  a SIMULATED break inside one big mapping reserved at start-up:
 *                 deterministic, resettable with mem_reset(), watched by the
 *                 driver and the tests. Used by mdriver and run-tests.
 *   memlib_brk.c  the process's real program break (sbrk), for libmm.so.
 *
 * The functions are not thread-safe: the caller (libmm.c) holds a lock.
 */
#ifndef MEMLIB_H
#define MEMLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What mem_sbrk() returns when the break cannot move, like sbrk(2). */
#define MEM_FAILED ((void *)-1)

/*
 * Moves the break by incr bytes (incr may be negative) and returns the old
 * break, so a positive incr returns the start of the new memory.
 * Returns MEM_FAILED, with errno set to ENOMEM, if the break cannot move:
 * the heap would pass its limit or drop below mem_heap_lo().
 */
void *mem_sbrk(intptr_t incr);

/* Returns the heap's first byte: the break as it was before any mem_sbrk(). */
void *mem_heap_lo(void);

/* Returns the heap's last byte (the break minus one). */
void *mem_heap_hi(void);

/* Returns the heap's size in bytes: the break minus mem_heap_lo(). */
size_t mem_heapsize(void);

/* Returns the page size: mappings are made of whole pages. */
size_t mem_pagesize(void);

/*
 * Maps len bytes of fresh zeroed memory, readable and writable, at an address
 * the system chooses (page-aligned). len must be a multiple of the page size.
 * Returns NULL if the system refuses.
 */
void *mem_map(size_t len);

/* Unmaps a mapping made by mem_map() (or mem_remap()), all len bytes of it. */
void mem_unmap(void *addr, size_t len);

/*
 * Resizes a mapping from old_len to new_len bytes (both multiples of the page
 * size), moving it if it must; the contents up to the smaller length stay.
 * Returns the mapping's new address, or NULL (the old mapping left intact).
 */
void *mem_remap(void *addr, size_t old_len, size_t new_len);

/* ---- The simulated break only (memlib_sim.c) ----------------------------- */

/* The largest heap the simulated break can hold. */
enum { MEM_SIM_MAX_HEAP = 256 << 20 };

/*
 * Empties the simulated heap: the break goes back to mem_heap_lo(), every
 * mapping still made by mem_map() is unmapped, the limit is lifted.
 * Call it before mm_init() to start from nothing.
 */
void mem_reset(void);

/*
 * Caps the heap at max_bytes (at most MEM_SIM_MAX_HEAP), so that mem_sbrk()
 * fails beyond it: a break that cannot grow, as under Valgrind.
 */
void mem_set_limit(size_t max_bytes);

/* Returns the bytes mapped with mem_map() and not yet unmapped. */
size_t mem_mapped_bytes(void);

/* Returns how many mappings made with mem_map() are still mapped. */
size_t mem_mapped_count(void);

/*
 * A function told about every mapping made (mapped is true) or unmapped
 * (false); a mem_remap() is told as an unmap of the old and a map of the new.
 */
typedef void mem_map_hook(void *addr, size_t len, bool mapped);

/* Installs hook (NULL removes it). The driver uses it to track mappings. */
void mem_set_map_hook(mem_map_hook *hook);

#endif
