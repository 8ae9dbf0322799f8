/*
 * prng.c: splitmix64, the generator of Steele, Lea and Flood, "Fast
 * splittable pseudorandom number generators" (OOPSLA 2014). It walks a
 * 64-bit counter by a fixed odd step and scrambles each value; every seed,
 * zero included, gives a full-period stream.
 */
#include "prng.h"

static const uint64_t SPLITMIX_STEP = 0x9e3779b97f4a7c15u;
static const uint64_t SPLITMIX_MUL1 = 0xbf58476d1ce4e5b9u;
static const uint64_t SPLITMIX_MUL2 = 0x94d049bb133111ebu;

void prng_seed(struct prng *r, uint64_t seed)
{
	r->state = seed;
}

/* Returns the next 64 random bits. */
uint64_t prng_next(struct prng *r)
{
	r->state += SPLITMIX_STEP;
	uint64_t z = r->state;
	z = (z ^ (z >> 30)) * SPLITMIX_MUL1;
	z = (z ^ (z >> 27)) * SPLITMIX_MUL2;
	return z ^ (z >> 31);
}

/*
 * Returns a number in [0, bound); bound must not be 0. The modulo's bias
 * is below bound / 2^64, far too small to matter here.
 */
uint64_t prng_below(struct prng *r, uint64_t bound)
{
	return prng_next(r) % bound;
}
