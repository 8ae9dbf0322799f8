/*
 * layout.h: a process's address space drawn as a graph (graphviz's dot
 * language) from its /proc/PID/maps, for isolation-demo maps --dot and the
 * book's figures.
 */
#ifndef LAYOUT_H
#define LAYOUT_H

#include <stddef.h>
#include <stdio.h>

/* Something to point at in the picture: a name and an address. */
struct place {
	const char *what;
	const void *addr;
};

int layout_print_dot(FILE *maps, FILE *out, const struct place *places,
		     size_t count);

#endif
