/*
 * testutil.h: what the allocator's tests share.
 *
 * Every test starts from an empty simulated heap (heap_fresh) and checks
 * invariants through the interface: alignment, no overlap, contents kept,
 * whether the heap had to grow, and where blocks land. A few tests of the
 * checker (stage 6) corrupt the heap on purpose, and so rely on the block
 * layout that mm.c's given code defines: an 8-byte header before the payload
 * holding the block size with the flag bits below.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include "harness.h"
#include "memlib.h"
#include "mm.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* The block layout of mm.c (see block_t there). */
enum {
	HEADER_SIZE = 8,
	ALLOC_FLAG = 0x1,
	PREV_ALLOC_FLAG = 0x2,
	FLAG_BITS = 0xF,
	TEST_ALIGNMENT = 16, /* alignof(max_align_t) */
	LARGE = 200 << 10,   /* above any starting mmap threshold a lab picks */
};

/* Starts the test on an empty heap. */
static inline void heap_fresh(void)
{
	mem_reset();
	cr_assert(mm_init(), "mm_init() failed on an empty heap");
}

/* Returns true if ptr lies inside the heap (not in a mapping). */
static inline bool in_heap(const void *ptr)
{
	const unsigned char *p = ptr;
	return p >= (const unsigned char *)mem_heap_lo() &&
	       p <= (const unsigned char *)mem_heap_hi();
}

/* The byte the tests keep at offset i of a block filled with seed. */
static inline unsigned char test_byte(unsigned seed, size_t i)
{
	return (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

static inline void fill(void *ptr, size_t len, unsigned seed)
{
	unsigned char *p = ptr;
	for (size_t i = 0; i < len; i++)
		p[i] = test_byte(seed, i);
}

/* Returns true if the block still holds what fill(ptr, len, seed) wrote. */
static inline bool holds(const void *ptr, size_t len, unsigned seed)
{
	const unsigned char *p = ptr;
	for (size_t i = 0; i < len; i++)
		if (p[i] != test_byte(seed, i))
			return false;
	return true;
}

/* Returns the header word of the block whose payload is at ptr. */
static inline uint64_t *header_of(void *ptr)
{
	return (uint64_t *)((unsigned char *)ptr - HEADER_SIZE);
}

/* Returns the size of the block whose payload is at ptr, from its header. */
static inline size_t block_size_of(void *ptr)
{
	return (size_t)(*header_of(ptr) & ~(uint64_t)FLAG_BITS);
}

/*
 * Fills the heap: caps the break where it is, then allocates small blocks
 * until the allocator can find no more room in the heap (it returns NULL,
 * or a block from a mapping, which is freed again). Afterwards only blocks
 * the test frees can serve a request from the heap.
 */
static inline void heap_fill_up(void)
{
	mem_set_limit(mem_heapsize());
	for (int i = 0; i < 1 << 20; i++) {
		void *p = mm_malloc(8);
		if (p == NULL)
			return;
		if (!in_heap(p)) {
			mm_free(p);
			return;
		}
	}
	cr_assert_fail("the heap never fills up");
}

/* A small deterministic random generator (xorshift64*), for workloads. */
static inline uint64_t test_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1Du;
}

/*
 * Runs a shell command and stores what it prints (stdout and stderr) in
 * out, of cap bytes, always terminated. Returns its exit status, or -1 if it
 * did not exit normally.
 */
static inline int run_capture(const char *command, char *out, size_t cap)
{
	char line[4096];
	snprintf(line, sizeof line, "%s 2>&1", command);
	FILE *pipe = popen(line, "r");
	cr_assert_not_null(pipe, "cannot run %s", command);
	size_t n = 0, got;
	while ((got = fread(out + n, 1, cap - 1 - n, pipe)) > 0)
		n += got;
	char sink[4096]; /* read the rest, so the command never blocks */
	while (fread(sink, 1, sizeof sink, pipe) > 0)
		continue;
	out[n] = '\0';
	int status = pclose(pipe);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Walks the heap as chapter 9 lays it out, without trusting mm_checkheap
 * (a stub until stage 6): a padding word, the prologue (16 bytes,
 * allocated), blocks, and the epilogue (size 0, allocated) as the heap's
 * last word. Fails the test unless the blocks tile the heap exactly, each
 * a multiple of 16 and at least MIN_BLOCK bytes (a header, two links and a
 * footer). With boundary_tags (stage 3 on) it also checks every free
 * block's footer, every P bit, and that no two free blocks touch.
 */
enum { MIN_BLOCK = 32, PROLOGUE = 16 };

static inline void heap_walk_check(bool boundary_tags)
{
	unsigned char *lo = mem_heap_lo();
	unsigned char *end = (unsigned char *)mem_heap_hi() + 1;
	uint64_t *prologue = (uint64_t *)(lo + HEADER_SIZE);
	cr_assert((*prologue & ~(uint64_t)FLAG_BITS) == PROLOGUE &&
			  (*prologue & ALLOC_FLAG),
		  "heap walk: the prologue is not an allocated 16-byte block");
	unsigned char *block = lo + HEADER_SIZE + PROLOGUE;
	bool prev_alloc = true, prev_free = false;
	for (size_t n = 0;; n++) {
		cr_assert(
			block + HEADER_SIZE <= end,
			"heap walk: block %zu starts past the end of the heap",
			n);
		uint64_t header = *(uint64_t *)block;
		size_t size = (size_t)(header & ~(uint64_t)FLAG_BITS);
		bool alloc = header & ALLOC_FLAG;
		if (boundary_tags)
			cr_assert_eq((header & PREV_ALLOC_FLAG) != 0,
				     prev_alloc,
				     "heap walk: block %zu (%zu bytes) has its "
				     "P bit "
				     "%s, but the block before it is %s",
				     n, size, prev_alloc ? "clear" : "set",
				     prev_alloc ? "allocated" : "free");
		if (size == 0) {
			cr_assert(
				alloc && block + HEADER_SIZE == end,
				"heap walk: a block of size 0 that is not the "
				"epilogue, at the heap's last word");
			return;
		}
		cr_assert(size % TEST_ALIGNMENT == 0 && size >= MIN_BLOCK,
			  "heap walk: block %zu is %zu bytes: a block is a "
			  "multiple of 16 and at least %d bytes",
			  n, size, MIN_BLOCK);
		cr_assert(block + size + HEADER_SIZE <= end,
			  "heap walk: block %zu (%zu bytes) runs past the "
			  "epilogue",
			  n, size);
		if (boundary_tags && !alloc) {
			uint64_t footer =
				*(uint64_t *)(block + size - HEADER_SIZE);
			cr_assert_eq(
				footer, header,
				"heap walk: free block %zu (%zu bytes): its "
				"footer differs from its header",
				n, size);
			cr_assert_not(prev_free,
				      "heap walk: free block %zu "
				      "follows a free block: they "
				      "should have merged",
				      n);
		}
		prev_alloc = alloc;
		prev_free = !alloc;
		block += size;
	}
}

/* Skips the test in a sanitizer build (make asan): a program built with
 * AddressSanitizer can neither be preloaded into other programs nor run
 * under Valgrind. */
static inline void skip_under_sanitizer(void)
{
#ifdef __SANITIZE_ADDRESS__
	cr_skip_test("not in a sanitizer build (LD_PRELOAD and Valgrind "
		     "cannot load AddressSanitizer code)");
#endif
}

/* Skips the test unless the program runs (for valgrind, python3...). */
static inline void require_program(const char *check_command)
{
	char command[1024];
	snprintf(command, sizeof command, "%s >/dev/null 2>&1", check_command);
	if (system(command) != 0)
		cr_skip_test("'%s' does not run here", check_command);
}

#endif
