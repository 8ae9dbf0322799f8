/*
 * halfmm: a malloc replacement that replaces too little, to show why a real
 * one must export the whole malloc family (chapter 11).
 *
 *     LD_PRELOAD=$PWD/halfmm.so ./aligned-user posix_memalign
 *
 * It defines malloc, free, calloc and realloc, the minimum that glibc's
 * manual lists as required, and nothing else. Each block starts with a
 * 16-byte header holding a magic number, so free can tell its own blocks
 * from anyone else's. Blocks come from a static arena and are never reused:
 * this is a bump allocator, just enough for a demonstration, and not
 * thread-safe.
 *
 * It is built with -fno-builtin-malloc: calloc below is malloc + memset,
 * which gcc would otherwise compile into a call to calloc, itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	ARENA_SIZE = 64 << 20,
	ALIGNMENT = 16,
};

static const uint64_t HALFMM_MAGIC = 0x68616c666d6d2121; /* "halfmm!!" */

/* The 16 bytes before every payload. */
struct header {
	uint64_t magic; /* HALFMM_MAGIC while the block is live */
	uint64_t size;  /* the size asked for */
};

static _Alignas(ALIGNMENT) unsigned char arena[ARENA_SIZE];
static size_t arena_used;

static void complain(const char *what)
{
	ssize_t ignored = write(STDERR_FILENO, what, strlen(what));
	(void)ignored;
}

// ANCHOR: is_mine
/* Returns the header of ptr's block, or NULL if ptr is not one of ours. */
static struct header *header_of(void *ptr)
{
	unsigned char *p = ptr;
	if (p < arena + sizeof(struct header) || p >= arena + ARENA_SIZE)
		return NULL;
	struct header *h = (struct header *)p - 1;
	return h->magic == HALFMM_MAGIC ? h : NULL;
}
// ANCHOR_END: is_mine

void *malloc(size_t size)
{
	size_t room = ARENA_SIZE - arena_used - sizeof(struct header);
	if (size > room)
		return NULL;
	size_t rounded = (size + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
	if (rounded > room)
		return NULL;
	struct header *h = (struct header *)(arena + arena_used);
	arena_used += sizeof *h + rounded;
	*h = (struct header){.magic = HALFMM_MAGIC, .size = size};
	return h + 1;
}

// ANCHOR: free
void free(void *ptr)
{
	if (ptr == NULL)
		return;
	struct header *h = header_of(ptr);
	if (h == NULL) {
		complain("halfmm: free() of a block that halfmm never made\n");
		abort();
	}
	h->magic = 0; /* a bump allocator never reuses the memory */
}
// ANCHOR_END: free

void *calloc(size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		return NULL;
	void *ptr = malloc(nmemb * size);
	if (ptr != NULL)
		memset(ptr, 0, nmemb * size);
	return ptr;
}

void *realloc(void *ptr, size_t size)
{
	if (ptr == NULL)
		return malloc(size);
	struct header *h = header_of(ptr);
	if (h == NULL) {
		complain("halfmm: realloc() of a block that halfmm never "
			 "made\n");
		abort();
	}
	void *fresh = malloc(size);
	if (fresh != NULL) {
		memcpy(fresh, ptr, h->size < size ? h->size : size);
		free(ptr);
	}
	return fresh;
}
