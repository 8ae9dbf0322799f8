/*
 * prng.h: the simulator's own pseudo-random numbers (splitmix64), so that
 * a seed gives the same run on every machine and every C library.
 */
#ifndef PRNG_H
#define PRNG_H

#include <stdint.h>

struct prng {
	uint64_t state; /* advanced by a fixed step at every draw */
};

void prng_seed(struct prng *r, uint64_t seed);
uint64_t prng_next(struct prng *r);
uint64_t prng_below(struct prng *r, uint64_t bound);

#endif
