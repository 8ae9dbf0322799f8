/*
 * physmem.h: simulated physical memory, an array of frames of real bytes.
 */
#ifndef PHYSMEM_H
#define PHYSMEM_H

#include <stddef.h>

/* Every byte of a frame that no page has used yet holds this junk. */
enum { PHYSMEM_JUNK = 0xa5 };

// ANCHOR: physmem
/* Physical memory: frames * page_size bytes, frame f at f * page_size. */
struct physmem {
	unsigned char *bytes; /* all the frames, one after the other */
	size_t frames;        /* number of frames */
	size_t page_size;     /* bytes in a frame (the same as in a page) */
};
// ANCHOR_END: physmem

int physmem_init(struct physmem *pm, size_t frames, size_t page_size);
void physmem_free(struct physmem *pm);
unsigned char *physmem_frame(struct physmem *pm, size_t frame);
unsigned char *physmem_at(struct physmem *pm, size_t pa);

#endif
