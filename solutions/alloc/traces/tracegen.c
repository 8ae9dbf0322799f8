/*
 * tracegen: writes the lab's synthetic traces, the same bytes every time.
 *
 *     tracegen --list          name and describe every trace
 *     tracegen NAME            print trace NAME on stdout
 *     tracegen --all DIR       write DIR/NAME.rep for every trace
 *     tracegen --check DIR     regenerate every trace, compare with DIR
 *
 * Each trace comes from one function below and a fixed seed for its own
 * random generator (xorshift64*), so the files in traces/ can be checked and
 * remade at any time. The patterns are the ones malloc-lab traces have
 * always exercised; none is tuned to any allocator. traces/README.md says
 * what each is for.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One operation. */
struct op {
	char kind; /* 'a', 'r' or 'f' */
	uint32_t id;
	uint32_t size;
};

/* A trace being generated. */
struct gen {
	uint64_t rng; /* the random generator's state */
	struct op *ops;
	size_t num_ops, ops_cap;
	uint32_t next_id; /* every allocation gets a fresh id */
	uint32_t *live;   /* the live ids, in no order */
	size_t num_live, live_cap;
	size_t *where;   /* by id: its index in live */
	uint32_t *sizes; /* by id: its size */
	size_t where_cap, sizes_cap;
};

static void *grow(void *array, size_t *cap, size_t elem, size_t need)
{
	if (need <= *cap)
		return array;
	size_t cap2 = *cap == 0 ? 1024 : *cap;
	while (cap2 < need)
		cap2 *= 2;
	array = realloc(array, cap2 * elem);
	if (array == NULL) {
		fprintf(stderr, "tracegen: out of memory\n");
		exit(1);
	}
	*cap = cap2;
	return array;
}

static uint64_t next_random(struct gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 0x2545F4914F6CDD1Du;
}

/* Returns a number in [lo, hi], uniformly. */
static uint32_t uniform(struct gen *g, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(next_random(g) % ((uint64_t)hi - lo + 1));
}

/* Returns true with probability p. */
static bool chance(struct gen *g, double p)
{
	return (double)(next_random(g) >> 11) * 0x1.0p-53 < p;
}

/* Returns a size in [lo, hi] whose logarithm is uniform: small ones common. */
static uint32_t log_uniform(struct gen *g, uint32_t lo, uint32_t hi)
{
	double u = (double)(next_random(g) >> 11) * 0x1.0p-53;
	double size = exp(log(lo) + u * (log(hi + 1.0) - log(lo)));
	return size > hi ? hi : (uint32_t)size;
}

static void emit(struct gen *g, char kind, uint32_t id, uint32_t size)
{
	g->ops = grow(g->ops, &g->ops_cap, sizeof *g->ops, g->num_ops + 1);
	g->ops[g->num_ops++] = (struct op){kind, id, size};
}

/* Allocates a block; returns its id. */
static uint32_t gen_alloc(struct gen *g, uint32_t size)
{
	uint32_t id = g->next_id++;
	g->where = grow(g->where, &g->where_cap, sizeof *g->where, id + 1);
	g->sizes = grow(g->sizes, &g->sizes_cap, sizeof *g->sizes, id + 1);
	g->live = grow(g->live, &g->live_cap, sizeof *g->live, g->num_live + 1);
	g->where[id] = g->num_live;
	g->sizes[id] = size;
	g->live[g->num_live++] = id;
	emit(g, 'a', id, size);
	return id;
}

static void gen_realloc(struct gen *g, uint32_t id, uint32_t size)
{
	g->sizes[id] = size;
	emit(g, 'r', id, size);
}

static void gen_free(struct gen *g, uint32_t id)
{
	size_t i = g->where[id];
	uint32_t last = g->live[--g->num_live];
	g->live[i] = last;
	g->where[last] = i;
	emit(g, 'f', id, 0);
}

/* Returns a live id at random (there must be one). */
static uint32_t random_live(struct gen *g)
{
	return g->live[next_random(g) % g->num_live];
}

/* Frees every live block, in random order. */
static void free_all(struct gen *g)
{
	while (g->num_live > 0)
		gen_free(g, random_live(g));
}

/*
 * Random allocations and frees, growing for the first half and shrinking for
 * the second, so that the live payload peaks mid-trace. realloc_share of the
 * operations resize a live block; sizes come from size_of.
 */
static void random_mix(struct gen *g, size_t target, double realloc_share,
		       uint32_t (*size_of)(struct gen *))
{
	while (g->num_ops + g->num_live < target) {
		double alloc_share = g->num_ops < target / 2 ? 0.6 : 0.4;
		if (g->num_live == 0 || chance(g, alloc_share)) {
			gen_alloc(g, size_of(g));
		} else if (chance(g, realloc_share)) {
			uint32_t id = random_live(g);
			double factor =
				0.25 +
				2.25 * (double)uniform(g, 0, 1000) / 1000;
			uint32_t size = (uint32_t)(g->sizes[id] * factor) + 1;
			gen_realloc(g, id, size < 65536 ? size : 65536);
		} else {
			gen_free(g, random_live(g));
		}
	}
	free_all(g);
}

static uint32_t any_size(struct gen *g)
{
	return log_uniform(g, 1, 16384);
}

static uint32_t power_of_two_size(struct gen *g)
{
	return (uint32_t)1 << uniform(g, 3, 13);
}

static void gen_random(struct gen *g)
{
	random_mix(g, 20000, 0.0, any_size);
}

static void gen_random_realloc(struct gen *g)
{
	random_mix(g, 20000, 0.3, any_size);
}

static void gen_powers(struct gen *g)
{
	random_mix(g, 20000, 0.0, power_of_two_size);
}

/*
 * Pairs of a small and a big block; the big ones are freed, then blocks a
 * little bigger than them are asked for: they fit in none of the holes.
 * (The "binary" pattern of the CS:APP malloc lab.)
 */
static void gen_binary(struct gen *g)
{
	enum { PAIRS = 2000 };
	uint32_t small[PAIRS], big[PAIRS], bigger[PAIRS];
	for (int i = 0; i < PAIRS; i++) {
		small[i] = gen_alloc(g, 64);
		big[i] = gen_alloc(g, 448);
	}
	for (int i = 0; i < PAIRS; i++)
		gen_free(g, big[i]);
	for (int i = 0; i < PAIRS; i++)
		bigger[i] = gen_alloc(g, 512);
	for (int i = 0; i < PAIRS; i++) {
		gen_free(g, small[i]);
		gen_free(g, bigger[i]);
	}
}

/*
 * Two blocks side by side, both freed, then one the size of both: only
 * coalescing avoids growing the heap. Every tenth round keeps a small block
 * alive, so the merged blocks are not all at the top.
 */
static void gen_coalescing(struct gen *g)
{
	for (int round = 0; round < 3000; round++) {
		uint32_t x = uniform(g, 500, 8000), y = uniform(g, 500, 8000);
		uint32_t a = gen_alloc(g, x), b = gen_alloc(g, y);
		if (round % 10 == 0)
			gen_alloc(g, uniform(g, 16, 200));
		gen_free(g, a);
		gen_free(g, b);
		gen_free(g, gen_alloc(g, x + y));
	}
	free_all(g);
}

/*
 * Buffers grown by small steps with realloc (strings, vectors), while small
 * blocks come and go between the steps.
 */
static void gen_realloc_growth(struct gen *g)
{
	enum { BUFFERS = 8 };
	int32_t buffer[BUFFERS];
	uint32_t limit[BUFFERS];
	for (int i = 0; i < BUFFERS; i++)
		buffer[i] = -1;
	size_t smalls = 0;
	while (g->num_ops < 20000) {
		if (chance(g, 0.35)) {
			/* Small-block traffic: allocations and frees of smalls only. */
			if (smalls < 50 || chance(g, 0.5)) {
				gen_alloc(g, uniform(g, 16, 128));
				smalls++;
			} else {
				uint32_t id = random_live(g);
				bool is_buffer = false;
				for (int i = 0; i < BUFFERS; i++)
					is_buffer = is_buffer ||
						    buffer[i] == (int32_t)id;
				if (!is_buffer) {
					gen_free(g, id);
					smalls--;
				}
			}
			continue;
		}
		int i = (int)uniform(g, 0, BUFFERS - 1);
		if (buffer[i] < 0) {
			buffer[i] = (int32_t)gen_alloc(g, uniform(g, 1, 64));
			limit[i] = uniform(g, 4096, 100000);
		} else if (g->sizes[buffer[i]] > limit[i]) {
			gen_free(g, (uint32_t)buffer[i]);
			buffer[i] = -1;
		} else {
			uint32_t id = (uint32_t)buffer[i];
			gen_realloc(g, id, g->sizes[id] + uniform(g, 1, 256));
		}
	}
	free_all(g);
}

/*
 * Many small objects, the sizes of list nodes and short strings: a batch is
 * built, most of it freed at random, more added, then all freed.
 */
static void gen_small_objects(struct gen *g)
{
	static const uint32_t sizes[] = {8,  16, 16, 24, 24, 24,
					 32, 32, 40, 48, 56, 64};
	enum { NSIZES = sizeof sizes / sizeof sizes[0] };
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 4000; i++)
			gen_alloc(g, sizes[uniform(g, 0, NSIZES - 1)] -
					     uniform(g, 0, 7));
		for (int i = 0; i < 2400; i++)
			gen_free(g, random_live(g));
		for (int i = 0; i < 2000; i++)
			gen_alloc(g, sizes[uniform(g, 0, NSIZES - 1)]);
		free_all(g);
	}
}

/* Mostly small blocks, some medium, a few large (past any mmap threshold),
 * and large blocks resized. */
static void gen_large(struct gen *g)
{
	while (g->num_ops + g->num_live < 4000) {
		if (g->num_live > 0 && chance(g, 0.15)) {
			uint32_t id = random_live(g);
			double factor =
				0.5 + 2.5 * (double)uniform(g, 0, 1000) / 1000;
			double size = g->sizes[id] * factor + 1;
			gen_realloc(g, id,
				    size < 8e6 ? (uint32_t)size : 8000000);
		} else if (g->num_live == 0 || chance(g, 0.5)) {
			uint32_t size =
				chance(g, 0.7) ? log_uniform(g, 16, 2048)
				: chance(g, 0.67)
					? log_uniform(g, 4096, 65536)
					: log_uniform(g, 131072, 4 << 20);
			gen_alloc(g, size);
		} else {
			gen_free(g, random_live(g));
		}
	}
	free_all(g);
}

/* A few hundred operations of every kind, for runs under Valgrind. */
static void gen_short(struct gen *g)
{
	while (g->num_ops + g->num_live < 300) {
		if (g->num_live > 0 && chance(g, 0.2)) {
			uint32_t id = random_live(g);
			gen_realloc(g, id, log_uniform(g, 1, 3000));
		} else if (g->num_live == 0 || chance(g, 0.55)) {
			gen_alloc(g, chance(g, 0.02)
					     ? uniform(g, 150000, 400000)
					     : log_uniform(g, 1, 2000));
		} else {
			gen_free(g, random_live(g));
		}
	}
	free_all(g);
}

static const struct {
	const char *name;
	uint64_t seed;
	void (*make)(struct gen *);
	const char *about;
} traces[] = {
	{"random", 1, gen_random,
	 "random sizes (1 B to 16 KiB, log-uniform), allocations and frees"},
	{"random-realloc", 2, gen_random_realloc,
	 "the same, with reallocs of random factors"},
	{"powers", 3, gen_powers, "power-of-two sizes, 8 B to 8 KiB"},
	{"binary", 4, gen_binary,
	 "64+448-byte pairs, the 448s freed, then 512s"},
	{"coalescing", 5, gen_coalescing,
	 "two blocks freed, then one of both sizes"},
	{"realloc-growth", 6, gen_realloc_growth,
	 "buffers grown by realloc amid small blocks"},
	{"small-objects", 7, gen_small_objects,
	 "thousands of 1-64 byte objects"},
	{"large", 8, gen_large,
	 "small, medium and large (128 KiB-4 MiB) blocks, resized"},
	{"short", 9, gen_short, "300 operations of every kind, for Valgrind"},
};
enum { NTRACES = sizeof traces / sizeof traces[0] };

/* Writes trace number t to out. */
static void write_trace(int t, FILE *out)
{
	struct gen g = {.rng = traces[t].seed * 0x9E3779B97F4A7C15u + 1};
	traces[t].make(&g);
	/* The first header line: the peak live payload, for information. */
	uint64_t payload = 0, peak = 0;
	uint32_t *now = calloc(g.next_id + 1, sizeof *now);
	if (now == NULL) {
		fprintf(stderr, "tracegen: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < g.num_ops; i++) {
		const struct op *op = &g.ops[i];
		payload -= now[op->id];
		now[op->id] = op->kind == 'f' ? 0 : op->size;
		payload += now[op->id];
		peak = payload > peak ? payload : peak;
	}
	fprintf(out, "%" PRIu64 "\n%" PRIu32 "\n%zu\n1\n", peak, g.next_id,
		g.num_ops);
	for (size_t i = 0; i < g.num_ops; i++) {
		const struct op *op = &g.ops[i];
		if (op->kind == 'f')
			fprintf(out, "f %" PRIu32 "\n", op->id);
		else
			fprintf(out, "%c %" PRIu32 " %" PRIu32 "\n", op->kind,
				op->id, op->size);
	}
	free(now);
	free(g.ops);
	free(g.live);
	free(g.where);
	free(g.sizes);
}

/* Returns the whole of a file, or NULL; its length in *len. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *text = NULL;
	size_t cap = 0;
	*len = 0;
	size_t got;
	do {
		text = grow(text, &cap, 1, *len + 65536);
		got = fread(text + *len, 1, 65536, f);
		*len += got;
	} while (got > 0);
	fclose(f);
	return text;
}

/* Regenerates every trace and compares it with DIR/NAME.rep. */
static int check_all(const char *dir)
{
	int differ = 0;
	for (int t = 0; t < NTRACES; t++) {
		char *made = NULL, path[4096];
		size_t made_len = 0, file_len = 0;
		FILE *out = open_memstream(&made, &made_len);
		write_trace(t, out);
		fclose(out);
		snprintf(path, sizeof path, "%s/%s.rep", dir, traces[t].name);
		char *file = read_file(path, &file_len);
		if (file == NULL || file_len != made_len ||
		    memcmp(file, made, made_len) != 0) {
			fprintf(stderr,
				"tracegen: %s differs from what tracegen "
				"makes\n",
				path);
			differ++;
		}
		free(file);
		free(made);
	}
	if (differ == 0)
		printf("tracegen: all %d traces reproduced\n", NTRACES);
	return differ == 0 ? 0 : 1;
}

static int write_all(const char *dir)
{
	for (int t = 0; t < NTRACES; t++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.rep", dir, traces[t].name);
		FILE *out = fopen(path, "w");
		if (out == NULL) {
			fprintf(stderr, "tracegen: cannot write %s: %s\n", path,
				strerror(errno));
			return 1;
		}
		write_trace(t, out);
		fclose(out);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: tracegen --list | NAME | --all DIR | --check DIR\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (int t = 0; t < NTRACES; t++)
			printf("%-16s seed %" PRIu64 ": %s\n", traces[t].name,
			       traces[t].seed, traces[t].about);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "--all") == 0)
		return write_all(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--check") == 0)
		return check_all(argv[2]);
	if (argc != 2)
		return usage();
	for (int t = 0; t < NTRACES; t++) {
		if (strcmp(argv[1], traces[t].name) == 0) {
			write_trace(t, stdout);
			return 0;
		}
	}
	fprintf(stderr,
		"tracegen: no trace called '%s' (see tracegen --list)\n",
		argv[1]);
	return 2;
}
