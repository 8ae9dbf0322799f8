/*
 * broken.h: a tiny allocator for the driver's own tests, built to be broken.
 *
 * Each tests/broken/NAME.c defines one flaw, then includes this file, which
 * provides a bump allocator with a size header around it. Linked with the
 * driver (tests/broken/mdriver-NAME), it must make the driver report an
 * error: see tests/test_driver.c.
 */
#ifndef BROKEN_H
#define BROKEN_H

#include "memlib.h"
#include "mm.h"

#include <stdint.h>
#include <string.h>

enum { BROKEN_HEADER = 16 };

/* Returns size bytes after a 16-byte header holding the size, or NULL. */
static void *bump(size_t size)
{
	size_t rounded = size == 0 ? 16 : (size + 15) & ~(size_t)15;
	unsigned char *p = mem_sbrk((intptr_t)(rounded + BROKEN_HEADER));
	if (p == MEM_FAILED)
		return NULL;
	memcpy(p, &size, sizeof size);
	return p + BROKEN_HEADER;
}

static size_t size_of(const void *ptr)
{
	size_t size;
	memcpy(&size, (const unsigned char *)ptr - BROKEN_HEADER, sizeof size);
	return size;
}

bool mm_init(void)
{
	return true;
}

void *mm_calloc(size_t nmemb, size_t size)
{
	void *p = mm_malloc(nmemb * size);
	if (p != NULL)
		memset(p, 0, nmemb * size);
	return p;
}

void *mm_memalign(size_t alignment, size_t size)
{
	(void)alignment;
	return mm_malloc(size);
}

size_t mm_usable_size(const void *ptr)
{
	return size_of(ptr);
}

bool mm_checkheap(int line)
{
	(void)line;
	return true;
}

void mm_heap_dump(void)
{
}

#endif
