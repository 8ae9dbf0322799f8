/* Broken: free follows a pointer it should not, and crashes on the third. */
#include "broken.h"

void *mm_malloc(size_t size)
{
	return bump(size);
}

void mm_free(void *ptr)
{
	static int frees;
	if (ptr != NULL && ++frees == 3)
		*(volatile unsigned char *)NULL = 0; /* a segmentation fault */
}

void *mm_realloc(void *ptr, size_t size)
{
	void *fresh = bump(size);
	if (fresh != NULL && ptr != NULL) {
		size_t old = size_of(ptr);
		memcpy(fresh, ptr, old < size ? old : size);
	}
	return fresh;
}
