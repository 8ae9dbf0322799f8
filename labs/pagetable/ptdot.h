/*
 * ptdot.h: a page table drawn as a graph (graphviz's dot language), for
 * vmsim --dot and the book's figures.
 */
#ifndef PTDOT_H
#define PTDOT_H

#include <stdio.h>

#include "pagetable.h"

void pt_print_dot(FILE *out, const struct pagetable *pt);

#endif
