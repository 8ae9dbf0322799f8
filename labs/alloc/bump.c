/*
 * bump.c: a bump allocator on the break (stage 1). See bump.h.
 */
#include "bump.h"

#include "memlib.h"

#include <errno.h>
#include <stdint.h>

enum { BUMP_ALIGNMENT = 16 }; /* alignof(max_align_t) on x86-64 */

// ANCHOR: bump_malloc
void *bump_malloc(size_t size)
{
	// TODO(stage 1): move the break up by size (rounded up to keep the
	// blocks aligned) with mem_sbrk; NULL, with errno ENOMEM, if it
	// cannot move (mem_sbrk sets errno; a size too large to ask for
	// needs errno = ENOMEM).
	// Read 07-heap-and-break.md#bump-allocator.
	(void)size;
	return NULL;
}
// ANCHOR_END: bump_malloc

// ANCHOR: bump_free
void bump_free(void *ptr)
{
	(void)ptr; /* a bump allocator never gives memory back */
}
// ANCHOR_END: bump_free
