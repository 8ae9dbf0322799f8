/*
 * future.h: what OPT needs to know about the future of a trace.
 */
#ifndef FUTURE_H
#define FUTURE_H

#include <stddef.h>
#include <stdint.h>

uint64_t *future_next_uses(const uint64_t *pages, size_t n);

#endif
