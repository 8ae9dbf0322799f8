/*
 * sim.c: runs a trace through a simulated machine.
 *
 * The machine has one address space, whose one region covers every
 * address and allows every access: each page the trace touches is valid,
 * and zero on its first touch, as in a process whose whole address space
 * is mapped. OPT needs the future, so for OPT the trace is read twice:
 * once for its pages (to compute next uses), once to run it.
 */
#include "sim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "future.h"
#include "ptdot.h"

enum {
	SIM_SEGV_SHOWN = 10,      /* segmentation faults reported one by one */
	SIM_PAGES_INITIAL = 4096, /* room for pages when reading for OPT */
};

static const char KIND_LETTERS[] = {
	[ACCESS_READ] = 'R',
	[ACCESS_WRITE] = 'W',
	[ACCESS_EXEC] = 'X',
};

/* Opens the trace the options name. Returns 0, or -1 after saying why. */
static int sim_open(const struct sim_options *opt, struct trace *t)
{
	int rc = opt->trace_path != NULL
			 ? trace_open(t, opt->trace_path, opt->format,
				      opt->vm.page_size)
			 : trace_open_text(t, "--refs", opt->refs,
					   opt->vm.page_size);
	if (rc != 0) {
		fprintf(stderr, "vmsim: %s\n", t->error);
		trace_close(t);
	}
	return rc;
}

/* Appends page to the growing array *pages of *n elements (room: *cap).
 * Returns 0, or -1 if memory ran out. */
static int pages_push(uint64_t **pages, size_t *n, size_t *cap, uint64_t page)
{
	if (*n == *cap) {
		size_t bigger = *cap == 0 ? SIM_PAGES_INITIAL : 2 * *cap;
		uint64_t *grown = realloc(*pages, bigger * sizeof *grown);
		if (grown == NULL)
			return -1;
		*pages = grown;
		*cap = bigger;
	}
	(*pages)[(*n)++] = page;
	return 0;
}

/*
 * Reads the whole trace and returns the next-use time of each reference
 * (see future.h), storing how many there are in *n. Returns NULL after
 * saying why if the trace is bad or memory ran out.
 */
static uint64_t *sim_future(const struct sim_options *opt, size_t *n)
{
	struct trace t;
	if (sim_open(opt, &t) != 0)
		return NULL;
	uint64_t *pages = NULL, *next_use = NULL;
	size_t cap = 0;
	struct trace_ref ref;
	int rc;
	*n = 0;
	while ((rc = trace_next(&t, &ref)) == 1) {
		rc = pages_push(&pages, n, &cap, ref.va >> t.offset_bits);
		if (rc != 0)
			break;
	}
	if (rc == 0)
		next_use = future_next_uses(pages, *n);
	if (rc < 0 && t.error[0] != '\0')
		fprintf(stderr, "vmsim: %s\n", t.error);
	else if (next_use == NULL)
		fprintf(stderr,
			"vmsim: out of memory for OPT's %zu "
			"references\n",
			*n);
	trace_close(&t);
	free(pages);
	return next_use;
}

/* Makes the machine and its one address space. Returns 0, or -1 after
 * saying why. */
static int sim_machine(struct vm *vm, const struct vm_config *config)
{
	if (vm_init(vm, config) != 0) {
		if (errno == EINVAL) /* vmsim checked the layout already */
			fprintf(stderr, "vmsim: layout_init() refused a valid "
					"layout\n");
		else
			fprintf(stderr,
				"vmsim: cannot set up the machine: "
				"%s\n",
				strerror(errno));
		return -1;
	}
	struct addr_space *as = vm_create_space(vm);
	uint64_t everything = (uint64_t)1 << vm->layout.va_bits;
	if (as == NULL ||
	    as_add_region(as, 0, everything, PTE_WRITABLE | PTE_EXEC) != 0) {
		fprintf(stderr, "vmsim: cannot set up the address space\n");
		vm_free(vm);
		return -1;
	}
	vm_switch(vm, as);
	return 0;
}

/* Prints a page number: in decimal for refs traces, else in hex. */
static void print_page(FILE *out, const struct trace *t, uint64_t vpn)
{
	if (t->format == TRACE_REFS)
		fprintf(out, "%" PRIu64, vpn);
	else
		fprintf(out, "0x%" PRIx64, vpn);
}

/* Prints the pages in the frames, in frame order; - for a free frame and,
 * for CLOCK, * after a page whose reference bit is set. */
static void print_frames(FILE *out, struct vm *vm, const struct trace *t)
{
	fputc('[', out);
	for (size_t f = 0; f < vm->mem.frames; f++) {
		if (f > 0)
			fputc(' ', out);
		if (f >= vm->frames_used) {
			fputc('-', out);
			continue;
		}
		print_page(out, t, vm->frame_table[f].vpn);
		if (vm->policy.kind == POLICY_CLOCK && vm_frame_accessed(vm, f))
			fputc('*', out);
	}
	fputc(']', out);
	if (vm->policy.kind == POLICY_CLOCK)
		fprintf(out, "  hand %zu", vm->policy.hand);
}

/* Prints the verbose line of one reference: its number, kind and page (or
 * address), what happened, the frames, and the eviction if there was one. */
static void sim_print(FILE *out, struct vm *vm, const struct trace *t,
		      const struct trace_ref *ref, enum vm_event event)
{
	static const char *const WORDS[] = {
		[VM_HIT] = "hit",
		[VM_MINOR] = "fault",
		[VM_MAJOR] = "fault",
		[VM_COW] = "cow",
		[VM_SEGV_UNMAPPED] = "segv",
		[VM_SEGV_DENIED] = "segv",
		[VM_ERROR] = "error",
	};
	fprintf(out, "%6" PRIu64 "  %c ", vm->stats.references,
		KIND_LETTERS[ref->kind]);
	if (t->format == TRACE_REFS)
		fprintf(out, "%-5" PRIu64, ref->va >> t->offset_bits);
	else
		fprintf(out, "0x%-14" PRIx64, ref->va);
	fprintf(out, " %-5s  ", WORDS[event]);
	print_frames(out, vm, t);
	const struct vm_eviction *e = &vm->last_eviction;
	if (e->happened) {
		fputs("  evict ", out);
		print_page(out, t, e->vpn);
		if (e->written)
			fputs(" (dirty: written to swap)", out);
	}
	if (event == VM_MAJOR)
		fputs("  read from swap", out);
	fputc('\n', out);
}

/* Reports a segmentation fault on stderr, the first SIM_SEGV_SHOWN only. */
static void sim_report_segv(const struct vm *vm, const struct trace_ref *ref,
			    enum vm_event event)
{
	uint64_t count = vm->stats.segfaults;
	if (count > SIM_SEGV_SHOWN)
		return;
	fprintf(stderr,
		"vmsim: segmentation fault at reference %" PRIu64
		": %c 0x%" PRIx64 " %s; going on\n",
		vm->stats.references, KIND_LETTERS[ref->kind], ref->va,
		event == VM_SEGV_UNMAPPED ? "is outside the address space"
					  : "is not allowed");
	if (count == SIM_SEGV_SHOWN)
		fprintf(stderr, "vmsim: further segmentation faults are "
				"counted, not shown\n");
}

/* Runs the trace through vm. Returns 0, or -1 after saying why. */
static int sim_trace(const struct sim_options *opt, struct vm *vm)
{
	struct trace t;
	if (sim_open(opt, &t) != 0)
		return -1;
	struct trace_ref ref;
	int rc;
	while ((rc = trace_next(&t, &ref)) == 1) {
		uint64_t pa;
		enum vm_event event = vm_access(vm, ref.va, ref.kind, &pa);
		if (opt->verbose != NULL)
			sim_print(opt->verbose, vm, &t, &ref, event);
		if (event == VM_ERROR) {
			fprintf(stderr,
				"vmsim: the simulation failed at "
				"reference %" PRIu64 ": %s\n",
				vm->stats.references, strerror(errno));
			break;
		}
		if (!vm_event_ok(event))
			sim_report_segv(vm, &ref, event);
	}
	if (rc < 0)
		fprintf(stderr, "vmsim: %s\n", t.error);
	trace_close(&t);
	return rc == 0 ? 0 : -1;
}

/*
 * Runs the trace the options name through a machine built as they say,
 * and stores the statistics in *stats. Returns 0, or -1 after printing on
 * stderr what went wrong: a bad trace, a simulator failure.
 */
int sim_run(const struct sim_options *opt, struct vm_stats *stats)
{
	struct vm_config config = opt->vm;
	uint64_t *next_use = NULL;
	if (config.policy == POLICY_OPT) {
		next_use = sim_future(opt, &config.refs);
		if (next_use == NULL)
			return -1;
		config.next_use = next_use;
	}
	struct vm vm;
	int rc = sim_machine(&vm, &config);
	if (rc == 0) {
		rc = sim_trace(opt, &vm);
		*stats = *vm_stats(&vm);
		if (rc == 0 && opt->dot != NULL)
			pt_print_dot(opt->dot, &vm.spaces[0]->pt);
		vm_free(&vm);
	}
	free(next_use);
	return rc;
}
