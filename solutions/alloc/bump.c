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
	// BEGIN SOLUTION
	/* Align the break first: something may have left it misaligned. */
	uintptr_t brk = (uintptr_t)mem_sbrk(0);
	size_t pad = -brk & (BUMP_ALIGNMENT - 1);
	if (size == 0)
		size = 1; /* a unique pointer even for no bytes */
	if (size > INTPTR_MAX - pad - BUMP_ALIGNMENT) {
		errno = ENOMEM; /* as mem_sbrk would say */
		return NULL;
	}
	size_t rounded =
		(size + BUMP_ALIGNMENT - 1) & ~(size_t)(BUMP_ALIGNMENT - 1);
	unsigned char *old = mem_sbrk((intptr_t)(pad + rounded));
	if (old == MEM_FAILED)
		return NULL;
	return old + pad;
	// END SOLUTION
	//~ // TODO(stage 1): move the break up by size (rounded up to keep the
	//~ // blocks aligned) with mem_sbrk; NULL, with errno ENOMEM, if it
	//~ // cannot move (mem_sbrk sets errno; a size too large to ask for
	//~ // needs errno = ENOMEM).
	//~ // Read 07-heap-and-break.md#bump-allocator.
	//~ (void)size;
	//~ return NULL;
}
// ANCHOR_END: bump_malloc

// ANCHOR: bump_free
void bump_free(void *ptr)
{
	(void)ptr; /* a bump allocator never gives memory back */
}
// ANCHOR_END: bump_free
