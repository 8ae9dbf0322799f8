/*
 * mdriver: replays malloc traces on the allocator, checks it, measures it.
 *
 *     mdriver [--libc] [--json] [-v] [--min-util U] TRACE...
 *     mdriver --heap-after N [--svg] TRACE
 *
 * A trace (.rep) starts with four lines of one number each: a suggested heap
 * size (ignored), the number of block ids, the number of operations, and a
 * weight (ignored). Then one operation per line:
 *
 *     a ID SIZE    allocate SIZE bytes as block ID        (mm_malloc)
 *     r ID SIZE    resize block ID to SIZE bytes, SIZE>0  (mm_realloc)
 *     f ID         free block ID                          (mm_free)
 *
 * For each trace the driver replays the operations on a fresh simulated heap
 * and checks every result: aligned to 16, inside memory the allocator got
 * from memlib (the heap or one of its mappings), overlapping no other live
 * block, and holding the bytes the driver wrote (a pattern derived from the
 * id) until the block is freed, across every realloc. Blocks still live at
 * the end are freed. Then it reports, per trace:
 *
 *     util    peak live payload / peak footprint (heap size + mapped bytes),
 *             measured after every operation: deterministic;
 *     ops/s   operations per second, from the fastest of several unchecked
 *             replays, one after the other on the same allocator (not
 *             reset between them, as glibc's malloc cannot be).
 *
 * --libc also times glibc's malloc on the same traces. --json prints one JSON
 * object instead of the table. -v prints details and runs mm_checkheap()
 * after every operation, once it has seen it reject a damaged header.
 * Exit status: 0 if every trace is correct, 1 if one is not (or -v's
 * checker rejects nothing), 2 for a usage error or a malformed trace.
 *
 * --heap-after N replays the first N operations of one trace, checked, and
 * prints what mm_heap_dump() says of the heap then; with --svg, the heap as
 * a picture instead (heapmap.c), every address an offset in the heap.
 */
#define _GNU_SOURCE /* tdestroy(3) */
#include "heapmap.h"
#include "memlib.h"
#include "mm.h"
#include "proof.h"

#include <errno.h>
#include <inttypes.h>
#include <search.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <valgrind/memcheck.h>

enum {
	DRIVER_ALIGNMENT = 16, /* alignof(max_align_t) */
	MAX_IDS = 1 << 22,     /* a trace may name at most this many ids */
	MAX_OPS = 1 << 26,     /* ... and hold at most this many operations */
	MAX_TIMED_RUNS = 1000, /* replays per trace and allocator, at most */
	PROBE_SIZE = 32,       /* the block memcheck_sees_blocks() frees */
	HEADER_BYTES = 8,      /* a block's header, just before its payload */
};
static const uint64_t MAX_SIZE = UINT32_MAX;  /* largest SIZE in a trace */
static const double MIN_TIMING_SECONDS = 0.1; /* time each trace this long */
static const uint64_t SIZE_DAMAGE = UINT64_C(1) << 40; /* past any heap */

enum op_kind { OP_ALLOC, OP_REALLOC, OP_FREE };

struct op {
	enum op_kind kind;
	uint32_t id;
	uint32_t line; /* in the trace file, for messages */
	size_t size;
};

struct trace {
	const char *path;
	size_t num_ids;
	size_t num_ops;
	struct op *ops;
};

/* One allocator under test, called through pointers so both cost the same. */
struct allocator {
	bool (*init)(void);
	void *(*malloc)(size_t size);
	void *(*realloc)(void *ptr, size_t size);
	void (*free)(void *ptr);
};

/* What the checked replay of one trace found. */
struct result {
	bool correct;
	double util;
	size_t peak_payload;
	size_t peak_footprint;
	double ops_per_sec;
	double libc_ops_per_sec;
};

static bool verbose;
static bool timing = true; /* false: --no-timing */

/* ---- Reading a trace ----------------------------------------------------- */

/* Prints "mdriver: PATH:LINE: message" on stderr. Returns false. */
static bool trace_error(const char *path, size_t line, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static bool trace_error(const char *path, size_t line, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fprintf(stderr, "mdriver: %s:%zu: ", path, line);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
	va_end(args);
	return false;
}

/*
 * Reads an unsigned decimal number at *text (after blanks) into *value and
 * moves *text past it. Returns false if there is none or it exceeds max.
 */
static bool read_number(const char **text, uint64_t max, uint64_t *value)
{
	const char *s = *text + strspn(*text, " \t");
	if (*s < '0' || *s > '9')
		return false;
	uint64_t n = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned digit = (unsigned)(*s - '0');
		if (n > (max - digit) / 10)
			return false;
		n = n * 10 + digit;
	}
	*text = s;
	*value = n;
	return true;
}

/* Returns true if only blanks (and a line end) remain in text. */
static bool at_end(const char *text)
{
	return text[strspn(text, " \t\r\n")] == '\0';
}

/*
 * Parses one operation line into *op. live[id] says which ids are allocated
 * at this point of the trace, and is updated. Returns false after printing
 * what is wrong.
 */
static bool parse_op(const struct trace *t, size_t line, const char *text,
		     bool *live, struct op *op)
{
	const char *s = text + strspn(text, " \t");
	char kind = *s++;
	uint64_t id, size = 0;
	if ((kind != 'a' && kind != 'r' && kind != 'f') ||
	    !read_number(&s, UINT64_MAX, &id))
		return trace_error(
			t->path, line,
			"expected 'a ID SIZE', 'r ID SIZE' or 'f ID'");
	if (kind != 'f' && !read_number(&s, MAX_SIZE, &size))
		return trace_error(t->path, line,
				   "expected a size from 0 to %" PRIu64
				   " after the id",
				   MAX_SIZE);
	if (!at_end(s))
		return trace_error(t->path, line,
				   "unexpected text after the operation");
	if (id >= t->num_ids)
		return trace_error(t->path, line,
				   "id %" PRIu64
				   " is not below the %zu ids of the header",
				   id, t->num_ids);
	if (kind == 'a' && live[id])
		return trace_error(
			t->path, line,
			"id %" PRIu64 " allocated again without a free", id);
	if (kind != 'a' && !live[id])
		return trace_error(t->path, line,
				   "id %" PRIu64 " is not allocated here", id);
	if (kind == 'r' && size == 0)
		return trace_error(t->path, line,
				   "'r ID 0' means different things to "
				   "different allocators: write 'f ID'");
	live[id] = kind != 'f';
	*op = (struct op){
		.kind = kind == 'a'   ? OP_ALLOC
			: kind == 'r' ? OP_REALLOC
				      : OP_FREE,
		.id = (uint32_t)id,
		.line = (uint32_t)line,
		.size = (size_t)size,
	};
	return true;
}

/* Reads the four header lines. Returns false after printing what is wrong. */
static bool parse_header(FILE *in, struct trace *t, size_t *line, char **buf,
			 size_t *cap)
{
	static const char *const names[] = {"heap size", "number of ids",
					    "number of operations", "weight"};
	static const uint64_t maxima[] = {UINT64_MAX, MAX_IDS, MAX_OPS,
					  UINT64_MAX};
	uint64_t values[4];
	for (int i = 0; i < 4; i++) {
		++*line;
		if (getline(buf, cap, in) < 0)
			return trace_error(
				t->path, *line,
				"the header ends early: expected the %s",
				names[i]);
		const char *s = *buf;
		if (!read_number(&s, maxima[i], &values[i]) || !at_end(s))
			return trace_error(
				t->path, *line,
				"expected the %s: one number up to %" PRIu64,
				names[i], maxima[i]);
	}
	t->num_ids = (size_t)values[1];
	t->num_ops = (size_t)values[2];
	return true;
}

/* Reads the operations that follow the header. */
static bool parse_ops(FILE *in, struct trace *t, size_t *line, char **buf,
		      size_t *cap)
{
	bool *live = calloc(t->num_ids + 1, sizeof *live);
	t->ops = calloc(t->num_ops + 1, sizeof *t->ops);
	if (live == NULL || t->ops == NULL) {
		free(live);
		return trace_error(t->path, *line,
				   "out of memory for %zu operations",
				   t->num_ops);
	}
	size_t n = 0;
	bool ok = true;
	while (ok && getline(buf, cap, in) >= 0) {
		++*line;
		if (at_end(*buf))
			continue; /* blank lines are allowed */
		if (n == t->num_ops)
			ok = trace_error(
				t->path, *line,
				"more operations than the %zu of the header",
				t->num_ops);
		else
			ok = parse_op(t, *line, *buf, live, &t->ops[n++]);
	}
	if (ok && n < t->num_ops)
		ok = trace_error(
			t->path, *line,
			"the header promises %zu operations, the file has %zu",
			t->num_ops, n);
	free(live);
	return ok;
}

/* Reads a whole trace file. Returns false after printing what is wrong. */
static bool trace_read(const char *path, struct trace *t)
{
	*t = (struct trace){.path = path};
	FILE *in = fopen(path, "r");
	if (in == NULL) {
		fprintf(stderr, "mdriver: cannot open %s: %s\n", path,
			strerror(errno));
		return false;
	}
	char *buf = NULL;
	size_t cap = 0, line = 0;
	bool ok = parse_header(in, t, &line, &buf, &cap) &&
		  parse_ops(in, t, &line, &buf, &cap);
	if (ok && ferror(in))
		ok = trace_error(path, line, "read error");
	free(buf);
	fclose(in);
	return ok;
}

/* ---- Intervals: the live blocks and the allocator's mappings ------------- */

// ANCHOR: range_compare
/*
 * A range of addresses [lo, hi). Kept in tsearch(3) trees whose comparison
 * calls two ranges equal when they overlap: since the ranges in one tree never
 * overlap, it is a valid order, and a search for a new range finds a range it
 * overlaps, if there is one.
 */
struct range {
	uintptr_t lo, hi;
	uint32_t id;
};

static int range_compare(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	if (x->hi <= y->lo)
		return -1;
	if (y->hi <= x->lo)
		return 1;
	return 0;
}
// ANCHOR_END: range_compare

static void *live_blocks; /* struct range of each live block (tsearch tree) */
static void *mappings;    /* struct range of each mapping the allocator has */

/* Returns a range of len bytes at ptr; a 0-byte block occupies one byte. */
static struct range range_of(const void *ptr, size_t len, uint32_t id)
{
	uintptr_t lo = (uintptr_t)ptr;
	return (struct range){
		.lo = lo, .hi = lo + (len > 0 ? len : 1), .id = id};
}

/* Adds a copy of r to the tree; returns the range it overlaps, or NULL. */
static const struct range *range_insert(void **tree, struct range r)
{
	struct range *copy = malloc(sizeof *copy);
	if (copy == NULL) {
		fprintf(stderr, "mdriver: out of memory\n");
		exit(2);
	}
	*copy = r;
	struct range **found = tsearch(copy, tree, range_compare);
	if (found == NULL) {
		fprintf(stderr, "mdriver: out of memory\n");
		exit(2);
	}
	if (*found != copy) {
		free(copy);
		return *found;
	}
	return NULL;
}

/* Removes the range equal to (overlapping) r from the tree. */
static void range_remove(void **tree, struct range r)
{
	struct range **found = tfind(&r, tree, range_compare);
	if (found == NULL)
		return;
	struct range *stored = *found;
	tdelete(stored, tree, range_compare);
	free(stored);
}

static void range_clear(void **tree)
{
	tdestroy(*tree, free);
	*tree = NULL;
}

/* The map hook (memlib.h): keeps the tree of mappings up to date. */
static void on_map(void *addr, size_t len, bool mapped)
{
	struct range r = range_of(addr, len, 0);
	if (mapped)
		range_insert(&mappings, r);
	else
		range_remove(&mappings, r);
}

/* Returns true if [ptr, ptr + len) is in the heap or in one mapping. */
static bool obtained(const void *ptr, size_t len)
{
	struct range r = range_of(ptr, len, 0);
	uintptr_t heap_lo = (uintptr_t)mem_heap_lo();
	uintptr_t heap_end = heap_lo + mem_heapsize();
	if (r.lo >= heap_lo && r.hi <= heap_end)
		return true;
	struct range **found = tfind(&r, &mappings, range_compare);
	return found != NULL && r.lo >= (*found)->lo && r.hi <= (*found)->hi;
}

/* ---- The checked replay -------------------------------------------------- */

/* The byte the driver keeps at offset i of block id. */
static unsigned char pattern_byte(uint32_t id, size_t i)
{
	uint64_t seed = (id + 1) * 0x9E3779B97F4A7C15u;
	return (unsigned char)((seed >> (i % 8 * 8)) + i / 8);
}

static void pattern_fill(unsigned char *ptr, uint32_t id, size_t from,
			 size_t to)
{
	for (size_t i = from; i < to; i++)
		ptr[i] = pattern_byte(id, i);
}

/* Returns the first offset below len whose byte is not the pattern's, or len. */
static size_t pattern_check(const unsigned char *ptr, uint32_t id, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (ptr[i] != pattern_byte(id, i))
			return i;
	return len;
}

/* ---- Saying where a crash happened --------------------------------------- */

/* Where the driver is, for crash_handler(): the trace and the line of the
 * operation it is replaying (0 during the timed replays). */
static const char *volatile position_path;
static volatile uint32_t position_line;

static void note_position(const char *path, uint32_t line)
{
	position_path = path;
	position_line = line;
}

/* Writes s to stderr (write(2), as a signal handler may). */
static void say(const char *s)
{
	ssize_t written = write(STDERR_FILENO, s, strlen(s));
	(void)written;
}

/* Writes n in decimal (in a signal handler, printf may not be used). */
static void say_number(uint32_t n)
{
	char digits[12];
	size_t i = sizeof digits - 1;
	digits[i] = '\0';
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	say(digits + i);
}

/*
 * On a crash (a segmentation fault in mm.c, an abort): says which trace
 * and which line of it was being replayed, then dies of the same signal.
 */
static void crash_handler(int sig)
{
	say("mdriver: crashed (signal ");
	say_number((uint32_t)sig);
	say(")");
	if (position_path != NULL && position_line > 0) {
		say(" replaying ");
		say(position_path);
		say(":");
		say_number(position_line);
	} else if (position_path != NULL) {
		say(" during the timed replays of ");
		say(position_path);
	}
	say("\n");
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The state of one checked replay. */
struct replay {
	const struct trace *trace;
	unsigned char **ptrs; /* by id: the block's address, while live */
	size_t *sizes;        /* by id: its size */
	size_t payload;       /* bytes in live blocks now */
	struct result *result;
};

/* Prints an allocator error for the operation op. Returns false. */
static bool op_error(const struct replay *r, const struct op *op,
		     const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static bool op_error(const struct replay *r, const struct op *op,
		     const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fprintf(stderr, "mdriver: %s:%" PRIu32 ": block %" PRIu32 ": ",
		r->trace->path, op->line, op->id);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
	va_end(args);
	return false;
}

// ANCHOR: check_new_block
/* Checks a block the allocator just returned and records it as live. */
static bool check_new_block(struct replay *r, const struct op *op,
			    unsigned char *ptr)
{
	if (ptr == NULL) {
		if (op->size == 0 && op->kind == OP_ALLOC)
			return true; /* malloc(0) may return NULL */
		return op_error(r, op, "%s returned NULL for %zu bytes",
				op->kind == OP_ALLOC ? "mm_malloc"
						     : "mm_realloc",
				op->size);
	}
	if ((uintptr_t)ptr % DRIVER_ALIGNMENT != 0)
		return op_error(r, op, "payload %p is not aligned to %d bytes",
				(void *)ptr, DRIVER_ALIGNMENT);
	if (!obtained(ptr, op->size))
		return op_error(r, op,
				"payload %p (%zu bytes) lies outside the heap "
				"and the mappings the allocator obtained",
				(void *)ptr, op->size);
	const struct range *clash =
		range_insert(&live_blocks, range_of(ptr, op->size, op->id));
	if (clash != NULL)
		return op_error(r, op,
				"payload %p (%zu bytes) overlaps block %" PRIu32
				" at %p",
				(void *)ptr, op->size, clash->id,
				(void *)clash->lo);
	return true;
}
// ANCHOR_END: check_new_block

/* Checks that a live block still holds its pattern. */
static bool check_contents(const struct replay *r, const struct op *op,
			   const char *when)
{
	unsigned char *ptr = r->ptrs[op->id];
	size_t size = r->sizes[op->id];
	size_t bad = pattern_check(ptr, op->id, size);
	if (bad < size)
		return op_error(r, op, "byte %zu of the payload changed %s",
				bad, when);
	return true;
}

static bool replay_alloc(struct replay *r, const struct op *op)
{
	unsigned char *ptr = mm_malloc(op->size);
	if (!check_new_block(r, op, ptr))
		return false;
	if (ptr != NULL)
		pattern_fill(ptr, op->id, 0, op->size);
	r->ptrs[op->id] = ptr;
	r->sizes[op->id] = op->size;
	r->payload += op->size;
	return true;
}

static bool replay_realloc(struct replay *r, const struct op *op)
{
	unsigned char *old = r->ptrs[op->id];
	size_t old_size = r->sizes[op->id];
	if (!check_contents(r, op, "before this realloc"))
		return false;
	range_remove(&live_blocks, range_of(old, old_size, op->id));
	unsigned char *ptr = mm_realloc(old, op->size);
	if (!check_new_block(r, op, ptr))
		return false;
	size_t kept = old_size < op->size ? old_size : op->size;
	size_t bad = pattern_check(ptr, op->id, kept);
	if (bad < kept)
		return op_error(r, op, "realloc lost byte %zu of the payload",
				bad);
	pattern_fill(ptr, op->id, kept, op->size);
	r->ptrs[op->id] = ptr;
	r->sizes[op->id] = op->size;
	r->payload += op->size - old_size;
	return true;
}

static bool replay_free(struct replay *r, const struct op *op)
{
	if (!check_contents(r, op, "before its free"))
		return false;
	range_remove(&live_blocks,
		     range_of(r->ptrs[op->id], r->sizes[op->id], op->id));
	mm_free(r->ptrs[op->id]);
	r->payload -= r->sizes[op->id];
	r->ptrs[op->id] = NULL;
	r->sizes[op->id] = 0;
	return true;
}

// ANCHOR: replay_op
/* Replays one operation and checks it; keeps the peaks. */
static bool replay_op(struct replay *r, const struct op *op)
{
	note_position(r->trace->path, op->line); /* for crash_handler */
	bool ok = op->kind == OP_ALLOC     ? replay_alloc(r, op)
		  : op->kind == OP_REALLOC ? replay_realloc(r, op)
					   : replay_free(r, op);
	if (!ok)
		return false;
	if (verbose && !mm_checkheap(__LINE__))
		return op_error(r, op,
				"mm_checkheap failed after this operation");
	size_t footprint = mem_heapsize() + mem_mapped_bytes();
	if (footprint > r->result->peak_footprint)
		r->result->peak_footprint = footprint;
	if (r->payload > r->result->peak_payload)
		r->result->peak_payload = r->payload;
	return true;
}
// ANCHOR_END: replay_op

/*
 * Under memcheck, returns whether memcheck knows mm's blocks (stage 7): a
 * block mm_free gave back must be off limits to it. A run without errors
 * proves nothing if memcheck cannot see the blocks at all. Elsewhere,
 * returns true.
 */
static bool memcheck_sees_blocks(void)
{
	if (!RUNNING_ON_VALGRIND)
		return true;
	unsigned char *probe = mm_malloc(PROBE_SIZE), vbits;
	if (probe == NULL)
		return false;
	mm_free(probe);
	if (VALGRIND_GET_VBITS(probe, &vbits, 1) == 3)
		return true;
	fprintf(stderr, "mdriver: memcheck does not know that a freed block "
			"is freed: mm.c tells it nothing yet\n");
	return false;
}

/*
 * For -v: returns whether mm_checkheap notices a damaged heap. It checks
 * the heap after every operation, and a checker that finds nothing wrong
 * with anything (the stub, before stage 6) would pass for one that checks.
 * Damages the header of a fresh block on a fresh heap, asks, and repairs it.
 */
static bool checker_rejects_damage(void)
{
	mem_reset();
	unsigned char *probe = mm_init() ? mm_malloc(PROBE_SIZE) : NULL;
	bool rejects = false;
	if (probe != NULL) {
		uint64_t header;
		memcpy(&header, probe - HEADER_BYTES, sizeof header);
		uint64_t damaged = header ^ SIZE_DAMAGE;
		memcpy(probe - HEADER_BYTES, &damaged, sizeof damaged);
		fprintf(stderr, "mdriver -v: one header damaged on purpose; "
				"mm_checkheap must complain:\n");
		rejects = !mm_checkheap(__LINE__);
		memcpy(probe - HEADER_BYTES, &header, sizeof header);
		mm_free(probe);
	}
	mem_reset();
	if (!rejects)
		fprintf(stderr, "mdriver: mm_checkheap accepted a block that "
				"claims 1 TiB: it checks nothing yet\n");
	return rejects;
}

/* Replays the trace on mm with every check; fills in correct and util. */
static void replay_checked(const struct trace *t, struct result *result,
			   unsigned char **ptrs, size_t *sizes)
{
	struct replay r = {
		.trace = t, .ptrs = ptrs, .sizes = sizes, .result = result};
	memset(ptrs, 0, t->num_ids * sizeof *ptrs);
	memset(sizes, 0, t->num_ids * sizeof *sizes);
	mem_reset();
	mem_set_map_hook(on_map);
	result->correct = mm_init();
	if (!result->correct)
		fprintf(stderr, "mdriver: %s: mm_init failed\n", t->path);
	for (size_t i = 0; result->correct && i < t->num_ops; i++)
		result->correct = replay_op(&r, &t->ops[i]);
	/* Free what the trace left allocated, checking it one last time. */
	for (uint32_t id = 0; result->correct && id < t->num_ids; id++) {
		if (ptrs[id] == NULL)
			continue;
		struct op op = {.kind = OP_FREE, .id = id, .line = 0};
		result->correct = replay_free(&r, &op);
	}
	if (result->correct)
		result->correct = memcheck_sees_blocks();
	if (result->correct && result->peak_footprint > 0)
		result->util = (double)result->peak_payload /
			       (double)result->peak_footprint;
	range_clear(&live_blocks);
	mem_reset();
	range_clear(&mappings);
	mem_set_map_hook(NULL);
}

/* ---- Timing -------------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * Replays the trace once without checks, on the allocator as the previous
 * replay left it (every block freed). Returns the seconds it took.
 */
static double replay_timed(const struct trace *t, const struct allocator *a,
			   void **ptrs)
{
	memset(ptrs, 0, t->num_ids * sizeof *ptrs);
	double start = now();
	for (size_t i = 0; i < t->num_ops; i++) {
		const struct op *op = &t->ops[i];
		switch (op->kind) {
		case OP_ALLOC:
			ptrs[op->id] = a->malloc(op->size);
			break;
		case OP_REALLOC:
			ptrs[op->id] = a->realloc(ptrs[op->id], op->size);
			break;
		case OP_FREE:
			a->free(ptrs[op->id]);
			ptrs[op->id] = NULL;
			break;
		}
	}
	for (size_t id = 0; id < t->num_ids; id++)
		a->free(ptrs[id]);
	return now() - start;
}

// ANCHOR: ops_per_sec
/*
 * Returns the operations per second of the fastest of several replays. The
 * allocator starts once, untimed, and then keeps its state from one replay
 * to the next, as glibc's malloc, which nothing can reset, always does: the
 * first replay finds a cold allocator, the later ones a warm one, on both
 * sides alike.
 */
static double ops_per_sec(const struct trace *t, const struct allocator *a,
			  void **ptrs)
{
	double best = 0, total = 0;
	if (!a->init())
		return 0;
	for (int run = 0; run < MAX_TIMED_RUNS && total < MIN_TIMING_SECONDS;
	     run++) {
		double seconds = replay_timed(t, a, ptrs);
		total += seconds;
		if (run == 0 || seconds < best)
			best = seconds;
	}
	return best > 0 ? (double)t->num_ops / best : 0;
}
// ANCHOR_END: ops_per_sec

static bool mm_start(void)
{
	mem_reset();
	return mm_init();
}

static bool libc_start(void)
{
	return true;
}

static const struct allocator mm_allocator = {.init = mm_start,
					      .malloc = mm_malloc,
					      .realloc = mm_realloc,
					      .free = mm_free};
static const struct allocator libc_allocator = {
	.init = libc_start, .malloc = malloc, .realloc = realloc, .free = free};

/* ---- Reports ------------------------------------------------------------- */

static void print_table(const struct trace *traces, const struct result *res,
			int n, bool libc)
{
	printf("%-32s %5s %6s %9s %12s", "trace", "valid", "util", "ops",
	       "mm ops/s");
	printf(libc ? " %12s\n" : "\n", "libc ops/s");
	size_t total_ops = 0;
	double util = 0, mm_secs = 0, libc_secs = 0;
	for (int i = 0; i < n; i++) {
		const struct result *r = &res[i];
		printf("%-32s %5s %6.3f %9zu %12.0f", traces[i].path,
		       r->correct ? "yes" : "no", r->util, traces[i].num_ops,
		       r->ops_per_sec);
		printf(libc ? " %12.0f\n" : "\n", r->libc_ops_per_sec);
		if (verbose)
			printf("    peak payload %zu bytes, peak footprint %zu "
			       "bytes\n",
			       r->peak_payload, r->peak_footprint);
		total_ops += traces[i].num_ops;
		util += r->util;
		if (r->ops_per_sec > 0)
			mm_secs += (double)traces[i].num_ops / r->ops_per_sec;
		if (r->libc_ops_per_sec > 0)
			libc_secs +=
				(double)traces[i].num_ops / r->libc_ops_per_sec;
	}
	printf("%-32s %5s %6.3f %9zu %12.0f", "average", "", util / n,
	       total_ops, mm_secs > 0 ? (double)total_ops / mm_secs : 0);
	printf(libc ? " %12.0f\n" : "\n",
	       libc_secs > 0 ? (double)total_ops / libc_secs : 0);
}

/* Prints s as a JSON string. */
static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const struct trace *traces, const struct result *res,
		       int n, bool libc)
{
	size_t total_ops = 0;
	double util = 0, mm_secs = 0, libc_secs = 0;
	printf("{\"traces\": [");
	for (int i = 0; i < n; i++) {
		const struct result *r = &res[i];
		printf(i == 0 ? "\n  {\"name\": " : ",\n  {\"name\": ");
		print_json_string(traces[i].path);
		printf(", \"correct\": %s, \"util\": %.4f, \"ops_per_sec\": "
		       "%.0f",
		       r->correct ? "true" : "false", r->util, r->ops_per_sec);
		if (libc)
			printf(", \"libc_ops_per_sec\": %.0f",
			       r->libc_ops_per_sec);
		printf("}");
		total_ops += traces[i].num_ops;
		util += r->util;
		if (r->ops_per_sec > 0)
			mm_secs += (double)traces[i].num_ops / r->ops_per_sec;
		if (r->libc_ops_per_sec > 0)
			libc_secs +=
				(double)traces[i].num_ops / r->libc_ops_per_sec;
	}
	printf("\n], \"util\": %.4f, \"ops_per_sec\": %.0f", util / n,
	       mm_secs > 0 ? (double)total_ops / mm_secs : 0);
	if (libc)
		printf(", \"libc_ops_per_sec\": %.0f",
		       libc_secs > 0 ? (double)total_ops / libc_secs : 0);
	printf("}\n");
}

/* ---- The heap after a prefix of a trace ----------------------------------- */

/* Calls mm_heap_dump(), which writes on stderr, and returns what it wrote
 * in a temporary file, rewound; NULL if it could not. */
static FILE *capture_heap_dump(void)
{
	FILE *dump = tmpfile();
	int saved = dup(STDERR_FILENO);
	if (dump == NULL || saved < 0) {
		if (dump != NULL)
			fclose(dump);
		return NULL;
	}
	fflush(stderr);
	dup2(fileno(dump), STDERR_FILENO);
	mm_heap_dump();
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(dump);
	return dump;
}

/* Prints the heap dump (or with svg, the picture) on stdout. Returns the
 * exit status. */
static int print_heap(const struct trace *t, size_t ops, bool svg)
{
	FILE *dump = capture_heap_dump();
	if (dump == NULL) {
		perror("mdriver: cannot capture mm_heap_dump()");
		return 1;
	}
	int status = 0;
	if (svg) {
		char title[1024];
		snprintf(title, sizeof title, "%s after %zu of %zu operations",
			 t->path, ops, t->num_ops);
		if (heapmap_svg(dump, stdout, title) != 0) {
			fprintf(stderr, "mdriver: mm_heap_dump() printed no "
					"heap\n");
			status = 1;
		}
	} else {
		int c;
		while ((c = getc(dump)) != EOF)
			putchar(c);
	}
	fclose(dump);
	return status;
}

/*
 * Replays the first ops operations of t with every check, then prints the
 * heap as mm_heap_dump() sees it. Returns the exit status.
 */
static int heap_after(const struct trace *t, size_t ops, bool svg)
{
	if (ops > t->num_ops) {
		fprintf(stderr, "mdriver: %s has %zu operations, not %zu\n",
			t->path, t->num_ops, ops);
		return 2;
	}
	unsigned char **ptrs = calloc(t->num_ids + 1, sizeof *ptrs);
	size_t *sizes = calloc(t->num_ids + 1, sizeof *sizes);
	struct result result = {0};
	struct replay r = {
		.trace = t, .ptrs = ptrs, .sizes = sizes, .result = &result};
	int status = 1;
	mem_reset();
	mem_set_map_hook(on_map);
	if (ptrs != NULL && sizes != NULL && mm_init()) {
		bool ok = true;
		for (size_t i = 0; ok && i < ops; i++)
			ok = replay_op(&r, &t->ops[i]);
		if (ok)
			status = print_heap(t, ops, svg);
	}
	range_clear(&live_blocks);
	mem_reset();
	range_clear(&mappings);
	mem_set_map_hook(NULL);
	free(ptrs);
	free(sizes);
	return status;
}

/* ---- main ---------------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr,
		"usage: mdriver [--libc] [--json] [-v] [--min-util U] "
		"[--no-timing] TRACE...\n"
		"       mdriver --heap-after N [--svg] TRACE\n"
		"  --libc        also time glibc's malloc on the same traces\n"
		"  --json        print the results as one JSON object\n"
		"  -v            print details; run mm_checkheap after every "
		"operation\n"
		"  --min-util U  fail unless the average utilization is at "
		"least U\n"
		"  --no-timing   check the traces and utilization only "
		"(ops/s shows 0)\n"
		"  --heap-after N  replay the first N operations, then print "
		"the heap\n"
		"                  (mm_heap_dump); with --svg, as a picture\n");
	return 2;
}

/* Checks and times one trace. */
static void run_trace(const struct trace *t, struct result *r, bool libc)
{
	unsigned char **ptrs = calloc(t->num_ids + 1, sizeof *ptrs);
	size_t *sizes = calloc(t->num_ids + 1, sizeof *sizes);
	if (ptrs == NULL || sizes == NULL) {
		fprintf(stderr, "mdriver: out of memory\n");
		exit(2);
	}
	replay_checked(t, r, ptrs, sizes);
	note_position(t->path, 0);
	if (r->correct && timing)
		r->ops_per_sec = ops_per_sec(t, &mm_allocator, (void **)ptrs);
	if (r->correct && timing && libc)
		r->libc_ops_per_sec =
			ops_per_sec(t, &libc_allocator, (void **)ptrs);
	free(ptrs);
	free(sizes);
}

/*
 * Ends a run whose every trace replayed correctly: fails it if the average
 * utilization is below min_util, else tells the grader (harness/proof.h)
 * that the traces were replayed, with the average utilization and
 * throughput (the platforms' leaderboards show them). Returns the exit
 * status.
 */
static int finish(const struct result *results, int n, double min_util)
{
	double util = 0, ops = 0;
	for (int i = 0; i < n; i++) {
		util += results[i].util;
		ops += results[i].ops_per_sec;
	}
	util /= n;
	ops /= n;
	if (util < min_util) {
		fprintf(stderr, "average utilization %.4f is below %.4f\n",
			util, min_util);
		return 1;
	}
	harness_proof_done("mdriver",
			   "traces=%d correct=%d util=%.4f kops=%.0f", n, n,
			   util, ops / 1000);
	return 0;
}

int main(int argc, char **argv)
{
	harness_proof_begin();
	bool libc = false, json = false, svg = false;
	double min_util = 0;
	long heap_ops = -1; /* --heap-after */
	int first = 1;
	for (; first < argc && argv[first][0] == '-'; first++) {
		char *end = NULL;
		if (strcmp(argv[first], "--min-util") == 0 && first + 1 < argc)
			min_util = atof(argv[++first]);
		else if (strcmp(argv[first], "--heap-after") == 0 &&
			 first + 1 < argc) {
			heap_ops = strtol(argv[++first], &end, 10);
			if (*end != '\0' || end == argv[first] || heap_ops < 0)
				return usage();
		} else if (strcmp(argv[first], "--svg") == 0)
			svg = true;
		else if (strcmp(argv[first], "--libc") == 0)
			libc = true;
		else if (strcmp(argv[first], "--json") == 0)
			json = true;
		else if (strcmp(argv[first], "-v") == 0)
			verbose = true;
		else if (strcmp(argv[first], "--no-timing") == 0)
			timing = false;
		else
			return usage();
	}
	int n = argc - first;
	bool heap = heap_ops >= 0;
	if (n == 0 || (heap && (n != 1 || libc || json)) || (svg && !heap))
		return usage();
	int crashes[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	for (size_t i = 0; i < sizeof crashes / sizeof *crashes; i++)
		signal(crashes[i], crash_handler);
	struct trace *traces = calloc((size_t)n, sizeof *traces);
	struct result *results = calloc((size_t)n, sizeof *results);
	if (traces == NULL || results == NULL)
		return 2;
	int status = 0;
	for (int i = 0; i < n && status == 0; i++)
		if (!trace_read(argv[first + i], &traces[i]))
			status = 2;
	if (status == 0 && verbose && !checker_rejects_damage())
		status = 1;
	if (status == 0 && heap) {
		status = heap_after(&traces[0], (size_t)heap_ops, svg);
	} else if (status == 0) {
		for (int i = 0; i < n; i++) {
			run_trace(&traces[i], &results[i], libc);
			if (!results[i].correct)
				status = 1;
		}
		if (json)
			print_json(traces, results, n, libc);
		else
			print_table(traces, results, n, libc);
		if (status == 0)
			status = finish(results, n, min_util);
	}
	for (int i = 0; i < n; i++)
		free(traces[i].ops);
	free(traces);
	free(results);
	return status;
}
