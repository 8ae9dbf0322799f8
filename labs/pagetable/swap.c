/*
 * swap.c: the swap area.
 *
 * Evicted pages go to a real file, one page-sized slot each: slot n sits
 * at offset n * page_size. The file is made with mkstemp() in $TMPDIR (or
 * /tmp) and unlinked at once, so it disappears when the simulator exits,
 * however it exits. A slot, once handed out, stays with its page for the
 * page's life: a clean page whose slot still holds its contents can be
 * dropped without writing.
 *
 * A fork can make pages of several address spaces share a slot, so each
 * slot has a count of the pages that use it. A slot used by more than one
 * page must never be written: a page that wants to change it leaves the
 * slot (swap_unshare()) and gets a slot of its own.
 */
#include "swap.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

enum {
	SWAP_PATH_MAX = 4096,
	SWAP_EXTRA_INITIAL = 64, /* first length of extra_users[] */
};

/*
 * Makes an empty swap area for pages of page_size bytes.
 * Returns 0, or -1 with errno set if the file could not be made.
 */
int swap_init(struct swap *s, size_t page_size)
{
	const char *dir = getenv("TMPDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	char path[SWAP_PATH_MAX];
	int n = snprintf(path, sizeof path, "%s/vmsim-swap-XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	unlink(path);
	*s = (struct swap){.fd = fd, .page_size = page_size};
	return 0;
}

void swap_free(struct swap *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->extra_users);
	*s = (struct swap){.fd = -1};
}

/* Hands out a slot that no page uses. */
size_t swap_alloc(struct swap *s)
{
	return s->slots++;
}

/*
 * Writes a page to slot. Returns 0, or -1 with errno set (EIO for a write
 * that wrote nothing).
 */
int swap_write(struct swap *s, size_t slot, const unsigned char *page)
{
	off_t at = (off_t)(slot * s->page_size);
	for (size_t done = 0; done < s->page_size;) {
		ssize_t n = pwrite(s->fd, page + done, s->page_size - done,
				   at + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/*
 * Reads the page in slot, which swap_write() filled. Returns 0, or -1 with
 * errno set (EIO if the file ends early).
 */
int swap_read(struct swap *s, size_t slot, unsigned char *page)
{
	off_t at = (off_t)(slot * s->page_size);
	for (size_t done = 0; done < s->page_size;) {
		ssize_t n = pread(s->fd, page + done, s->page_size - done,
				  at + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/*
 * Records that one more page uses slot, which at least one page uses
 * already. Returns 0, or -1 with errno set if memory ran out.
 */
int swap_share(struct swap *s, size_t slot)
{
	if (slot >= s->nextra) {
		size_t n = s->nextra == 0 ? SWAP_EXTRA_INITIAL : s->nextra;
		while (n <= slot)
			n *= 2;
		size_t *extra = realloc(s->extra_users, n * sizeof *extra);
		if (extra == NULL)
			return -1;
		for (size_t i = s->nextra; i < n; i++)
			extra[i] = 0;
		s->extra_users = extra;
		s->nextra = n;
	}
	s->extra_users[slot]++;
	return 0;
}

/* Returns true if more than one page uses slot. */
bool swap_shared(const struct swap *s, size_t slot)
{
	return slot < s->nextra && s->extra_users[slot] > 0;
}

/* Records that a page stops using slot, which swap_shared() says others
 * use too. */
void swap_unshare(struct swap *s, size_t slot)
{
	assert(swap_shared(s, slot));
	s->extra_users[slot]--;
}
