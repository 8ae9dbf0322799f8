/*
 * policy.c: page replacement.
 *
 * The virtual memory system tells a policy about three events, and every
 * one of them costs O(1) or O(log frames):
 *
 *   1. policy_loaded(frame): a page has just been loaded into frame.
 *   2. policy_touch(frame, now): the page in frame was referenced at time
 *      now (a count of references). Every reference is reported, TLB hits
 *      included, the one that faulted the page in as well.
 *   3. policy_victim(): every frame is in use; which one should go?
 *
 * FIFO    evicts the page loaded longest ago: a queue in load order.
 * LRU     evicts the page referenced longest ago: the same list, but a
 *         reference moves the page to the tail.
 * CLOCK   approximates LRU with a reference bit per frame (Corbato, 1968):
 *         the hand sweeps the frames, clearing set bits, and evicts the
 *         first frame whose bit is clear: a second chance. The bit is the
 *         accessed bit of the page's PTE, set by the MMU, so CLOCK needs
 *         no event at all, only a way to clear it (policy_clear_fn).
 * OPT     evicts the page whose next use is furthest away (Belady, "A study
 *         of replacement algorithms for a virtual-storage computer", IBM
 *         Systems Journal, 1966). It needs the future, so only a simulator
 *         can run it; it is the yardstick for the others.
 * RANDOM  evicts any frame, drawn from a seeded generator.
 */
#include "policy.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char *const POLICY_NAMES[POLICY_COUNT] = {
	[POLICY_FIFO] = "fifo",     [POLICY_LRU] = "lru",
	[POLICY_CLOCK] = "clock",   [POLICY_OPT] = "opt",
	[POLICY_RANDOM] = "random",
};

/* heap_pos[] of a frame that is not in OPT's heap. */
static const size_t NOT_IN_HEAP = SIZE_MAX;

/* The list of FIFO and LRU. Index p->frames is the head. */

static size_t list_first(const struct policy *p)
{
	return p->next[p->frames];
}

static void list_remove(struct policy *p, size_t frame)
{
	p->next[p->prev[frame]] = p->next[frame];
	p->prev[p->next[frame]] = p->prev[frame];
}

static void list_append(struct policy *p, size_t frame)
{
	size_t head = p->frames, last = p->prev[head];
	p->prev[frame] = last;
	p->next[frame] = head;
	p->next[last] = frame;
	p->prev[head] = frame;
}

// ANCHOR: fifo
/* FIFO: a page joins the tail of the queue when it is loaded... */
static void fifo_loaded(struct policy *p, size_t frame)
{
	// BEGIN SOLUTION
	list_append(p, frame);
	// END SOLUTION
	//~ // TODO(stage 5): put frame at the tail of the list.
	//~ // Read 06-swapping-and-replacement.md#fifo.
	//~ (void)p;
	//~ (void)frame;
	//~ (void)list_append;
}

/* ...and leaves from the head, which is the victim. LRU uses this too. */
static size_t fifo_victim(struct policy *p)
{
	// BEGIN SOLUTION
	size_t frame = list_first(p);
	list_remove(p, frame);
	return frame;
	// END SOLUTION
	//~ // TODO(stage 5): take the first frame off the list.
	//~ (void)p;
	//~ (void)list_first;
	//~ (void)list_remove;
	//~ return 0;
}
// ANCHOR_END: fifo

// ANCHOR: lru
/* LRU: every reference moves the page to the tail, so the head is the
 * page referenced longest ago. Loading and evicting are FIFO's. */
static void lru_touch(struct policy *p, size_t frame)
{
	// BEGIN SOLUTION
	list_remove(p, frame);
	list_append(p, frame);
	// END SOLUTION
	//~ // TODO(stage 5): move frame to the tail, in O(1).
	//~ // Read 06-swapping-and-replacement.md#lru.
	//~ (void)p;
	//~ (void)frame;
}
// ANCHOR_END: lru

// ANCHOR: clock
/*
 * CLOCK: the MMU sets a page's reference bit (its PTE's accessed bit) on
 * every reference, the one that loads it too. To choose a victim, the hand
 * gives every frame whose bit is set a second chance (p->clear_accessed()
 * clears the bit and says it was set) and stops at the first frame whose
 * bit is clear: the victim. It then moves past the victim. The loop ends:
 * after one sweep every bit is clear.
 */
static size_t clock_victim(struct policy *p)
{
	// BEGIN SOLUTION
	while (p->clear_accessed(p->ctx, p->hand))
		p->hand = (p->hand + 1) % p->frames;
	size_t victim = p->hand;
	p->hand = (p->hand + 1) % p->frames;
	return victim;
	// END SOLUTION
	//~ // TODO(stage 5): sweep from p->hand as described above.
	//~ // Read 06-swapping-and-replacement.md#clock.
	//~ (void)p;
	//~ return 0;
}
// ANCHOR_END: clock

// ANCHOR: opt
/*
 * OPT: returns true if the page in frame a should be evicted before the
 * one in frame b: its next use is later; among pages never used again
 * (or used next at the same time, which cannot happen), the lower frame.
 */
static bool opt_before(const struct policy *p, size_t a, size_t b)
{
	// BEGIN SOLUTION
	if (p->key[a] != p->key[b])
		return p->key[a] > p->key[b];
	return a < b;
	// END SOLUTION
	//~ // TODO(stage 5): compare p->key[a] and p->key[b] as said above.
	//~ // Read 06-swapping-and-replacement.md#opt.
	//~ (void)p;
	//~ (void)a;
	//~ (void)b;
	//~ return false;
}
// ANCHOR_END: opt

/* Swaps heap entries i and j, keeping heap_pos[] right. */
static void heap_swap(struct policy *p, size_t i, size_t j)
{
	size_t fi = p->heap[i], fj = p->heap[j];
	p->heap[i] = fj;
	p->heap[j] = fi;
	p->heap_pos[fj] = i;
	p->heap_pos[fi] = j;
}

/* Moves heap entry i up or down until its parent and children agree. */
static void heap_fix(struct policy *p, size_t i)
{
	while (i > 0 && opt_before(p, p->heap[i], p->heap[(i - 1) / 2])) {
		heap_swap(p, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t best = i, left = 2 * i + 1, right = left + 1;
		const size_t *h = p->heap, n = p->heap_len;
		if (left < n && opt_before(p, h[left], h[best]))
			best = left;
		if (right < n && opt_before(p, h[right], h[best]))
			best = right;
		if (best == i)
			return;
		heap_swap(p, i, best);
		i = best;
	}
}

static void opt_loaded(struct policy *p, size_t frame)
{
	if (p->heap_pos[frame] != NOT_IN_HEAP)
		return; /* a victim's frame, reused: already in the heap */
	p->key[frame] = POLICY_NEVER;
	p->heap[p->heap_len] = frame;
	p->heap_pos[frame] = p->heap_len++;
	heap_fix(p, p->heap_pos[frame]);
}

// ANCHOR: opt_touch
/* OPT: a reference at time now sets the page's key to its next use. */
static void opt_touch(struct policy *p, size_t frame, uint64_t now)
{
	// BEGIN SOLUTION
	p->key[frame] = now < p->refs ? p->next_use[now] : POLICY_NEVER;
	heap_fix(p, p->heap_pos[frame]);
	// END SOLUTION
	//~ // TODO(stage 5): set key[frame] from next_use[now] (POLICY_NEVER
	//~ // if now is past the end), then restore the heap with heap_fix().
	//~ // The victim is then the frame at heap[0].
	//~ (void)p;
	//~ (void)frame;
	//~ (void)now;
}
// ANCHOR_END: opt_touch

// ANCHOR: random
/* RANDOM: any frame at all, drawn from the policy's seeded generator. */
static size_t random_victim(struct policy *p)
{
	// BEGIN SOLUTION
	return (size_t)prng_below(&p->rng, p->frames);
	// END SOLUTION
	//~ // TODO(stage 5): draw a frame with prng_below().
	//~ // Read 06-swapping-and-replacement.md#random.
	//~ (void)p;
	//~ return 0;
}
// ANCHOR_END: random

/* Allocates n zeroed elements of `size` bytes, or returns NULL. */
static void *policy_array(size_t n, size_t size)
{
	return calloc(n, size);
}

/* Allocates the arrays of the list (FIFO, LRU). Returns 0 or -1. */
static int list_init(struct policy *p)
{
	p->prev = policy_array(p->frames + 1, sizeof *p->prev);
	p->next = policy_array(p->frames + 1, sizeof *p->next);
	if (p->prev == NULL || p->next == NULL)
		return -1;
	p->prev[p->frames] = p->next[p->frames] = p->frames;
	return 0;
}

/* Allocates OPT's heap. Returns 0 or -1. */
static int heap_init(struct policy *p)
{
	p->key = policy_array(p->frames, sizeof *p->key);
	p->heap = policy_array(p->frames, sizeof *p->heap);
	p->heap_pos = policy_array(p->frames, sizeof *p->heap_pos);
	if (p->key == NULL || p->heap == NULL || p->heap_pos == NULL)
		return -1;
	for (size_t f = 0; f < p->frames; f++)
		p->heap_pos[f] = NOT_IN_HEAP;
	return 0;
}

/*
 * Makes a policy of the configured kind for config->frames frames (at
 * least 1), none of them in use; CLOCK needs config->clear_accessed.
 * Returns 0, or -1 if memory ran out or the kind is not a policy.
 */
int policy_init(struct policy *p, const struct policy_config *config)
{
	*p = (struct policy){
		.kind = config->kind,
		.frames = config->frames,
		.next_use = config->next_use,
		.refs = config->next_use == NULL ? 0 : config->refs,
		.clear_accessed = config->clear_accessed,
		.ctx = config->ctx,
	};
	prng_seed(&p->rng, config->seed);
	int rc = 0;
	switch (p->kind) {
	case POLICY_FIFO:
	case POLICY_LRU:
		rc = list_init(p);
		break;
	case POLICY_CLOCK:
		assert(p->clear_accessed != NULL);
		break;
	case POLICY_OPT:
		rc = heap_init(p);
		break;
	case POLICY_RANDOM:
		break;
	case POLICY_COUNT:
		assert(!"not a policy");
		rc = -1;
		break;
	}
	if (rc != 0)
		policy_free(p);
	return rc;
}

void policy_free(struct policy *p)
{
	free(p->prev);
	free(p->next);
	free(p->key);
	free(p->heap);
	free(p->heap_pos);
	*p = (struct policy){0};
}

/* Tells the policy that a page has just been loaded into frame. */
void policy_loaded(struct policy *p, size_t frame)
{
	switch (p->kind) {
	case POLICY_FIFO:
	case POLICY_LRU:
		fifo_loaded(p, frame);
		break;
	case POLICY_OPT:
		opt_loaded(p, frame);
		break;
	case POLICY_CLOCK:  /* the MMU sets the accessed bit */
	case POLICY_RANDOM: /* keeps no history */
	case POLICY_COUNT:
		break;
	}
}

/* Tells the policy that the page in frame was referenced at time now. */
void policy_touch(struct policy *p, size_t frame, uint64_t now)
{
	switch (p->kind) {
	case POLICY_LRU:
		lru_touch(p, frame);
		break;
	case POLICY_OPT:
		opt_touch(p, frame, now);
		break;
	case POLICY_FIFO:   /* order of loading only */
	case POLICY_CLOCK:  /* the MMU sets the accessed bit */
	case POLICY_RANDOM: /* keeps no history */
	case POLICY_COUNT:
		break;
	}
}

/*
 * Returns the frame whose page should be evicted. The caller guarantees
 * that every frame is in use, and loads a page into the frame next.
 */
size_t policy_victim(struct policy *p)
{
	switch (p->kind) {
	case POLICY_FIFO:
	case POLICY_LRU:
		return fifo_victim(p);
	case POLICY_CLOCK:
		return clock_victim(p);
	case POLICY_OPT:
		return p->heap_len == 0 ? 0 : p->heap[0];
	case POLICY_RANDOM:
		return random_victim(p);
	case POLICY_COUNT:
		break;
	}
	assert(!"not a policy: policy_init() refuses it");
	return 0;
}

/* Returns the name of a policy kind, as vmsim spells it. */
const char *policy_name(enum policy_kind kind)
{
	return kind < POLICY_COUNT ? POLICY_NAMES[kind] : "?";
}

/* Sets *kind to the policy called name. Returns 0, or -1 if none is. */
int policy_parse(const char *name, enum policy_kind *kind)
{
	for (int k = 0; k < POLICY_COUNT; k++) {
		if (strcmp(name, POLICY_NAMES[k]) == 0) {
			*kind = (enum policy_kind)k;
			return 0;
		}
	}
	return -1;
}
