/*
 * policy.h: page replacement policies, which choose the frame to evict
 * when no frame is free.
 */
#ifndef POLICY_H
#define POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prng.h"

enum policy_kind {
	POLICY_FIFO,
	POLICY_LRU,
	POLICY_CLOCK,
	POLICY_OPT,
	POLICY_RANDOM,
	POLICY_COUNT, /* the number of policies */
};

/* A next use that never comes: the page is not referenced again. */
static const uint64_t POLICY_NEVER = UINT64_MAX;

/*
 * CLOCK keeps no reference bits of its own: a frame's bit is the accessed
 * bit of the PTE that maps the page in it, which the MMU sets. The machine
 * gives CLOCK a function that clears that bit for the page in frame and
 * returns true if it was set; ctx is handed back to it.
 */
typedef bool policy_clear_fn(void *ctx, size_t frame);

struct policy_config {
	enum policy_kind kind;
	size_t frames; /* the frames to choose among: 0 to frames - 1 */
	uint64_t seed; /* RANDOM: the seed of its generator */
	/* OPT: next_use[t] is the time of the next reference to the page
	 * referenced at time t, or POLICY_NEVER; refs is its length. */
	const uint64_t *next_use;
	size_t refs;
	/* CLOCK: tests and clears a frame's reference bit, as above. */
	policy_clear_fn *clear_accessed;
	void *ctx;
};

struct policy {
	enum policy_kind kind;
	size_t frames; /* frames 0 to frames - 1 */

	/* FIFO and LRU: a circular doubly linked list of the frames in use,
	 * through prev[] and next[]; index `frames` is the head. The first
	 * frame on the list is the one to evict. */
	size_t *prev;
	size_t *next;

	/* CLOCK: the hand, and how to test and clear a frame's reference
	 * bit (from the configuration). */
	size_t hand;
	policy_clear_fn *clear_accessed;
	void *ctx;

	/* OPT: a heap of the frames in use, the one whose page is used
	 * again last at heap[0]. */
	const uint64_t *next_use; /* from the configuration */
	size_t refs;              /* from the configuration */
	uint64_t *key;            /* key[f]: next use of the page in frame f */
	size_t *heap;             /* heap_len frames */
	size_t *heap_pos;         /* heap_pos[f]: index of frame f in heap[] */
	size_t heap_len;

	/* RANDOM */
	struct prng rng;
};

int policy_init(struct policy *p, const struct policy_config *config);
void policy_free(struct policy *p);
void policy_loaded(struct policy *p, size_t frame);
void policy_touch(struct policy *p, size_t frame, uint64_t now);
size_t policy_victim(struct policy *p);
const char *policy_name(enum policy_kind kind);
int policy_parse(const char *name, enum policy_kind *kind);

#endif
