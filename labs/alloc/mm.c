/*
 * mm.c: a malloc built on a break.
 *
 * The heap is one contiguous run of blocks between the start of the heap and
 * the break (memlib.h), framed by a prologue and an epilogue block that are
 * always allocated, so that no block has to be treated as a special case:
 *
 *   pad | prologue | block | block | ... | block | epilogue |  <- break
 *
 * The algorithm, in the order the lab builds it:
 *
 *   1. Every block starts with an 8-byte header: the block's size (a multiple
 *      of 16, which leaves the low four bits for flags) and the flags. The
 *      sizes chain the blocks into an implicit list (stage 2).
 *   2. A free block also ends with a copy of its header, a footer (a boundary
 *      tag), and every header says whether the block before it is allocated,
 *      so free() can find and merge a free neighbour on either side in O(1):
 *      no two free blocks are ever adjacent (stage 3).
 *   3. Free blocks sit on NUM_CLASSES doubly linked lists, one per size
 *      class: one size each up to SMALL_MAX, then four classes per power of
 *      two. malloc takes the best of the first FIT_CANDIDATES blocks that
 *      fit in the smallest class that can hold the request, and splits off
 *      the rest. A freed small block first waits on a quick list for its
 *      exact size, unmerged, for the next request of that size; the quick
 *      lists are merged into the heap only before it would grow (stage 4).
 *      realloc grows a block in place when the block after it is free or is
 *      the end of the heap.
 *   4. Requests of heap.mmap_threshold bytes or more get a mapping of their
 *      own, given back at once by free, and so does a block that realloc
 *      grows that large. The threshold starts at MMAP_THRESHOLD and rises,
 *      as glibc's does, to the size of each mapped block that is freed, up
 *      to MMAP_THRESHOLD_MAX. A free block at the top of the heap of
 *      TRIM_THRESHOLD bytes or more goes back to the system by lowering the
 *      break (stage 5).
 *   5. mm_checkheap() checks all of the above (stage 6); under Valgrind, the
 *      allocator describes its blocks to memcheck (stage 7).
 *
 * The layout follows Bryant and O'Hallaron, Computer Systems: A Programmer's
 * Perspective, 3rd ed., section 9.9, with their macros replaced by the typed
 * inline helpers below.
 */
#include "mm.h"

#include "memlib.h"

#include <assert.h>
#include <errno.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>

/* The stubs leave some helpers and constants unused until you write the
 * code that uses them; delete these lines when you have written it all. */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-const-variable"

// ANCHOR: constants
enum {
	ALIGNMENT = 16,         /* every payload is aligned to this */
	WORD_SIZE = 8,          /* a header, a footer, a list link */
	MIN_BLOCK_SIZE = 32,    /* header, two links, footer */
	PROLOGUE_SIZE = 16,     /* header and footer, no payload */
	CHUNK_SIZE = 4096,      /* grow the heap by at least this much */
	NUM_SMALL_CLASSES = 31, /* one size each: 32, 48, ..., 512 */
	SMALL_MAX = 512,        /* the largest of those */
	SMALL_MAX_LOG2 = 9,     /* SMALL_MAX is 1 << 9 */
	QUARTERS = 4,           /* then four classes per power of two */
	NUM_CLASSES = 64,       /* up to 128 KiB, then one for the rest */
	FIT_CANDIDATES = 4,     /* blocks find_fit compares in a class */
	SMALL_PLACE = 256,      /* smaller blocks go at a free block's end */
	MMAP_THRESHOLD = 128 << 10,   /* blocks this large get a mapping, */
	MMAP_THRESHOLD_MAX = 1 << 20, /* ... a threshold that rises to this */
	TRIM_THRESHOLD = 128 << 10,   /* trim a free top block this large */
	TRIM_KEEP = 64 << 10,         /* ... down to this size */
};

static_assert(ALIGNMENT == alignof(max_align_t),
	      "payloads must be aligned for any object");
static_assert(
	SMALL_MAX == MIN_BLOCK_SIZE + (NUM_SMALL_CLASSES - 1) * ALIGNMENT,
	"the small classes are the sizes from MIN_BLOCK_SIZE to SMALL_MAX");
static_assert(SMALL_MAX == 1 << SMALL_MAX_LOG2, "SMALL_MAX is a power of two");
static_assert(NUM_CLASSES <= 64, "heap.nonempty has a bit per class");

/* The flag bits in the low bits of a header; the size is the rest. */
static const uint64_t ALLOC_BIT = 0x1;      /* this block is allocated */
static const uint64_t PREV_ALLOC_BIT = 0x2; /* the block before it is */
static const uint64_t MAPPED_BIT = 0x4;     /* it has a mapping of its own */
static const uint64_t QUICK_BIT = 0x8;      /* freed, on a quick list */
static const uint64_t SIZE_MASK = ~(uint64_t)0xF;

/* Requests beyond this fail at once, as in glibc: no heap is this large. */
static const size_t MAX_REQUEST = PTRDIFF_MAX / 2;
// ANCHOR_END: constants

// ANCHOR: block_t
/*
 * A block, as seen from its header. Each box is 8 bytes; bp is the pointer
 * malloc returns, 16-aligned.
 *
 *     allocated block                 free block
 *     +----------------------+        +----------------------+
 *     | size | flags         |        | size | flags         |  header
 *  bp +----------------------+        +----------------------+
 *     | payload              |        | next free block      |
 *     | ...                  |        | previous free block  |
 *     |                      |        | ...                  |
 *     |                      |        | size | flags         |  footer
 *     +----------------------+        +----------------------+
 *
 * An allocated block needs no footer: the next block's PREV_ALLOC_BIT says
 * that it is allocated, and only a free block's size is ever read from below.
 */
typedef struct block {
	uint64_t header; /* size | QUICK, MAPPED, PREV_ALLOC, ALLOC bits */
	unsigned char payload[]; /* the program's bytes, or the free links */
} block_t;

/* The start of a free block's payload: its links in its free list. */
typedef struct free_links {
	block_t *next; /* the next block in the same list, or NULL */
	block_t *prev; /* the previous block in the list, or NULL */
} free_links_t;
// ANCHOR_END: block_t

/* The allocator's state, outside the heap. */
static struct heap_state {
	block_t *prologue;                 /* where walks of the heap start */
	block_t *free_lists[NUM_CLASSES];  /* the first block of each class */
	uint64_t nonempty;                 /* bit c: free_lists[c] not empty */
	block_t *quick[NUM_SMALL_CLASSES]; /* freed small blocks, by size */
	size_t mmap_threshold;             /* blocks this large get mapped */
	bool on_valgrind;                  /* tell memcheck about blocks */
} heap;

/* ---- Telling memcheck which bytes are the allocator's (stage 7) ---------- */

// ANCHOR: metadata_access
/*
 * Opens len bytes of the allocator's own metadata (a header, a footer, the
 * links) for the allocator to read or write. Under Valgrind they are kept
 * inaccessible the rest of the time, so that memcheck reports the program's
 * stray reads and writes of them.
 */
static inline void meta_open(const void *addr, size_t len)
{
	// TODO(stage 7): under Valgrind, make the bytes accessible.
	// Read 11-real-malloc.md#valgrind-client-requests.
	(void)addr;
	(void)len;
}

/* Closes len bytes of metadata again: under Valgrind, no access allowed. */
static inline void meta_close(const void *addr, size_t len)
{
	// TODO(stage 7): under Valgrind, make the bytes inaccessible.
	// Read 11-real-malloc.md#valgrind-client-requests.
	(void)addr;
	(void)len;
}
// ANCHOR_END: metadata_access

/* ---- Reading and writing blocks ------------------------------------------ */

// ANCHOR: block_helpers
/* Returns n rounded up to a multiple of align, a power of two. */
static inline size_t round_up(size_t n, size_t align)
{
	return (n + align - 1) & ~(align - 1);
}

/* Reads the 8-byte metadata word at word. */
static inline uint64_t word_get(const uint64_t *word)
{
	meta_open(word, sizeof *word);
	uint64_t value = *word;
	meta_close(word, sizeof *word);
	return value;
}

/* Writes value to the 8-byte metadata word at word. */
static inline void word_set(uint64_t *word, uint64_t value)
{
	meta_open(word, sizeof *word);
	*word = value;
	meta_close(word, sizeof *word);
}

/* Returns a header word: a size (a multiple of 16) with flag bits. */
static inline uint64_t pack(size_t size, uint64_t flags)
{
	return (uint64_t)size | flags;
}

static inline size_t block_size(const block_t *block)
{
	return (size_t)(word_get(&block->header) & SIZE_MASK);
}

static inline bool block_is_alloc(const block_t *block)
{
	return (word_get(&block->header) & ALLOC_BIT) != 0;
}

static inline bool block_prev_alloc(const block_t *block)
{
	return (word_get(&block->header) & PREV_ALLOC_BIT) != 0;
}

static inline bool block_is_mapped(const block_t *block)
{
	return (word_get(&block->header) & MAPPED_BIT) != 0;
}

static inline bool block_is_quick(const block_t *block)
{
	return (word_get(&block->header) & QUICK_BIT) != 0;
}

/* Sets or clears flag (one of the *_BIT) in block's header. */
static inline void set_flag(block_t *block, uint64_t flag, bool on)
{
	uint64_t header = word_get(&block->header) & ~flag;
	word_set(&block->header, header | (on ? flag : 0));
}

/* Returns the block whose payload starts at payload. */
static inline block_t *block_from_payload(const void *payload)
{
	return (block_t *)((const unsigned char *)payload -
			   offsetof(block_t, payload));
}

/* Returns the block just after block in the heap. */
static inline block_t *block_next(const block_t *block)
{
	return (block_t *)((const unsigned char *)block + block_size(block));
}

/* Returns block's footer: its last word. Only free blocks have one. */
static inline uint64_t *block_footer(const block_t *block)
{
	return (uint64_t *)((const unsigned char *)block + block_size(block) -
			    WORD_SIZE);
}

/* Returns the block just before block. Only valid if that one is free. */
static inline block_t *block_prev(const block_t *block)
{
	const uint64_t *prev_footer = &block->header - 1;
	size_t prev_size = (size_t)(word_get(prev_footer) & SIZE_MASK);
	return (block_t *)((const unsigned char *)block - prev_size);
}

/* Writes the header of an allocated heap block of size bytes. */
static inline void write_alloc_header(block_t *block, size_t size,
				      bool prev_alloc)
{
	uint64_t flags = ALLOC_BIT | (prev_alloc ? PREV_ALLOC_BIT : 0);
	word_set(&block->header, pack(size, flags));
}

/* Writes the header and the footer of a free block of size bytes. */
static inline void write_free_tags(block_t *block, size_t size, bool prev_alloc)
{
	uint64_t header = pack(size, prev_alloc ? PREV_ALLOC_BIT : 0);
	word_set(&block->header, header);
	word_set(block_footer(block), header);
}

/* Sets or clears the PREV_ALLOC_BIT in block's header. */
static inline void set_prev_alloc(block_t *block, bool prev_alloc)
{
	set_flag(block, PREV_ALLOC_BIT, prev_alloc);
}

/* Returns the epilogue: the header-only block that ends the heap. */
static inline block_t *heap_epilogue(void)
{
	unsigned char *end = (unsigned char *)mem_heap_hi() + 1;
	return (block_t *)(end - WORD_SIZE);
}
// ANCHOR_END: block_helpers

// ANCHOR: link_helpers
/* Returns the links of a free block: the start of its payload. */
static inline free_links_t *block_links(const block_t *block)
{
	return (free_links_t *)block->payload;
}

static inline block_t *link_next(const block_t *block)
{
	free_links_t *links = block_links(block);
	meta_open(links, sizeof *links);
	block_t *next = links->next;
	meta_close(links, sizeof *links);
	return next;
}

static inline block_t *link_prev(const block_t *block)
{
	free_links_t *links = block_links(block);
	meta_open(links, sizeof *links);
	block_t *prev = links->prev;
	meta_close(links, sizeof *links);
	return prev;
}

static inline void link_set(block_t *block, block_t *prev, block_t *next)
{
	free_links_t *links = block_links(block);
	meta_open(links, sizeof *links);
	*links = (free_links_t){.next = next, .prev = prev};
	meta_close(links, sizeof *links);
}

static inline void link_set_next(block_t *block, block_t *next)
{
	link_set(block, link_prev(block), next);
}

static inline void link_set_prev(block_t *block, block_t *prev)
{
	link_set(block, prev, link_next(block));
}
// ANCHOR_END: link_helpers

// ANCHOR: mapped_layout
/*
 * A mapped block (MAPPED_BIT) has a mapping of its own. Its header holds the
 * mapping's length; the word before the header holds the lead: how far the
 * mapping starts before that word (0, unless mm_memalign moved the block
 * up to align it).
 *
 *     mapping start                               (whole pages)
 *     | lead bytes | lead | size | flags | payload ...          |
 *                          ^ header        ^ bp
 */
static inline size_t map_lead(const block_t *block)
{
	return (size_t)word_get(&block->header - 1);
}

/* Returns the first byte of a mapped block's mapping. */
static inline unsigned char *map_start(const block_t *block)
{
	return (unsigned char *)block - WORD_SIZE - map_lead(block);
}
// ANCHOR_END: mapped_layout

/* Returns how many bytes of block's payload the program may use. */
static size_t usable_size(const block_t *block)
{
	if (block_is_mapped(block))
		return block_size(block) - map_lead(block) - 2 * WORD_SIZE;
	return block_size(block) - WORD_SIZE;
}

/* ---- Messages ------------------------------------------------------------ */

/*
 * Prints a message on stderr. It formats into a buffer on the stack and
 * writes it with write(2): stdio might call malloc, and this may be malloc.
 */
static void mm_report(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

static void mm_report(const char *format, ...)
{
	char text[256];
	va_list args;
	va_start(args, format);
	int len = vsnprintf(text, sizeof text, format, args);
	va_end(args);
	if (len < 0)
		return;
	size_t n = (size_t)len < sizeof text ? (size_t)len : sizeof text - 1;
	ssize_t written = write(STDERR_FILENO, text, n);
	(void)written; /* nothing better to do if stderr is gone */
}

/* Aborts if ptr's block is not in use: a double free, or a wild pointer. */
static void check_live(const block_t *block, const char *who)
{
	if (!block_is_alloc(block) || block_is_quick(block)) {
		mm_report("%s(%p): not an allocated block (freed twice?)\n",
			  who, (const void *)block->payload);
		abort();
	}
}

/* ---- Telling memcheck about blocks (stage 7) ----------------------------- */

// ANCHOR: client_requests
/*
 * Tells memcheck that block's payload now belongs to the program. memcheck
 * is told the usable size, not the size asked for: mm.c does not keep the
 * latter, and a program may use every usable byte (malloc_usable_size says
 * so). An overflow into a block's rounding slack goes unseen; one past the
 * block lands on the next header, which memcheck guards.
 */
static void tell_malloc(const block_t *block)
{
	// TODO(stage 7): VALGRIND_MALLOCLIKE_BLOCK, with the usable size.
	// Read 11-real-malloc.md#valgrind-client-requests.
	(void)block;
}

/* Tells memcheck that the program gave back the payload at ptr. */
static void tell_free(const void *ptr)
{
	// TODO(stage 7): VALGRIND_FREELIKE_BLOCK.
	// Read 11-real-malloc.md#valgrind-client-requests.
	(void)ptr;
}

/* Tells memcheck that the payload at ptr grew or shrank where it is. */
static void tell_resize(const void *ptr, size_t old_size, size_t new_size)
{
	// TODO(stage 7): VALGRIND_RESIZEINPLACE_BLOCK.
	// Read 11-real-malloc.md#valgrind-client-requests.
	(void)ptr;
	(void)old_size;
	(void)new_size;
}
// ANCHOR_END: client_requests

/* ---- Free lists (stage 4) ------------------------------------------------ */

// ANCHOR: size_class
/*
 * Returns the position of the highest bit set in n, which must not be 0:
 * log2(n) rounded down. __builtin_clzll counts the zeros above that bit.
 */
static inline size_t top_bit(size_t n)
{
	return (size_t)(63 - __builtin_clzll(n));
}

/*
 * Returns the free list for blocks of size bytes. Classes 0 to 30 hold one
 * size each (32, 48, ..., 512). Above that, each power of two is cut into
 * four classes of equal width, up to 128 KiB; the last class holds the rest:
 *
 *     (512, 640]    (640, 768]    (768, 896]    (896, 1024]    classes 31-34
 *     (1024, 1280]  (1280, 1536]  (1536, 1792]  (1792, 2048]   classes 35-38
 *     ...
 *     (112K, 128K]: class 62; larger: class 63
 *
 * For size - 1, the highest set bit says which power of two, and the two
 * bits below it which quarter of it.
 */
static size_t size_class(size_t size)
{
	// TODO(stage 4): the class of a block of size bytes.
	// Read 10-fast-lean-allocator.md#segregated-lists.
	(void)size;
	return 0;
}
// ANCHOR_END: size_class

// ANCHOR: list_insert
/* Puts the free block at the front of its size class's list. */
static void list_insert(block_t *block)
{
	// TODO(stage 4): push block onto its list.
	// Read 10-fast-lean-allocator.md#explicit-lists.
	(void)block;
}
// ANCHOR_END: list_insert

// ANCHOR: list_remove
/* Takes the free block off its size class's list. */
static void list_remove(block_t *block)
{
	// TODO(stage 4): unlink block from its list.
	// Read 10-fast-lean-allocator.md#explicit-lists.
	(void)block;
}
// ANCHOR_END: list_remove

/* ---- The heap (stages 2 and 3) ------------------------------------------- */

// ANCHOR: adjust_size
/*
 * Returns the size of the block that holds a request of size bytes: the
 * header and the payload, rounded up to ALIGNMENT, at least MIN_BLOCK_SIZE.
 * Returns 0 if the request is beyond MAX_REQUEST.
 */
static size_t adjust_size(size_t size)
{
	// TODO(stage 2): header plus payload, rounded up; 0 if too large.
	// Read 09-building-an-allocator.md#adjust-size.
	(void)size;
	return 0;
}
// ANCHOR_END: adjust_size

// ANCHOR: coalesce
/*
 * Merges the free block (tags written, on no list) with each neighbour that
 * is free, taking those off their lists. Returns the merged block, on no
 * list. The block before a free block is always allocated, so the merged
 * block's PREV_ALLOC_BIT is set.
 */
static block_t *coalesce(block_t *block)
{
	/* The caller freed the block: its header says so, and its footer
	 * repeats the header. */
	assert(!block_is_alloc(block));
	assert(word_get(block_footer(block)) == word_get(&block->header));
	// TODO(stage 3): the four cases: neither, next, previous, both free.
	// Read 09-building-an-allocator.md#coalescing.
	return block;
}
// ANCHOR_END: coalesce

// ANCHOR: extend_heap
/*
 * Grows the heap by size bytes (a multiple of ALIGNMENT, at least
 * MIN_BLOCK_SIZE) and returns the new free block, merged with a free block
 * before it and put on its list. Returns NULL if the break cannot grow.
 */
static block_t *extend_heap(size_t size)
{
	// TODO(stage 2): mem_sbrk; the old epilogue becomes the new
	// block's header; write a new epilogue.
	// TODO(stage 3): coalesce the new block. (stage 4: list_insert it.)
	// TODO(stage 7): meta_close the new memory: it is the allocator's
	// until it hands it out.
	// Read 09-building-an-allocator.md#extend-heap.
	(void)size;
	return NULL;
}
// ANCHOR_END: extend_heap

// ANCHOR: trim_heap
/*
 * Gives the top of the heap back to the system: if the free block (on no
 * list) is the last one and TRIM_THRESHOLD bytes or more, lowers the break
 * to leave it TRIM_KEEP bytes. Returns the block, maybe smaller.
 */
static block_t *trim_heap(block_t *block)
{
	// TODO(stage 5): lower the break if block is a large free top.
	// Read 10-fast-lean-allocator.md#trimming.
	return block;
}
// ANCHOR_END: trim_heap

// ANCHOR: release_block
/*
 * Frees an allocated heap block: writes its tags, tells the next block,
 * merges it with free neighbours, trims the heap, and puts the result on its
 * free list.
 */
static void release_block(block_t *block)
{
	// TODO(stage 2): mark the block free (and, later, coalesce it,
	// trim the heap, and put it on its free list).
	// Read 09-building-an-allocator.md#implicit-free-list and
	// 09-building-an-allocator.md#coalescing.
	(void)block;
}
// ANCHOR_END: release_block

// ANCHOR: find_fit
/*
 * Returns the smallest block of at least asize bytes among the first
 * FIT_CANDIDATES that fit on list cls, or NULL if none fits.
 */
static block_t *best_fit_in(size_t cls, size_t asize)
{
	// TODO(stage 4): the best of the first few blocks that fit.
	// Read 10-fast-lean-allocator.md#better-fit.
	(void)cls;
	(void)asize;
	return NULL;
}

/*
 * Returns a free block of at least asize bytes, still on its list, or NULL.
 * It tries the request's own class, then each larger class that is not
 * empty (the bits of heap.nonempty, lowest first), taking the best of the
 * first few blocks that fit: close to best fit, at a bounded cost.
 */
static block_t *find_fit(size_t asize)
{
	// TODO(stage 2): first fit: walk the blocks from the prologue.
	// TODO(stage 4): search the segregated lists instead.
	// Read 09-building-an-allocator.md#first-fit and
	// 10-fast-lean-allocator.md#better-fit.
	(void)asize;
	return NULL;
}
// ANCHOR_END: find_fit

// ANCHOR: place
/*
 * Allocates asize bytes of the free block, which is on its list, and returns
 * the allocated block. If the rest can hold a block, it is split off and
 * stays free: a small request takes the end of the free block, a large one
 * its start, so that small and large blocks tend to sit apart and a freed
 * large block leaves room for another, not a gap between small ones. (A
 * free block that only shrinks keeps its place on its list if it stays in
 * the same class: carving small blocks off the top of the heap costs no list
 * operations.)
 */
static block_t *place(block_t *block, size_t asize)
{
	/* find_fit() or extend_heap() chose a free block that fits, for a
	 * size that adjust_size() made. */
	assert(!block_is_alloc(block) && asize <= block_size(block));
	assert(asize >= MIN_BLOCK_SIZE && asize % ALIGNMENT == 0);
	// TODO(stage 2): mark the block allocated; split off the rest.
	// TODO(stage 4): the block is on its list: take it off, put the
	// rest on.
	// Read 09-building-an-allocator.md#splitting and
	// 10-fast-lean-allocator.md#explicit-lists.
	(void)asize;
	return block;
}
// ANCHOR_END: place

// ANCHOR: quick_lists
/*
 * Quick lists, like glibc's fastbins: free() puts a block of up to
 * SMALL_MAX bytes on the list for its exact size, still marked allocated
 * (plus QUICK_BIT) and not merged with its neighbours, and malloc() takes it
 * back for the next request of that size in a few instructions. Merging is
 * only deferred: quick_drain() frees them all for real before the heap
 * grows. Returns true if the block went on a quick list, false if it is too
 * large for one.
 */
static bool quick_push(block_t *block)
{
	// TODO(stage 4, for speed): push onto the list for its size.
	// Read 10-fast-lean-allocator.md#quick-lists.
	(void)block;
	return false;
}

/* Takes a block of exactly asize bytes off its quick list, or returns NULL. */
static block_t *quick_pop(size_t asize)
{
	// TODO(stage 4, for speed): pop from the list for asize.
	// Read 10-fast-lean-allocator.md#quick-lists.
	(void)asize;
	return NULL;
}

static void release_block(block_t *block);

/* Frees every block on the quick lists for real: merged, on free lists. */
static void quick_drain(void)
{
	// TODO(stage 4, for speed): release every block on the quick lists.
	// Read 10-fast-lean-allocator.md#quick-lists.
}
// ANCHOR_END: quick_lists

// ANCHOR: heap_alloc
/*
 * Returns an allocated heap block of at least asize bytes, growing the heap
 * if no free block fits, or NULL if the break cannot grow.
 */
static block_t *heap_alloc(size_t asize)
{
	// TODO(stage 2): find_fit, else extend_heap; then place.
	// TODO(stage 4, for speed): quick_pop first; quick_drain before
	// growing the heap.
	// Read 09-building-an-allocator.md#extend-heap and
	// 10-fast-lean-allocator.md#quick-lists.
	(void)asize;
	return NULL;
}
// ANCHOR_END: heap_alloc

/* ---- Mapped blocks (stage 5) --------------------------------------------- */

// ANCHOR: map_block
/*
 * Returns a block of at least asize bytes in a mapping of its own, its
 * payload aligned to align (a power of two, at least ALIGNMENT); NULL if the
 * system refuses the mapping.
 */
static block_t *map_block(size_t asize, size_t align)
{
	// TODO(stage 5): mem_map a mapping; write the lead and the header.
	// TODO(stage 8): for align > ALIGNMENT (mm_memalign), room to move
	// the payload up to a multiple of align; the bytes before the lead
	// word are the allocator's too (meta_close them).
	// Read 10-fast-lean-allocator.md#large-blocks.
	(void)asize;
	(void)align;
	return NULL;
}
// ANCHOR_END: map_block

// ANCHOR: unmap_block
/*
 * Gives a mapped block's mapping back to the system, and raises the mmap
 * threshold to the mapping's size, up to MMAP_THRESHOLD_MAX: a program that
 * frees a block this large is likely to ask for another, which the heap can
 * then serve without a system call (glibc's rule, with a lower ceiling).
 */
static void unmap_block(block_t *block)
{
	// TODO(stage 5): raise heap.mmap_threshold; mem_unmap the whole
	// mapping.
	// Read 10-fast-lean-allocator.md#large-blocks and
	// 10-fast-lean-allocator.md#dynamic-threshold.
	(void)block;
}
// ANCHOR_END: unmap_block

// ANCHOR: remap_block
/*
 * Resizes a mapped block to hold asize bytes with mem_remap, which moves the
 * pages rather than copying them. Returns the block (maybe moved), or NULL if
 * the caller should copy instead: the new size belongs in the heap, the block
 * was aligned by mm_memalign, or memcheck, which cannot follow a moved
 * mapping's contents, is watching.
 */
static block_t *remap_block(block_t *block, size_t asize)
{
	// TODO(stage 5): mem_remap, or NULL to make the caller copy.
	// Read 10-fast-lean-allocator.md#large-blocks.
	(void)block;
	(void)asize;
	return NULL;
}
// ANCHOR_END: remap_block

/* ---- The interface ------------------------------------------------------- */

// ANCHOR: mm_init
bool mm_init(void)
{
	// TODO(stage 2): padding, prologue, epilogue; heap.prologue points
	// at the prologue (walks of the heap start there).
	// TODO(stage 5): heap.mmap_threshold = MMAP_THRESHOLD.
	// TODO(stage 7): heap.on_valgrind = RUNNING_ON_VALGRIND.
	// Read 09-building-an-allocator.md#heap-layout and
	// 10-fast-lean-allocator.md#dynamic-threshold.
	return false;
}
// ANCHOR_END: mm_init

// ANCHOR: mm_malloc
void *mm_malloc(size_t size)
{
	// TODO(stage 2): adjust_size (too large: errno = ENOMEM), then
	// heap_alloc.
	// TODO(stage 5): map_block for large requests, or if the heap is full.
	// TODO(stage 7): tell_malloc.
	// Read 09-building-an-allocator.md#extend-heap and
	// 10-fast-lean-allocator.md#large-blocks.
	(void)size;
	return NULL;
}
// ANCHOR_END: mm_malloc

// ANCHOR: mm_free
void mm_free(void *ptr)
{
	// TODO(stage 2): release_block (check_live first).
	// TODO(stage 4, for speed): quick_push first.
	// TODO(stage 5): unmap_block for a mapped block.
	// TODO(stage 7): tell_free.
	// Read 09-building-an-allocator.md#coalescing and
	// 10-fast-lean-allocator.md#large-blocks.
	(void)ptr;
}
// ANCHOR_END: mm_free

// ANCHOR: shrink_block
/* Cuts an allocated heap block down to asize bytes, freeing the rest. */
static void shrink_block(block_t *block, size_t asize)
{
	// TODO(stage 4): split off the tail as a block; release it.
	// Read 10-fast-lean-allocator.md#realloc-in-place.
	(void)block;
	(void)asize;
}
// ANCHOR_END: shrink_block

// ANCHOR: resize_in_place
/*
 * Resizes an allocated heap block to asize bytes without moving it: shrinks
 * it, or grows it into a free next block, growing the heap first if the block
 * (or that free block) is the last one. Returns false if it cannot, or if
 * asize belongs in a mapping (heap.mmap_threshold or more).
 */
static bool resize_in_place(block_t *block, size_t asize)
{
	/* mm_realloc() checked that the block is live and in the heap, and
	 * made asize with adjust_size(). */
	assert(block_is_alloc(block) && !block_is_quick(block) &&
	       !block_is_mapped(block));
	assert(asize >= MIN_BLOCK_SIZE && asize % ALIGNMENT == 0);
	// TODO(stage 4): shrink, or absorb a free next block (growing the
	// heap when the block is at its end).
	// TODO(stage 5): never grow a heap block to heap.mmap_threshold or
	// more.
	// Read 10-fast-lean-allocator.md#realloc-in-place.
	(void)block;
	(void)asize;
	return false;
}
// ANCHOR_END: resize_in_place

// ANCHOR: mm_realloc
void *mm_realloc(void *ptr, size_t size)
{
	// TODO(stage 4): the edge cases of mm.h; resize_in_place, else
	// malloc, copy, free.
	// TODO(stage 5): remap_block for a mapped block.
	// TODO(stage 7): tell_resize after a resize in place.
	// Read 08-malloc-contract.md#realloc and
	// 10-fast-lean-allocator.md#realloc-in-place.
	(void)ptr;
	(void)size;
	return NULL;
}
// ANCHOR_END: mm_realloc

// ANCHOR: mm_calloc
void *mm_calloc(size_t nmemb, size_t size)
{
	// TODO(stage 4): refuse an overflowing product (errno = ENOMEM);
	// malloc; zero.
	// Read 08-malloc-contract.md#calloc.
	(void)nmemb;
	(void)size;
	return NULL;
}
// ANCHOR_END: mm_calloc

/* ---- Aligned blocks (stage 8) -------------------------------------------- */

// ANCHOR: heap_alloc_aligned
/*
 * Returns an allocated heap block of asize bytes whose payload is aligned to
 * align (a power of two above ALIGNMENT), or NULL. It allocates enough to
 * find an aligned payload with room for a free block in front of it, then
 * frees the front and the tail.
 */
static block_t *heap_alloc_aligned(size_t asize, size_t align)
{
	// TODO(stage 8): over-allocate, free the front and the tail.
	// Read 11-real-malloc.md#aligned-allocation.
	(void)asize;
	(void)align;
	return NULL;
}
// ANCHOR_END: heap_alloc_aligned

// ANCHOR: mm_memalign
void *mm_memalign(size_t alignment, size_t size)
{
	// TODO(stage 8): as mm_malloc, with heap_alloc_aligned and an
	// aligned map_block.
	// Read 11-real-malloc.md#aligned-allocation.
	(void)alignment;
	(void)size;
	return NULL;
}
// ANCHOR_END: mm_memalign

size_t mm_usable_size(const void *ptr)
{
	if (ptr == NULL)
		return 0;
	return usable_size(block_from_payload(ptr));
}

/* ---- The heap checker (stage 6) ------------------------------------------ */

// ANCHOR: checkheap
/* What the walk of the heap counted, for the walks of the lists to match. */
struct heap_count {
	size_t free;  /* free blocks: on the free lists */
	size_t quick; /* blocks with QUICK_BIT: on the quick lists */
};

/* Prints what is wrong, where; returns false, for `return check_fail(...)`. */
static bool check_fail(int line, const void *where, const char *what)
{
	mm_report("mm_checkheap (called from line %d): %s at %p\n", line, what,
		  where);
	return false;
}

/*
 * Returns true if block could be a block of the heap: between the prologue
 * and the epilogue, with an aligned payload.
 */
static bool in_heap(const block_t *block)
{
	// TODO(stage 6): bounds and alignment.
	// Read 10-fast-lean-allocator.md#heap-checker.
	(void)block;
	return true;
}

/* Checks one heap block; prev_alloc: whether the block before it is. */
static bool check_block(int line, const block_t *block, bool prev_alloc)
{
	// TODO(stage 6): alignment, size, bounds, bits, header == footer,
	// no two free blocks in a row.
	// Read 10-fast-lean-allocator.md#heap-checker.
	(void)line;
	(void)block;
	(void)prev_alloc;
	return true;
}

/*
 * Walks the heap from the prologue to the epilogue, checking every block,
 * and counts the free blocks and the quick ones.
 */
static bool check_blocks(int line, struct heap_count *count)
{
	// TODO(stage 6): prologue, every block, epilogue; count free ones.
	// Read 10-fast-lean-allocator.md#heap-checker.
	(void)line;
	(void)count;
	return true;
}

/*
 * Checks every free list: each block on it is a free heap block of the
 * list's class, its links agree both ways, and the lists hold exactly the
 * free blocks of the heap, each once.
 */
static bool check_free_lists(int line, size_t free_blocks)
{
	// TODO(stage 6): walk every list, count, check links and classes.
	// Read 10-fast-lean-allocator.md#heap-checker.
	(void)line;
	(void)free_blocks;
	return true;
}

/* Checks the quick lists: quick blocks of the list's size, each once. */
static bool check_quick_lists(int line, size_t quick_blocks)
{
	// TODO(stage 6, if you have quick lists): as for the free lists.
	// Read 10-fast-lean-allocator.md#heap-checker.
	(void)line;
	(void)quick_blocks;
	return true;
}

bool mm_checkheap(int line)
{
	if (heap.prologue == NULL)
		return check_fail(line, NULL, "mm_init has not run");
	struct heap_count count = {0};
	return check_blocks(line, &count) &&
	       check_free_lists(line, count.free) &&
	       check_quick_lists(line, count.quick);
}
// ANCHOR_END: checkheap

// ANCHOR: heap_dump
/* Prints the blocks on one list, at most limit of them. */
static void dump_list(const char *name, size_t cls, const block_t *first,
		      size_t limit)
{
	if (first == NULL)
		return;
	mm_report("%s list %zu:", name, cls);
	size_t n = 0;
	for (const block_t *block = first; block != NULL && n < limit;
	     block = link_next(block), n++)
		mm_report(" %p (%zu)", (const void *)block, block_size(block));
	mm_report("\n");
}

/*
 * Prints every block and every list on stderr. From gdb:
 *     (gdb) call mm_heap_dump()
 * It stops at the first block that makes no sense, so it also works on a
 * heap that mm_checkheap() rejects.
 */
void mm_heap_dump(void)
{
	const unsigned char *end = (unsigned char *)mem_heap_hi() + 1;
	mm_report("heap %p to %p, %zu bytes\n", mem_heap_lo(), (void *)end,
		  mem_heapsize());
	const block_t *block = heap.prologue;
	while (block != NULL && (const unsigned char *)block < end) {
		size_t size = block_size(block);
		mm_report("  %p %9zu %s%s\n", (const void *)block, size,
			  block_is_quick(block)   ? "quick"
			  : block_is_alloc(block) ? "allocated"
						  : "free",
			  block_prev_alloc(block) ? "" : " (prev free)");
		if (size == 0 || size % ALIGNMENT != 0)
			break;
		block = block_next(block);
	}
	size_t limit = mem_heapsize() / MIN_BLOCK_SIZE;
	for (size_t cls = 0; cls < NUM_CLASSES; cls++)
		dump_list("free", cls, heap.free_lists[cls], limit);
	for (size_t cls = 0; cls < NUM_SMALL_CLASSES; cls++)
		dump_list("quick", cls, heap.quick[cls], limit);
}
// ANCHOR_END: heap_dump
