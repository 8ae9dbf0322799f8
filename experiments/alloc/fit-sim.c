/*
 * fit-sim: placement policies, compared on the same traces.
 *
 *     fit-sim [--footers] TRACE...
 *
 * A model of an implicit-list allocator, not an allocator: it keeps a list of
 * blocks (offset, size, free or not) in address order and replays a malloc
 * trace (the mdriver format, chapter 9) three times, once per placement
 * policy. Block sizes follow the lab's rules: an 8-byte header plus the
 * payload, rounded up to 16, at least 32 bytes. Free blocks are split when
 * the rest can hold a block, and merged with free neighbours at once. When
 * nothing fits, the heap grows by just what the request needs (no chunks, no
 * trimming), so that the policy is the only difference between the runs.
 *
 * The first three policies search the implicit list of all blocks (chapter
 * 9). The fourth searches segregated free lists of free blocks only, with
 * the lab's size classes and its bounded best fit (chapter 10).
 *
 * For each trace and policy it prints the utilization (peak live payload /
 * peak heap size) and how many blocks the search examined per request: the
 * two sides of the trade-off.
 *
 * With --footers it replays each trace with segregated fit only, twice:
 * with the lab's tags (a header on every block, a footer on free blocks
 * only) and with an 8-byte footer on every block, as in the textbook
 * boundary-tag scheme, and prints both utilizations: what the lab's
 * PREV_ALLOC bit saves (chapter 10).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	WORD = 8, /* a header or a footer */
	ALIGN = 16,
	MIN_BLOCK = 32,
	NUM_SMALL_CLASSES = 31, /* one size each: 32, 48, ..., 512 */
	SMALL_MAX = MIN_BLOCK + (NUM_SMALL_CLASSES - 1) * ALIGN,
	SMALL_MAX_LOG2 = 9, /* SMALL_MAX is 1 << 9 */
	QUARTERS = 4,       /* then four classes per power of two */
	NUM_CLASSES = 64,   /* up to 128 KiB, then one for the rest */
	FIT_CANDIDATES = 4, /* blocks compared in one class */
};

enum policy { FIRST_FIT, NEXT_FIT, BEST_FIT, SEGREGATED, NUM_POLICIES };

static const char *const POLICY_NAMES[NUM_POLICIES] = {
	"first fit",
	"next fit",
	"best fit",
	"seg. fit",
};

/* One block of the modelled heap. */
struct block {
	size_t offset;               /* from the start of the heap */
	size_t size;                 /* including the header */
	bool free;                   /* not allocated */
	bool listed;                 /* on a segregated free list */
	struct block *prev, *next;   /* neighbours in address order */
	struct block *fprev, *fnext; /* neighbours on its free list */
};

/* One operation of a trace. */
struct op {
	char kind;   /* 'a', 'r' or 'f' */
	size_t id;   /* block id */
	size_t size; /* bytes asked for ('a' and 'r') */
};

struct trace {
	size_t num_ids;
	size_t num_ops;
	struct op *ops;
};

/* The modelled heap and what the replay has measured. */
struct sim {
	enum policy policy;
	struct block *first, *last;
	struct block *rover;              /* where next fit resumes */
	struct block *lists[NUM_CLASSES]; /* segregated free lists */
	struct block **by_id;             /* the live block of each id */
	size_t *payload_of;               /* bytes asked for by each live id */
	size_t heap_size, peak_heap;
	size_t live, peak_live;
	size_t searches, examined;
};

/* Bytes of tags on an allocated block: a header, and maybe a footer. */
static size_t tag_bytes = WORD;

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (p == NULL) {
		perror("fit-sim");
		exit(1);
	}
	return p;
}

static size_t block_size_for(size_t request)
{
	size_t size = (request + tag_bytes + ALIGN - 1) / ALIGN * ALIGN;
	return size < MIN_BLOCK ? MIN_BLOCK : size;
}

/* The lab's size classes: see size_class in solutions/alloc/mm.c. */
static size_t size_class(size_t size)
{
	if (size <= SMALL_MAX)
		return (size - MIN_BLOCK) / ALIGN;
	size_t log2 = (size_t)(63 - __builtin_clzll(size - 1));
	size_t quarter = ((size - 1) >> (log2 - 2)) & (QUARTERS - 1);
	size_t cls = NUM_SMALL_CLASSES + (log2 - SMALL_MAX_LOG2) * QUARTERS +
		     quarter;
	return cls < NUM_CLASSES ? cls : NUM_CLASSES - 1;
}

static void list_insert(struct sim *sim, struct block *b)
{
	struct block **head = &sim->lists[size_class(b->size)];
	b->fprev = NULL;
	b->fnext = *head;
	if (*head != NULL)
		(*head)->fprev = b;
	*head = b;
	b->listed = true;
}

static void list_remove(struct sim *sim, struct block *b)
{
	if (!b->listed)
		return;
	if (b->fprev != NULL)
		b->fprev->fnext = b->fnext;
	else
		sim->lists[size_class(b->size)] = b->fnext;
	if (b->fnext != NULL)
		b->fnext->fprev = b->fprev;
	b->listed = false;
}

/* Segregated fit: the best of the first few blocks that fit, per class. */
static struct block *find_fit_segregated(struct sim *sim, size_t size)
{
	for (size_t cls = size_class(size); cls < NUM_CLASSES; cls++) {
		struct block *best = NULL;
		int candidates = 0;
		for (struct block *b = sim->lists[cls];
		     b != NULL && candidates < FIT_CANDIDATES; b = b->fnext) {
			sim->examined++;
			if (b->size < size)
				continue;
			candidates++;
			if (best == NULL || b->size < best->size)
				best = b;
			if (b->size == size)
				break;
		}
		if (best != NULL)
			return best;
	}
	return NULL;
}

// ANCHOR: policies
/* Returns a free block of at least size bytes, or NULL; counts the search. */
static struct block *find_fit(struct sim *sim, size_t size)
{
	sim->searches++;
	if (sim->policy == SEGREGATED)
		return find_fit_segregated(sim, size);
	if (sim->policy == NEXT_FIT && sim->rover != NULL) {
		/* From the rover to the end, then from the start to the rover. */
		struct block *b = sim->rover;
		do {
			sim->examined++;
			if (b->free && b->size >= size)
				return b;
			b = b->next != NULL ? b->next : sim->first;
		} while (b != sim->rover);
		return NULL;
	}
	struct block *best = NULL;
	for (struct block *b = sim->first; b != NULL; b = b->next) {
		sim->examined++;
		if (!b->free || b->size < size)
			continue;
		if (sim->policy != BEST_FIT || b->size == size)
			return b; /* first fit, or a perfect fit */
		if (best == NULL || b->size < best->size)
			best = b;
	}
	return best;
}
// ANCHOR_END: policies

/* Unlinks and frees b, which has just been merged into its predecessor. */
static void block_drop(struct sim *sim, struct block *b)
{
	list_remove(sim, b);
	if (sim->rover == b)
		sim->rover = b->prev;
	b->prev->next = b->next;
	if (b->next != NULL)
		b->next->prev = b->prev;
	else
		sim->last = b->prev;
	free(b);
}

/* Marks b allocated with size bytes, splitting off the rest if it can. */
static void place(struct sim *sim, struct block *b, size_t size)
{
	list_remove(sim, b);
	if (b->size - size >= MIN_BLOCK) {
		struct block *rest = xcalloc(1, sizeof *rest);
		*rest = (struct block){.offset = b->offset + size,
				       .size = b->size - size,
				       .free = true,
				       .prev = b,
				       .next = b->next};
		if (b->next != NULL)
			b->next->prev = rest;
		else
			sim->last = rest;
		b->next = rest;
		b->size = size;
		list_insert(sim, rest);
	}
	b->free = false;
	sim->rover = b->next != NULL ? b->next : sim->first;
}

/* Grows the heap for a block of size bytes and returns that block. */
static struct block *grow(struct sim *sim, size_t size)
{
	struct block *last = sim->last;
	if (last != NULL && last->free) {
		list_remove(sim, last);
		sim->heap_size += size - last->size;
		last->size = size;
		return last;
	}
	struct block *b = xcalloc(1, sizeof *b);
	*b = (struct block){.offset = sim->heap_size,
			    .size = size,
			    .free = true,
			    .prev = last};
	if (last != NULL)
		last->next = b;
	else
		sim->first = b;
	sim->last = b;
	sim->heap_size += size;
	return b;
}

static void sim_alloc(struct sim *sim, size_t id, size_t request)
{
	size_t size = block_size_for(request);
	struct block *b = find_fit(sim, size);
	if (b == NULL)
		b = grow(sim, size);
	place(sim, b, size);
	sim->by_id[id] = b;
	sim->payload_of[id] = request;
	sim->live += request;
}

static void sim_free(struct sim *sim, size_t id)
{
	struct block *b = sim->by_id[id];
	sim->by_id[id] = NULL;
	sim->live -= sim->payload_of[id];
	b->free = true;
	if (b->next != NULL && b->next->free) {
		b->size += b->next->size;
		block_drop(sim, b->next);
	}
	if (b->prev != NULL && b->prev->free) {
		struct block *prev = b->prev;
		list_remove(sim, prev);
		prev->size += b->size;
		block_drop(sim, b);
		b = prev;
	}
	list_insert(sim, b);
}

/* What one replay measured. */
struct result {
	double util;     /* peak live payload / peak heap size */
	double examined; /* blocks examined per request */
};

/* Replays the trace with one policy. */
static struct result replay(const struct trace *t, enum policy policy)
{
	struct sim sim = {.policy = policy};
	sim.by_id = xcalloc(t->num_ids, sizeof *sim.by_id);
	sim.payload_of = xcalloc(t->num_ids, sizeof *sim.payload_of);
	for (size_t i = 0; i < t->num_ops; i++) {
		const struct op *op = &t->ops[i];
		if (op->kind == 'a') {
			sim_alloc(&sim, op->id, op->size);
		} else if (op->kind == 'r') {
			/* The simple realloc: a new block, then free the old. */
			struct block *old = sim.by_id[op->id];
			size_t old_payload = sim.payload_of[op->id];
			sim_alloc(&sim, op->id, op->size);
			struct block *fresh = sim.by_id[op->id];
			sim.by_id[op->id] = old;
			sim.payload_of[op->id] = old_payload;
			sim_free(&sim, op->id);
			sim.by_id[op->id] = fresh;
			sim.payload_of[op->id] = op->size;
		} else {
			sim_free(&sim, op->id);
		}
		if (sim.live > sim.peak_live)
			sim.peak_live = sim.live;
		if (sim.heap_size > sim.peak_heap)
			sim.peak_heap = sim.heap_size;
	}
	struct result r = {
		.util = sim.peak_heap ? (double)sim.peak_live / sim.peak_heap
				      : 0,
		.examined =
			sim.searches ? (double)sim.examined / sim.searches : 0,
	};
	for (struct block *b = sim.first; b != NULL;) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	free(sim.by_id);
	free(sim.payload_of);
	return r;
}

/* Reads a trace; exits with a message if it is malformed. */
static struct trace trace_read(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	struct trace t = {0};
	unsigned long heap_hint, num_ids, num_ops, weight;
	if (fscanf(f, "%lu %lu %lu %lu", &heap_hint, &num_ids, &num_ops,
		   &weight) != 4 ||
	    num_ids == 0) {
		fprintf(stderr, "fit-sim: %s: bad header\n", path);
		exit(2);
	}
	t.num_ids = num_ids;
	t.ops = xcalloc(num_ops, sizeof *t.ops);
	char kind[2];
	unsigned long id, size;
	while (t.num_ops < num_ops && fscanf(f, "%1s %lu", kind, &id) == 2) {
		size = 0;
		if (kind[0] != 'f' && fscanf(f, "%lu", &size) != 1)
			break;
		if (id >= num_ids || strchr("arf", kind[0]) == NULL)
			break;
		t.ops[t.num_ops++] = (struct op){kind[0], id, size};
	}
	fclose(f);
	if (t.num_ops != num_ops) {
		fprintf(stderr, "fit-sim: %s: bad operation %zu\n", path,
			t.num_ops + 1);
		exit(2);
	}
	return t;
}

int main(int argc, char *argv[])
{
	bool footers = argc > 1 && strcmp(argv[1], "--footers") == 0;
	int first = footers ? 2 : 1;
	if (first >= argc) {
		fprintf(stderr, "usage: fit-sim [--footers] TRACE...\n");
		return 2;
	}
	if (footers)
		printf("%-22s %12s %16s\n", "seg. fit, util", "P bit",
		       "footers on all");
	for (int i = first; i < argc; i++) {
		struct trace t = trace_read(argv[i]);
		const char *name = strrchr(argv[i], '/');
		name = name ? name + 1 : argv[i];
		if (footers) {
			tag_bytes = WORD;
			double lean = replay(&t, SEGREGATED).util;
			tag_bytes = 2 * WORD;
			double fat = replay(&t, SEGREGATED).util;
			printf("%-22s %11.1f%% %15.1f%%\n", name, 100 * lean,
			       100 * fat);
		} else {
			printf("%s (%zu operations)\n", name, t.num_ops);
			for (int p = 0; p < NUM_POLICIES; p++) {
				struct result r = replay(&t, (enum policy)p);
				printf("  %-10s util %5.1f%%   blocks examined "
				       "per request %7.1f\n",
				       POLICY_NAMES[p], 100 * r.util,
				       r.examined);
			}
		}
		free(t.ops);
	}
	return 0;
}
