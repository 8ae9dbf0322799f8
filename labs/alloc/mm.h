/*
 * mm.h: the allocator's interface.
 *
 * The same functions as malloc(3) and friends, with an mm_ prefix so that a
 * program can hold both allocators at once (the driver compares them). They
 * take their memory from memlib.h, and they are not thread-safe: libmm.c
 * wraps them in a lock to make the real malloc, free, ...
 *
 * The contract, where the C standard leaves a choice:
 *
 *   - every pointer returned is aligned to 16 bytes, alignof(max_align_t);
 *   - mm_malloc(0) returns a unique pointer (to a block of the smallest size),
 *     as glibc does, never NULL unless memory is exhausted;
 *   - mm_free(NULL) does nothing; freeing anything else that is not a live
 *     block is reported on stderr and aborts, when it can be detected;
 *   - mm_realloc(NULL, n) is mm_malloc(n);
 *   - mm_realloc(p, 0) frees p and returns NULL, as glibc does;
 *   - if mm_realloc fails it returns NULL and leaves the old block intact;
 *   - mm_calloc returns NULL if nmemb * size overflows a size_t;
 *   - a function that returns NULL for want of memory (or for a size too
 *     large to ask for, an overflowing mm_calloc among them) sets errno to
 *     ENOMEM, as POSIX requires of malloc.
 */
#ifndef MM_H
#define MM_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Sets up an empty heap at the current break (the simulated one: call
 * mem_reset() first to start over). Returns false if the break cannot grow.
 */
bool mm_init(void);

/* Returns a block of at least size bytes, or NULL if there is no memory. */
void *mm_malloc(size_t size);

/* Frees a block from mm_malloc, mm_realloc, mm_calloc or mm_memalign. */
void mm_free(void *ptr);

/*
 * Resizes the block at ptr to size bytes, in place when it can, and returns
 * its (possibly new) address; the contents up to the smaller size stay.
 */
void *mm_realloc(void *ptr, size_t size);

/* Returns a block for nmemb elements of size bytes, zeroed, or NULL. */
void *mm_calloc(size_t nmemb, size_t size);

/*
 * Returns a block of size bytes whose address is a multiple of alignment,
 * which must be a power of two; NULL if it is not, or if there is no memory.
 */
void *mm_memalign(size_t alignment, size_t size);

/* Returns how many bytes the caller may use at ptr (at least the size asked). */
size_t mm_usable_size(const void *ptr);

/*
 * Checks every invariant of the heap. Returns true if they all hold; else
 * prints the first broken one on stderr, with line (the caller's __LINE__),
 * and returns false.
 */
bool mm_checkheap(int line);

/* Prints every block and every free list on stderr; for use from gdb. */
void mm_heap_dump(void);

#endif
