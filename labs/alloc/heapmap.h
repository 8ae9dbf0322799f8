/*
 * heapmap.h: the heap as a block map, drawn in SVG from the text that
 * mm_heap_dump() prints; for mdriver --heap-after N --svg and the book.
 */
#ifndef HEAPMAP_H
#define HEAPMAP_H

#include <stdio.h>

int heapmap_svg(FILE *dump, FILE *out, const char *title);

#endif
