/*
 * rng.c: xorshift64* (George Marsaglia, "Xorshift RNGs", Journal of
 * Statistical Software 8(14), 2003; the multiplied output is Sebastiano
 * Vigna's, 2016). Three shifts scramble a 64-bit state and a multiply
 * mixes the bits of the result. It is not for cryptography, only for
 * drawing a fresh problem per seed, and it uses nothing but 64-bit integer
 * arithmetic, which every C compiler does the same way.
 */
#include "rng.h"

#include <assert.h>

static const uint64_t SEED_SPREAD = 0x9e3779b97f4a7c15u; /* odd: a bijection */
static const uint64_t OUTPUT_MUL = 0x2545f4914f6cdd1du;
/* Draws thrown away after seeding, so that neighbouring seeds such as 1
 * and 2 differ from the first number on. */
enum { WARM_UP = 4 };

/* Starts the generator at seed; every seed, 0 included, is fine. */
void rng_seed(struct rng *r, uint64_t seed)
{
	r->state = (seed + 1) * SEED_SPREAD;
	/* Only seed UINT64_MAX lands on 0; it draws seed 0's problem. */
	if (r->state == 0)
		r->state = SEED_SPREAD;
	for (int i = 0; i < WARM_UP; i++)
		rng_next(r);
}

/* Returns the next 64 random bits. */
uint64_t rng_next(struct rng *r)
{
	uint64_t x = r->state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->state = x;
	return x * OUTPUT_MUL;
}

/*
 * Returns a number in [0, bound); bound must not be 0. The modulo's bias
 * is below bound / 2^64: nothing for the small bounds used here.
 */
uint64_t rng_below(struct rng *r, uint64_t bound)
{
	assert(bound > 0);
	return rng_next(r) % bound;
}

/* Returns a number in [lo, hi]; the caller guarantees lo <= hi < 2^64 - 1. */
uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
	assert(lo <= hi);
	return lo + rng_below(r, hi - lo + 1);
}

/* Returns true with the given chance, in percent (0 to 100). */
bool rng_percent(struct rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

/* Puts items[0..n) in a random order (Fisher and Yates, as in Knuth's
 * Algorithm P). */
void rng_shuffle(struct rng *r, size_t *items, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rng_below(r, i);
		size_t tmp = items[i - 1];
		items[i - 1] = items[j];
		items[j] = tmp;
	}
}
