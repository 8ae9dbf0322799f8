/*
 * snippets.c: the short fragments chapters 07, 08 and 11 show in their
 * prose, kept here so that they compile (make builds this file as an
 * object) and the book includes them by anchor like every other listing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

// ANCHOR: malloc_family
void *malloc(size_t size);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
// ANCHOR_END: malloc_family

/* Maps len bytes of fresh memory, uses them, and gives them back. */
int snippet_anonymous_mapping(size_t len)
{
	// ANCHOR: anonymous_mapping
	/* Returns MAP_FAILED on error. */
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	// ANCHOR_END: anonymous_mapping
	if (p == MAP_FAILED)
		return -1;
	// ANCHOR: anonymous_unmap
	/* Later, and whatever else is allocated: */
	munmap(p, len);
	// ANCHOR_END: anonymous_unmap
	return 0;
}

/* Grows *bufp to new_cap bytes; on failure *bufp is untouched. */
int snippet_grow(char **bufp, size_t new_cap)
{
	char *buf = *bufp;
	// ANCHOR: realloc_idiom
	char *bigger = realloc(buf, new_cap);
	if (bigger == NULL)
		return -1; /* buf is still valid, and still ours to free */
	buf = bigger;
	// ANCHOR_END: realloc_idiom
	*bufp = buf;
	return 0;
}

/* Opens path; on failure frees buffer and reports open's error. */
int snippet_open_or_report(const char *path, char *buffer)
{
	// ANCHOR: free_keeps_errno
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		free(buffer); /* must not change errno */
		perror(path); /* reports open's error */
		return -1;
	}
	// ANCHOR_END: free_keeps_errno
	free(buffer);
	return fd;
}
