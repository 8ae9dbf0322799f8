/*
 * swap.h: the swap area, a real file of page-sized slots.
 */
#ifndef SWAP_H
#define SWAP_H

#include <stddef.h>

/* A slot number that names no slot. */
static const size_t SWAP_NONE = (size_t)-1;

struct swap {
	int fd;           /* the swap file, unlinked as soon as it was made */
	size_t page_size; /* bytes in a slot */
	size_t slots;     /* slots handed out: 0 to slots - 1 */
};

int swap_init(struct swap *s, size_t page_size);
void swap_free(struct swap *s);
size_t swap_alloc(struct swap *s);
int swap_write(struct swap *s, size_t slot, const unsigned char *page);
int swap_read(struct swap *s, size_t slot, unsigned char *page);

#endif
