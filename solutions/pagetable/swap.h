/*
 * swap.h: the swap area, a real file of page-sized slots.
 */
#ifndef SWAP_H
#define SWAP_H

#include <stdbool.h>
#include <stddef.h>

/* A slot number that names no slot. */
static const size_t SWAP_NONE = (size_t)-1;

struct swap {
	int fd;           /* the swap file, unlinked as soon as it was made */
	size_t page_size; /* bytes in a slot */
	size_t slots;     /* slots handed out: 0 to slots - 1 */
	/* After a fork, several pages may use one slot: extra_users[s] is how
	 * many use slot s besides the first (0 for s >= nextra). */
	size_t *extra_users;
	size_t nextra;
};

int swap_init(struct swap *s, size_t page_size);
void swap_free(struct swap *s);
size_t swap_alloc(struct swap *s);
int swap_write(struct swap *s, size_t slot, const unsigned char *page);
int swap_read(struct swap *s, size_t slot, unsigned char *page);
int swap_share(struct swap *s, size_t slot);
bool swap_shared(const struct swap *s, size_t slot);
void swap_unshare(struct swap *s, size_t slot);

#endif
