/*
 * screen.h: reads the symbols and sections of the objects built from a
 * student's editable files before any of them runs, and refuses what no
 * honest solution needs and a forger does: code that runs before or after
 * main (constructors, destructors, IFUNC resolvers, exit handlers), a
 * definition that replaces a function of the C library, of Criterion or of
 * the harness (write(), say, or main), and a reference to the harness, to
 * Criterion, to the environment or to the dynamic linker.
 */
#ifndef SCREEN_H
#define SCREEN_H

#include "rubric.h"

#include <stddef.h>

struct sandbox;

/*
 * Screens dir/STEM.o and dir/STEM.pic.o for every editable STEM.c of the
 * rubric (nm and readelf run in the sandbox, as the build did). Returns 0
 * if they are clean, or -1 with a message naming the file and the symbol
 * or section in why.
 */
int screen_objects(const struct sandbox *sb, const char *dir,
		   const struct rubric *r, char *why, size_t cap);

#endif
