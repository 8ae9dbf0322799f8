/*
 * bump.h: the simplest allocator there is (stage 1).
 *
 * Each bump_malloc moves the break up by the size asked for, rounded up to
 * keep the next block aligned; bump_free does nothing, so memory is never
 * used twice. The break is memlib.h's: simulated in the tests, real in
 * bump-demo.
 */
#ifndef BUMP_H
#define BUMP_H

#include <stddef.h>

/*
 * Returns size bytes aligned to 16, taken from the top of the heap, or NULL
 * with errno set to ENOMEM if the break cannot grow that far, as malloc(3)
 * does. bump_malloc(0) returns a unique pointer.
 */
void *bump_malloc(size_t size);

/* Does nothing: a bump allocator never reuses memory. */
void bump_free(void *ptr);

#endif
