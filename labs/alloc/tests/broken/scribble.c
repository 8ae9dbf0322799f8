/* Broken: free clobbers the first byte of the block after the freed one. */
#include "broken.h"

void *mm_malloc(size_t size)
{
	return bump(size);
}

void mm_free(void *ptr)
{
	unsigned char *p = ptr;
	size_t size = size_of(ptr);
	size_t rounded = size == 0 ? 16 : (size + 15) & ~(size_t)15;
	unsigned char *next = p + rounded + BROKEN_HEADER;
	if (next < (unsigned char *)mem_heap_hi())
		*next ^= 0xFF;
}

void *mm_realloc(void *ptr, size_t size)
{
	void *fresh = bump(size);
	size_t old = size_of(ptr);
	memcpy(fresh, ptr, old < size ? old : size);
	return fresh;
}
