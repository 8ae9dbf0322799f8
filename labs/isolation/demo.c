/*
 * demo.c: isolation-demo, the lab's command-line program.
 *
 *     isolation-demo SUBCOMMAND [--dot]
 *
 * Each subcommand runs one experiment on the process's own address space
 * and prints what it saw. Run it without arguments for the list. With
 * --dot, maps draws the whole address space instead, as a graphviz graph
 * (layout.c). This file
 * is given: the experiments themselves are in probe.c and experiment.c.
 * Under Valgrind some results differ (Valgrind has its own allocator and
 * touches memory itself); the demo only prints them and still exits 0.
 */
#include "experiment.h"
#include "layout.h"
#include "proof.h"
#include "probe.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

enum {
	EXIT_USAGE = 2,     /* unknown subcommand or wrong arguments */
	LAZY_MAP_MIB = 64,  /* size of the lazy experiment's mapping */
	LAZY_PAGES = 1000,  /* pages it touches */
	PROBE_OFFSET = 123, /* where in a page the protect probes touch */
	ASLR_RUNS = 2,      /* runs of each kind in the aslr experiment */
	PATH_CAP = 4096,    /* room for this program's path */
	MIB = 1024 * 1024,
};

static const char PROGRAM[] = "isolation-demo";

/* Set by --dot: draw the result as a graph (only maps can). */
static bool dot_output;

/* Objects that live in the program's data and code; see the maps command. */
int demo_global = 42;
static int demo_static; /* zero-initialized: .bss */

/* A function whose address shows where code lives. */
static void demo_function(void)
{
}

/* ---- pagemap ---------------------------------------------------------- */

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void pagemap_print_header(void)
{
	printf("%-22s %-14s %-7s %-7s %-11s %-9s %-10s %s\n", "what", "address",
	       "present", "swapped", "file/shared", "exclusive", "soft-dirty",
	       "frame");
}

static void pagemap_print_row(const char *what, const void *addr,
			      const struct pagemap_entry *e)
{
	printf("%-22s %#14" PRIxPTR " %-7s %-7s %-11s %-9s %-10s %#" PRIx64
	       "\n",
	       what, (uintptr_t)addr, yes_no(e->present), yes_no(e->swapped),
	       yes_no(e->file_or_shared), yes_no(e->exclusive),
	       yes_no(e->soft_dirty), e->frame);
}

/* Explains frame numbers that read as 0 (hidden without CAP_SYS_ADMIN). */
static void pagemap_explain_hidden_frames(void)
{
	printf("\nFrame numbers read as 0: since Linux 4.2 the kernel shows "
	       "them only to\nprocesses with CAP_SYS_ADMIN (run as root to "
	       "see them). The other bits are real.\n");
}

/*
 * Prints the decoded pagemap entry of each place. Returns 0, or 1 if
 * /proc/self/pagemap cannot be read.
 */
static int pagemap_print_places(const struct place *places, size_t count)
{
	bool hidden_frames = false;
	pagemap_print_header();
	for (size_t i = 0; i < count; i++) {
		struct pagemap_entry e;
		if (pagemap_lookup(places[i].addr, &e) != 0) {
			fprintf(stderr,
				"%s: cannot read /proc/self/pagemap: "
				"%s (is /proc mounted?)\n",
				PROGRAM, strerror(errno));
			return EXIT_FAILURE;
		}
		pagemap_print_row(places[i].what, places[i].addr, &e);
		hidden_frames |= e.present && e.frame == 0;
	}
	if (hidden_frames)
		pagemap_explain_hidden_frames();
	return EXIT_SUCCESS;
}

/* pagemap: decodes the entries of a few pages of this process. */
static int cmd_pagemap(void)
{
	size_t page = probe_page_size();
	int local = 7;
	int *heap = malloc(sizeof *heap);
	unsigned char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (heap == NULL || map == MAP_FAILED) {
		fprintf(stderr, "%s: out of memory\n", PROGRAM);
		free(heap);
		return EXIT_FAILURE;
	}
	*heap = local;
	map[0] = 1; /* touch the first page only */
	const struct place places[] = {
		{"code (a function)", (const void *)(uintptr_t)demo_function},
		{"string literal", "a literal"},
		{"global variable", &demo_global},
		{"local variable", &local},
		{"malloc'd block", heap},
		{"mmap page, touched", map},
		{"mmap page, untouched", map + page},
	};
	int rc = pagemap_print_places(places, sizeof places / sizeof places[0]);
	munmap(map, 2 * page);
	free(heap);
	return rc;
}

/* ---- maps ------------------------------------------------------------- */

/* Prints one place and the region that holds it. */
static void maps_print_row(const char *what, const void *addr,
			   const struct region *r)
{
	printf("%-20s %#14" PRIxPTR "  %s  %#14" PRIxPTR "-%-#14" PRIxPTR
	       "  %s\n",
	       what, (uintptr_t)addr, r->perms, r->start, r->end,
	       r->path[0] != '\0' ? r->path : "(anonymous)");
}

/*
 * Prints the region holding each place. Returns 0, or 1 if a place lies in
 * no region or /proc/self/maps cannot be read.
 */
static int maps_print_places(const struct place *places, size_t count)
{
	printf("%-20s %-14s  %-4s  %-29s  %s\n", "what", "address", "perm",
	       "region", "backed by");
	for (size_t i = 0; i < count; i++) {
		struct region r;
		if (maps_find_region(places[i].addr, &r) != 0) {
			fprintf(stderr,
				"%s: cannot find the region of the %s "
				"in /proc/self/maps: %s\n",
				PROGRAM, places[i].what, strerror(errno));
			return EXIT_FAILURE;
		}
		maps_print_row(places[i].what, places[i].addr, &r);
	}
	return EXIT_SUCCESS;
}

/*
 * Prints the whole address space, with the places pointed at, as a dot
 * graph. Returns 0, or 1 if /proc/self/maps cannot be read or parsed.
 */
static int maps_print_dot(const struct place *places, size_t count)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	if (maps == NULL) {
		fprintf(stderr, "%s: cannot open /proc/self/maps: %s\n",
			PROGRAM, strerror(errno));
		return EXIT_FAILURE;
	}
	int rc = layout_print_dot(maps, stdout, places, count);
	fclose(maps);
	if (rc != 0) {
		fprintf(stderr, "%s: a line of /proc/self/maps did not parse\n",
			PROGRAM);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

// ANCHOR: cmd_maps
/* maps: shows which region holds each kind of object, and its permissions. */
static int cmd_maps(void)
{
	size_t page = probe_page_size();
	int local = 7;
	int *heap = malloc(sizeof *heap);
	void *map = mmap(NULL, page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (heap == NULL || map == MAP_FAILED) {
		fprintf(stderr, "%s: out of memory\n", PROGRAM);
		free(heap);
		return EXIT_FAILURE;
	}
	const struct place places[] = {
		{"function", (const void *)(uintptr_t)demo_function},
		{"string literal", "a literal"},
		{"global variable", &demo_global},
		{"static variable", &demo_static},
		{"local variable", &local},
		{"malloc'd block", heap},
		{"mmap'd block", map},
	};
	size_t count = sizeof places / sizeof places[0];
	int rc = dot_output ? maps_print_dot(places, count)
			    : maps_print_places(places, count);
	munmap(map, page);
	free(heap);
	return rc;
}
// ANCHOR_END: cmd_maps

/* Reports a failed experiment on stderr; returns the exit status 1. */
static int fail(const char *what)
{
	/* The experiments open nothing but files under /proc. */
	const char *hint = errno == ENOENT ? " (is /proc mounted?)" : "";
	fprintf(stderr, "%s: %s failed: %s%s\n", PROGRAM, what, strerror(errno),
		hint);
	return EXIT_FAILURE;
}

/* ---- same-address ----------------------------------------------------- */

/* Prints what one process saw; called in the child, then in the parent. */
static void same_address_report(const char *who, const struct fork_view *v)
{
	printf("%-6s (pid %6ld): &fork_value = %#" PRIxPTR
	       ", fork_value = %d\n",
	       who, (long)v->pid, v->addr, v->value);
}

// ANCHOR: cmd_same_address
/* same-address: parent and child, one virtual address, two values. */
static int cmd_same_address(void)
{
	printf("Before fork: fork_value = %d. The child then stores %d.\n",
	       FORK_PARENT_VALUE, FORK_CHILD_VALUE);
	if (fork_same_address(same_address_report) != 0)
		return fail("the same-address experiment");
	printf("Same virtual address, different values: each process has "
	       "its own address\nspace, and the child's store changed only "
	       "its own copy.\n");
	return EXIT_SUCCESS;
}
// ANCHOR_END: cmd_same_address

/* ---- cow ---------------------------------------------------------------- */

static void cow_print_step(const char *step, const struct pagemap_entry *e)
{
	printf("%-28s %-7s %-9s %#" PRIx64 "\n", step, yes_no(e->present),
	       yes_no(e->exclusive), e->frame);
}

/* cow: one private page through fork and the child's first write. */
static int cmd_cow(void)
{
	struct cow_report r;
	if (fork_cow(&r) != 0)
		return fail("the copy-on-write experiment");
	printf("%-28s %-7s %-9s %s\n", "step", "present", "exclusive", "frame");
	cow_print_step("parent, before fork", &r.before_fork);
	cow_print_step("parent, after fork", &r.parent_shared);
	cow_print_step("child, after fork", &r.child_shared);
	cow_print_step("child, after its write", &r.child_written);
	cow_print_step("parent, after child exited", &r.parent_after);
	printf("\nThe child read %d after its write; the parent still reads "
	       "%d.\nAfter fork both processes map the parent's frame (not "
	       "exclusive);\nthe child's first write gave it a copy of its own "
	       "(exclusive again).\n",
	       r.child_value, r.parent_value);
	if (r.before_fork.frame == 0)
		pagemap_explain_hidden_frames();
	return EXIT_SUCCESS;
}

/* ---- shared ------------------------------------------------------------- */

/* shared: a child's write to MAP_SHARED memory reaches the parent. */
static int cmd_shared(void)
{
	int shared_seen = 0, private_seen = 0;
	if (fork_child_writes(MAP_SHARED, &shared_seen) != 0 ||
	    fork_child_writes(MAP_PRIVATE, &private_seen) != 0)
		return fail("the shared-memory experiment");
	printf("The parent stores %d, the child stores %d and exits; then the "
	       "parent reads:\n",
	       FORK_PARENT_VALUE, FORK_CHILD_VALUE);
	bool shared_ok = shared_seen == FORK_CHILD_VALUE;
	bool private_ok = private_seen == FORK_PARENT_VALUE;
	printf("  MAP_SHARED  page: %d (%s)\n", shared_seen,
	       shared_ok ? "the child's write: one frame, mapped by both"
			 : "unexpected");
	printf("  MAP_PRIVATE page: %d (%s)\n", private_seen,
	       private_ok ? "its own: the child wrote to its private copy"
			  : "unexpected");
	return EXIT_SUCCESS;
}

/* ---- lazy ------------------------------------------------------------- */

static void lazy_print(const char *how, const struct lazy_report *r)
{
	printf("%-6s %zu pages: resident %zu -> %zu, minor faults %ld "
	       "(%.2f per page)\n",
	       how, r->pages_touched, r->resident_before, r->resident_after,
	       r->minor_faults,
	       (double)r->minor_faults / (double)r->pages_touched);
}

/* lazy: frames arrive one page fault at a time, on first touch. */
static int cmd_lazy(void)
{
	struct lazy_report wrote, looked;
	size_t bytes = (size_t)LAZY_MAP_MIB * MIB;
	if (lazy_touch(bytes, LAZY_PAGES, ACCESS_WRITE, &wrote) != 0 ||
	    lazy_touch(bytes, LAZY_PAGES, ACCESS_READ, &looked) != 0)
		return fail("the lazy-allocation experiment");
	printf("A fresh %d MiB mapping (%zu pages), huge pages off, has "
	       "%zu resident pages.\n",
	       LAZY_MAP_MIB, wrote.pages_mapped, wrote.resident_before);
	lazy_print("write", &wrote);
	lazy_print("read", &looked);
	printf("Each first touch is one minor fault: the kernel gives a page "
	       "a frame only then.\n");
	if (looked.first_frame == 0) {
		printf("A read maps the shared zero page; frames are hidden "
		       "here, so it cannot be seen.\n");
	} else {
		printf("Read-only pages all map one frame, the zero page: "
		       "%#" PRIx64 " and %#" PRIx64 ".\n",
		       looked.first_frame, looked.last_frame);
	}
	return EXIT_SUCCESS;
}

/* ---- protect ------------------------------------------------------------ */

static const char *segv_code_name(int code)
{
	switch (code) {
	case SEGV_MAPERR:
		return "SEGV_MAPERR (nothing mapped there)";
	case SEGV_ACCERR:
		return "SEGV_ACCERR (mapped, but not for this access)";
	default:
		return "another si_code";
	}
}

/* Runs one probe and prints its outcome. Returns 0, or 1 on failure. */
static int protect_try(const char *what, void *addr, enum probe_access a)
{
	struct fault_report r;
	if (fault_probe(addr, a, &r) != 0)
		return fail("installing the SIGSEGV handler");
	printf("%-24s %#14" PRIxPTR " %-5s -> ", what, (uintptr_t)addr,
	       a == ACCESS_WRITE ? "write" : "read");
	if (r.faulted)
		printf("SIGSEGV at %#" PRIxPTR ", %s\n", r.addr,
		       segv_code_name(r.code));
	else
		printf("no fault\n");
	return EXIT_SUCCESS;
}

/* protect: forbidden accesses raise SIGSEGV, and a program can recover. */
static int cmd_protect(void)
{
	size_t page = probe_page_size();
	unsigned char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	unsigned char *gone = p + page;
	if (mprotect(p, page, PROT_READ) != 0 || munmap(gone, page) != 0)
		return fail("mprotect or munmap");
	int rc = protect_try("read-only page", p + PROBE_OFFSET, ACCESS_READ);
	if (rc == EXIT_SUCCESS)
		rc = protect_try("read-only page", p + PROBE_OFFSET,
				 ACCESS_WRITE);
	if (rc == EXIT_SUCCESS)
		rc = protect_try("unmapped page", gone + PROBE_OFFSET,
				 ACCESS_READ);
	munmap(p, page);
	if (rc == EXIT_SUCCESS)
		printf("Each SIGSEGV was caught; the handler jumped back with "
		       "siglongjmp, and we carry on.\n");
	return rc;
}

/* ---- aslr ---------------------------------------------------------------- */

/* Prints kernel.randomize_va_space, the system-wide ASLR setting. */
static void aslr_print_setting(void)
{
	FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "r");
	int setting = -1;
	if (f != NULL) {
		if (fscanf(f, "%d", &setting) != 1)
			setting = -1;
		fclose(f);
	}
	if (setting < 0)
		printf("kernel.randomize_va_space: unknown\n");
	else
		printf("kernel.randomize_va_space = %d (0: off, 1: stack, "
		       "mmap and vDSO, 2: heap too)\n",
		       setting);
}

/*
 * Stores the path of this program in path (of size cap). Reading the link
 * /proc/self/exe, rather than running it, works under Valgrind too, where
 * the process running is Valgrind's. Returns 0, or -1 with errno set.
 */
static int self_path(char *path, size_t cap)
{
	ssize_t len = readlink("/proc/self/exe", path, cap - 1);
	if (len < 0)
		return -1;
	path[len] = '\0';
	return 0;
}

/* The samples of one kind of run in the aslr experiment. */
struct aslr_runs {
	struct aslr_sample samples[ASLR_RUNS];
	bool refused; /* personality() was refused: no samples */
};

/*
 * Runs program's probe ASLR_RUNS times, printing each sample. Returns 0;
 * 1 if a run failed. If personality() was refused (EPERM), says so, sets
 * runs->refused and returns 0.
 */
static int aslr_collect(const char *program, const char *label, bool randomize,
			struct aslr_runs *runs)
{
	for (int i = 0; i < ASLR_RUNS; i++) {
		struct aslr_sample *s = &runs->samples[i];
		if (aslr_sample(program, randomize, s) != 0) {
			if (errno != EPERM)
				return fail(
					"running "
					"isolation-demo " ASLR_PROBE_COMMAND);
			fprintf(stderr,
				"%s: personality(ADDR_NO_RANDOMIZE) "
				"was refused: %s (a seccomp filter, as in "
				"many containers?); skipping these runs.\n",
				PROGRAM, strerror(errno));
			runs->refused = true;
			return EXIT_SUCCESS;
		}
		printf("%-18s #%d %#14" PRIxPTR " %#14" PRIxPTR " %#14" PRIxPTR
		       "\n",
		       label, i + 1, s->stack, s->heap, s->code);
	}
	return EXIT_SUCCESS;
}

/* Returns true if every run put stack, heap and code where the first did. */
static bool aslr_runs_agree(const struct aslr_runs *runs)
{
	const struct aslr_sample *first = &runs->samples[0];
	for (int i = 1; i < ASLR_RUNS; i++) {
		const struct aslr_sample *s = &runs->samples[i];
		if (s->stack != first->stack || s->heap != first->heap ||
		    s->code != first->code)
			return false;
	}
	return true;
}

/* Says what the samples show; they, not expectations, decide. */
static void aslr_conclude(const struct aslr_runs *fixed,
			  const struct aslr_runs *moving)
{
	if (fixed->refused)
		printf("Runs without randomization were refused here.\n");
	else if (aslr_runs_agree(fixed))
		printf("Without randomization the runs agree.\n");
	else
		printf("Without randomization the runs still differ.\n");
	if (aslr_runs_agree(moving))
		printf("With randomization they agree too: it is off "
		       "(randomize_va_space 0), or Valgrind\nplaced the "
		       "program itself.\n");
	else
		printf("With randomization each run lands elsewhere.\n");
}

/* aslr: where stack, heap and code land, with and without randomization. */
static int cmd_aslr(void)
{
	char program[PATH_CAP];
	struct aslr_runs fixed = {.refused = false}, moving = fixed;
	if (self_path(program, sizeof program) != 0)
		return fail("reading /proc/self/exe");
	aslr_print_setting();
	printf("%-21s %-14s %-14s %s\n", "run", "stack", "heap", "code");
	if (aslr_collect(program, "not randomized", false, &fixed) != 0 ||
	    aslr_collect(program, "randomized", true, &moving) != 0)
		return EXIT_FAILURE;
	aslr_conclude(&fixed, &moving);
	return EXIT_SUCCESS;
}
/* aslr-probe: prints one sample line; the aslr experiment runs this. */
static int cmd_aslr_probe(void)
{
	aslr_probe_print(stdout);
	return EXIT_SUCCESS;
}

/* ---- the command table ------------------------------------------------ */

struct command {
	const char *name;
	int (*run)(void);
	const char *help;
	bool dot; /* it takes --dot */
};

static const struct command COMMANDS[] = {
	{"pagemap", cmd_pagemap, "decode /proc/self/pagemap for a few pages",
	 false},
	{"maps", cmd_maps,
	 "show the region and permissions of each object\n"
	 "                 (--dot: draw the whole address space, for graphviz)",
	 true},
	{"same-address", cmd_same_address,
	 "fork: one virtual address, a different value in each process", false},
	{"cow", cmd_cow, "fork: watch copy-on-write in pagemap", false},
	{"shared", cmd_shared, "fork: a child's write to MAP_SHARED memory",
	 false},
	{"lazy", cmd_lazy, "frames arrive on first touch, one fault per page",
	 false},
	{"protect", cmd_protect, "catch SIGSEGV on forbidden accesses", false},
	{"aslr", cmd_aslr, "layout with and without randomization", false},
	{ASLR_PROBE_COMMAND, cmd_aslr_probe, "print one sample (for aslr)",
	 false},
};

static void print_usage(FILE *out)
{
	fprintf(out, "usage: %s SUBCOMMAND [--dot]\n\nsubcommands:\n", PROGRAM);
	for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
		fprintf(out, "  %-14s %s\n", COMMANDS[i].name,
			COMMANDS[i].help);
}

int main(int argc, char **argv)
{
	harness_proof_begin();
	if (argc == 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		print_usage(stdout);
		return EXIT_SUCCESS;
	}
	dot_output = argc == 3 && strcmp(argv[2], "--dot") == 0;
	if (argc != 2 && !dot_output) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
		if (strcmp(argv[1], COMMANDS[i].name) != 0)
			continue;
		if (dot_output && !COMMANDS[i].dot) {
			fprintf(stderr, "%s: %s does not take --dot\n", PROGRAM,
				argv[1]);
			return EXIT_USAGE;
		}
		int status = COMMANDS[i].run();
		if (status == EXIT_SUCCESS)
			harness_proof_done(PROGRAM, "command=%s", argv[1]);
		return status;
	}
	fprintf(stderr, "%s: unknown subcommand '%s'\n", PROGRAM, argv[1]);
	print_usage(stderr);
	return EXIT_USAGE;
}
