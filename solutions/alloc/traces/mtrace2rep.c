/*
 * mtrace2rep: turns a glibc mtrace(3) log into a malloc-lab trace (.rep).
 *
 *     mtrace2rep [--max-ops N] LOG > TRACE.rep
 *
 * The log has one line per call (record.sh shows how to make one):
 *
 *     @ CALLER + ADDRESS SIZE     malloc, calloc, memalign: a block
 *     @ CALLER - ADDRESS          free
 *     @ CALLER < ADDRESS          realloc: the old block ...
 *     @ CALLER > ADDRESS SIZE     ... and the new one
 *     @ CALLER ! ADDRESS SIZE     a realloc that failed
 *
 * ("@ CALLER" may be missing, and "= Start" / "= End" lines frame the log.)
 * Each block gets a fresh id; a realloc keeps its block's id. Calls on
 * blocks allocated before the log started are dropped (a free of an unknown
 * address) or become allocations (a realloc of one), and counted on stderr.
 * With --max-ops, the trace stops after N operations; the driver frees what
 * is still allocated at its end.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One operation of the trace. */
struct op {
	char kind; /* 'a', 'r' or 'f' */
	uint32_t id;
	uint64_t size;
};

/* A hash table from live addresses to ids (open addressing). */
struct table {
	uint64_t *keys; /* 0: empty slot; UINT64_MAX: a deleted one */
	uint32_t *ids;
	size_t cap;  /* a power of two */
	size_t used; /* slots not empty (live or deleted) */
};

static const uint64_t DELETED = UINT64_MAX;

/* Counts of what the log held that the trace cannot. */
static struct {
	size_t unknown_frees, unknown_reallocs, reused_addresses, failed,
		bad_lines;
} dropped;

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (p == NULL) {
		fprintf(stderr, "mtrace2rep: out of memory\n");
		exit(1);
	}
	return p;
}

static size_t slot_of(const struct table *t, uint64_t key)
{
	uint64_t h = key * 0x9E3779B97F4A7C15u;
	return (size_t)(h >> 20) & (t->cap - 1);
}

/* Finds the slot holding key. Returns false if there is none. */
static bool table_find(const struct table *t, uint64_t key, size_t *slot)
{
	for (size_t i = slot_of(t, key);; i = (i + 1) & (t->cap - 1)) {
		if (t->keys[i] == 0)
			return false;
		if (t->keys[i] == key) {
			*slot = i;
			return true;
		}
	}
}

static void table_put(struct table *t, uint64_t key, uint32_t id);

static void table_grow(struct table *t)
{
	struct table old = *t;
	t->cap = old.cap == 0 ? 1024 : old.cap * 2;
	t->keys = xcalloc(t->cap, sizeof *t->keys);
	t->ids = xcalloc(t->cap, sizeof *t->ids);
	t->used = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i] != 0 && old.keys[i] != DELETED)
			table_put(t, old.keys[i], old.ids[i]);
	free(old.keys);
	free(old.ids);
}

static void table_put(struct table *t, uint64_t key, uint32_t id)
{
	if (2 * (t->used + 1) > t->cap)
		table_grow(t);
	size_t i = slot_of(t, key);
	while (t->keys[i] != 0 && t->keys[i] != DELETED)
		i = (i + 1) & (t->cap - 1);
	if (t->keys[i] == 0)
		t->used++;
	t->keys[i] = key;
	t->ids[i] = id;
}

/* Removes key; returns its id in *id, or false if it is not there. */
static bool table_take(struct table *t, uint64_t key, uint32_t *id)
{
	size_t slot;
	if (key == 0 || t->cap == 0 || !table_find(t, key, &slot))
		return false;
	*id = t->ids[slot];
	t->keys[slot] = DELETED;
	return true;
}

/* The trace being built. */
static struct op *ops;
static size_t num_ops, ops_cap, max_ops = SIZE_MAX;
static uint32_t next_id;
static struct table live;

static void emit(char kind, uint32_t id, uint64_t size)
{
	if (num_ops == ops_cap) {
		ops_cap = ops_cap == 0 ? 4096 : 2 * ops_cap;
		ops = realloc(ops, ops_cap * sizeof *ops);
		if (ops == NULL) {
			fprintf(stderr, "mtrace2rep: out of memory\n");
			exit(1);
		}
	}
	ops[num_ops++] = (struct op){kind, id, size};
}

static void on_alloc(uint64_t addr, uint64_t size)
{
	uint32_t old;
	if (table_take(&live, addr, &old)) {
		/* Its free was not logged (or logged out of order). */
		dropped.reused_addresses++;
		emit('f', old, 0);
	}
	table_put(&live, addr, next_id);
	emit('a', next_id++, size);
}

static void on_free(uint64_t addr)
{
	uint32_t id;
	if (table_take(&live, addr, &id))
		emit('f', id, 0);
	else if (addr != 0)
		dropped.unknown_frees++;
}

static void on_realloc(uint64_t old_addr, uint64_t addr, uint64_t size)
{
	uint32_t id;
	if (!table_take(&live, old_addr, &id)) {
		dropped.unknown_reallocs++;
		on_alloc(addr, size);
		return;
	}
	uint32_t other;
	if (table_take(&live, addr, &other)) {
		dropped.reused_addresses++;
		emit('f', other, 0);
	}
	table_put(&live, addr, id);
	emit('r', id, size);
}

/* Reads a hexadecimal address or size ("0x1f", or "(nil)" for 0). */
static bool parse_hex(const char *token, uint64_t *value)
{
	if (strcmp(token, "(nil)") == 0) {
		*value = 0;
		return true;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(token, &end, 16);
	if (errno != 0 || end == token || *end != '\0')
		return false;
	*value = v;
	return true;
}

/* Splits line into blank-separated tokens; returns how many (at most max). */
static int split(char *line, char **tokens, int max)
{
	int n = 0;
	for (char *tok = strtok(line, " \t\n"); tok != NULL && n < max;
	     tok = strtok(NULL, " \t\n"))
		tokens[n++] = tok;
	return n;
}

/*
 * Handles one line of the log. pending_old holds the address of a realloc's
 * "<" line until its ">" line comes.
 */
static void parse_line(char *line, uint64_t *pending_old, bool *pending)
{
	char *tokens[64];
	int n = split(line, tokens, 64);
	if (n == 0 || tokens[0][0] == '=')
		return;
	/* The operation is the last token but one or two: skip the caller. */
	int at = n >= 3 && strlen(tokens[n - 3]) == 1 ? n - 3 : n - 2;
	if (at < 0 || strlen(tokens[at]) != 1) {
		dropped.bad_lines++;
		return;
	}
	char kind = tokens[at][0];
	uint64_t addr, size = 0;
	bool has_size = at + 2 < n;
	if (!parse_hex(tokens[at + 1], &addr) ||
	    (has_size && !parse_hex(tokens[at + 2], &size))) {
		dropped.bad_lines++;
		return;
	}
	if (kind == '+' && has_size && addr != 0)
		on_alloc(addr, size);
	else if (kind == '+' || kind == '!')
		dropped.failed++;
	else if (kind == '-')
		on_free(addr);
	else if (kind == '<') {
		*pending_old = addr;
		*pending = true;
	} else if (kind == '>' && *pending && has_size) {
		on_realloc(*pending_old, addr, size);
		*pending = false;
	} else
		dropped.bad_lines++;
}

/* Prints the trace: the header, then the operations. */
static void print_trace(size_t count)
{
	/* The first header line: the peak of live payload, for information. */
	uint64_t *sizes = xcalloc(next_id + 1, sizeof *sizes);
	uint64_t payload = 0, peak = 0;
	uint32_t ids = 0;
	for (size_t i = 0; i < count; i++) {
		const struct op *op = &ops[i];
		payload -= sizes[op->id];
		sizes[op->id] = op->kind == 'f' ? 0 : op->size;
		payload += sizes[op->id];
		peak = payload > peak ? payload : peak;
		ids = op->id + 1 > ids ? op->id + 1 : ids;
	}
	free(sizes);
	printf("%" PRIu64 "\n%" PRIu32 "\n%zu\n1\n", peak, ids, count);
	for (size_t i = 0; i < count; i++) {
		if (ops[i].kind == 'f')
			printf("f %" PRIu32 "\n", ops[i].id);
		else
			printf("%c %" PRIu32 " %" PRIu64 "\n", ops[i].kind,
			       ops[i].id, ops[i].size);
	}
}

int main(int argc, char **argv)
{
	int arg = 1;
	if (argc == 4 && strcmp(argv[1], "--max-ops") == 0) {
		char *end;
		max_ops = strtoull(argv[2], &end, 10);
		if (*end != '\0' || max_ops == 0) {
			fprintf(stderr, "mtrace2rep: --max-ops needs a "
					"positive number\n");
			return 2;
		}
		arg = 3;
	}
	if (argc != arg + 1) {
		fprintf(stderr,
			"usage: mtrace2rep [--max-ops N] LOG > TRACE.rep\n");
		return 2;
	}
	FILE *in = fopen(argv[arg], "r");
	if (in == NULL) {
		fprintf(stderr, "mtrace2rep: cannot open %s: %s\n", argv[arg],
			strerror(errno));
		return 1;
	}
	char *line = NULL;
	size_t cap = 0;
	uint64_t pending_old = 0;
	bool pending = false;
	while (num_ops < max_ops && getline(&line, &cap, in) >= 0)
		parse_line(line, &pending_old, &pending);
	free(line);
	fclose(in);
	size_t count = num_ops < max_ops ? num_ops : max_ops;
	/* Sizes beyond the driver's limit would make the trace malformed. */
	for (size_t i = 0; i < count; i++)
		if (ops[i].size > UINT32_MAX) {
			fprintf(stderr,
				"mtrace2rep: a block of %" PRIu64
				" bytes is too large for a trace\n",
				ops[i].size);
			return 1;
		}
	print_trace(count);
	fprintf(stderr,
		"mtrace2rep: %zu operations; dropped: %zu frees and %zu "
		"reallocs"
		" of blocks from before the log, %zu reused addresses, %zu"
		" failed calls, %zu unreadable lines\n",
		count, dropped.unknown_frees, dropped.unknown_reallocs,
		dropped.reused_addresses, dropped.failed, dropped.bad_lines);
	return 0;
}
