/*
 * physmem.c: simulated physical memory.
 *
 * Frames hold real bytes, so that a simulated program's data can be
 * written, evicted to swap, read back and checked. Fresh memory is filled
 * with junk rather than zeros: a page that is meant to start out zeroed
 * must be zeroed by the fault handler, and a forgotten memset shows.
 */
#include "physmem.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Makes a physical memory of `frames` frames of page_size bytes each, all
 * filled with PHYSMEM_JUNK. Returns 0, or -1 with errno set: EINVAL for no
 * frames, a page size that is not a power of two or a size that overflows,
 * ENOMEM if memory ran out.
 */
int physmem_init(struct physmem *pm, size_t frames, size_t page_size)
{
	*pm = (struct physmem){0};
	bool power_of_two =
		page_size != 0 && (page_size & (page_size - 1)) == 0;
	if (frames == 0 || !power_of_two || frames > SIZE_MAX / page_size) {
		errno = EINVAL;
		return -1;
	}
	unsigned char *bytes = malloc(frames * page_size);
	if (bytes == NULL)
		return -1;
	memset(bytes, PHYSMEM_JUNK, frames * page_size);
	*pm = (struct physmem){
		.bytes = bytes,
		.frames = frames,
		.page_size = page_size,
	};
	return 0;
}

void physmem_free(struct physmem *pm)
{
	free(pm->bytes);
	*pm = (struct physmem){0};
}

/* Returns the first byte of frame; the caller guarantees frame < frames. */
unsigned char *physmem_frame(struct physmem *pm, size_t frame)
{
	assert(frame < pm->frames);
	return pm->bytes + frame * pm->page_size;
}

/* Returns the byte at physical address pa, which must be in the memory. */
unsigned char *physmem_at(struct physmem *pm, size_t pa)
{
	assert(pa / pm->page_size < pm->frames);
	return pm->bytes + pa;
}
