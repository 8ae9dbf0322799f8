/*
 * vmsim: runs a memory-reference trace through a simulated MMU, TLB and
 * pager, and prints what happened. See usage() below, or run vmsim --help.
 *
 * Exit status: 0 on success, 2 for a bad command line, 1 for a bad trace
 * or a failed simulation.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "proof.h"
#include "sim.h"

enum {
	EXIT_USAGE = 2,
	EXIT_SEGFAULTS = 3, /* --strict, and a reference was a segfault */
	FRAMES_MAX = 1 << 24,
	TLB_MAX = 1 << 16,
};

/* The most simulated physical memory vmsim will allocate: 1 GiB. */
static const uint64_t MEMORY_MAX = (uint64_t)1 << 30;

static const struct vm_config DEFAULT_MACHINE = {
	.page_size = 4096,
	.levels = 4,
	.va_bits = 48,
	.seed = 1,
};

/* What the command line asked for. */
struct cli {
	struct sim_options sim;
	bool have_frames, have_policy;
	bool json;
	bool dot;    /* print the final page table, not the statistics */
	bool strict; /* a segmentation fault is an error */
	bool sweep;
	size_t sweep_min, sweep_max;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmsim --frames N --policy fifo|lru|clock|opt|random\n"
		"             (--refs 7,0,1,... | --trace FILE)\n"
		"             [--format auto|refs|rw|lackey] [--page-size B]\n"
		"             [--levels L] [--va-bits V] [--tlb N] [--seed S]\n"
		"             [--verbose] [--json] [--dot] [--sweep MIN:MAX]\n"
		"             [--strict]\n"
		"\n"
		"  --refs LIST     page numbers: page p is address p * B;\n"
		"                  3w is a write of page 3\n"
		"  --trace FILE    page numbers, R/W lines or lackey output\n"
		"  --page-size B   bytes in a page: a power of two (4096)\n"
		"  --levels L      page-table levels (default 4)\n"
		"  --va-bits V     width of a virtual address (default 48)\n"
		"  --tlb N         simulate a TLB of N entries (default none)\n"
		"  --seed S        seed of the random policy (default 1)\n"
		"  --verbose       a line per reference: hit or fault,\n"
		"                  frames, victim\n"
		"  --json          the statistics as one JSON object\n"
		"  --dot           instead of the statistics, the final page\n"
		"                  table as a graphviz graph (| dot -Tsvg)\n"
		"  --sweep MIN:MAX faults of each policy with MIN to MAX\n"
		"                  frames, as CSV\n"
		"  --strict        exit with status 3 if any reference was a\n"
		"                  segmentation fault (a trace that should\n"
		"                  have none)\n");
}

/*
 * Parses arg, the value of option name, as a whole number from min to max.
 * Returns 0, or -1 after saying what is wrong.
 */
static int parse_count(const char *name, const char *arg, uint64_t min,
		       uint64_t max, uint64_t *value)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	bool digits = arg[0] >= '0' && arg[0] <= '9';
	if (!digits || *end != '\0' || errno == ERANGE || v < min || v > max) {
		fprintf(stderr,
			"vmsim: %s needs a whole number from %llu to "
			"%llu, not '%s'\n",
			name, (unsigned long long)min, (unsigned long long)max,
			arg);
		return -1;
	}
	*value = v;
	return 0;
}

/* Parses --sweep's MIN:MAX. Returns 0, or -1 after saying what is wrong. */
static int parse_sweep(const char *arg, struct cli *cli)
{
	const char *colon = strchr(arg, ':');
	char min[32];
	uint64_t lo, hi;
	if (colon == NULL || (size_t)(colon - arg) >= sizeof min) {
		fprintf(stderr, "vmsim: --sweep needs MIN:MAX, not '%s'\n",
			arg);
		return -1;
	}
	memcpy(min, arg, (size_t)(colon - arg));
	min[colon - arg] = '\0';
	if (parse_count("--sweep's MIN", min, 1, FRAMES_MAX, &lo) != 0 ||
	    parse_count("--sweep's MAX", colon + 1, lo, FRAMES_MAX, &hi) != 0)
		return -1;
	cli->sweep = true;
	cli->sweep_min = (size_t)lo;
	cli->sweep_max = (size_t)hi;
	return 0;
}

/* Applies a numeric option of the machine. Returns 0, or -1 after saying
 * what is wrong. */
static int parse_machine_option(int opt, const char *arg, struct cli *cli)
{
	struct vm_config *vm = &cli->sim.vm;
	uint64_t v = 0;
	int rc = -1; /* an unknown option: getopt_long has said so */
	if (opt == 'f') {
		rc = parse_count("--frames", arg, 1, FRAMES_MAX, &v);
		vm->frames = (size_t)v;
		cli->have_frames = true;
	} else if (opt == 'b') {
		rc = parse_count("--page-size", arg, 1, LAYOUT_PAGE_SIZE_MAX,
				 &v);
		vm->page_size = (size_t)v;
	} else if (opt == 'L') {
		rc = parse_count("--levels", arg, 1, LAYOUT_LEVELS_MAX, &v);
		vm->levels = (unsigned)v;
	} else if (opt == 'V') {
		rc = parse_count("--va-bits", arg, 1, LAYOUT_VA_BITS_MAX, &v);
		vm->va_bits = (unsigned)v;
	} else if (opt == 't') {
		rc = parse_count("--tlb", arg, 0, TLB_MAX, &v);
		vm->tlb_size = (size_t)v;
	} else if (opt == 's') {
		rc = parse_count("--seed", arg, 0, UINT64_MAX, &vm->seed);
	}
	return rc;
}

/* Applies option opt (with argument arg) to *cli. Returns 0, or -1 after
 * saying what is wrong. */
static int parse_option(int opt, const char *arg, struct cli *cli)
{
	switch (opt) {
	case 'p':
		cli->have_policy = true;
		if (policy_parse(arg, &cli->sim.vm.policy) == 0)
			return 0;
		fprintf(stderr,
			"vmsim: unknown policy '%s' (choose fifo, "
			"lru, clock, opt or random)\n",
			arg);
		return -1;
	case 'F':
		if (trace_parse_format(arg, &cli->sim.format) == 0)
			return 0;
		fprintf(stderr,
			"vmsim: unknown format '%s' (choose auto, "
			"refs, rw or lackey)\n",
			arg);
		return -1;
	case 'S':
		return parse_sweep(arg, cli);
	default:
		return parse_machine_option(opt, arg, cli);
	}
}

/* Checks that the options make sense together. Returns 0, or -1 after
 * saying what is wrong. */
/* Returns true if path names a regular file (one that can be read again). */
static bool is_regular_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int check_cli(const struct cli *cli)
{
	const struct sim_options *sim = &cli->sim;
	const char *problem = NULL;
	if ((sim->trace_path == NULL) == (sim->refs == NULL))
		problem = "give either --refs or --trace";
	else if (sim->refs != NULL && sim->format != TRACE_AUTO &&
		 sim->format != TRACE_REFS)
		problem = "--refs takes page numbers: --format does not apply";
	else if (cli->sweep &&
		 (cli->have_frames || sim->verbose || cli->json || cli->dot))
		problem = "--sweep chooses the frames and prints CSV: leave "
			  "out --frames, --verbose, --json and --dot";
	else if (cli->dot && (sim->verbose || cli->json))
		problem = "--dot prints the page table alone: leave out "
			  "--verbose and --json";
	else if (cli->sweep && sim->trace_path != NULL &&
		 !is_regular_file(sim->trace_path))
		problem = "--sweep reads the trace once per run: give it a "
			  "regular file, not a pipe or a device";
	else if (!cli->sweep && !cli->have_frames)
		problem = "--frames is missing";
	else if (!cli->sweep && !cli->have_policy)
		problem = "--policy is missing";
	if (problem != NULL) {
		fprintf(stderr, "vmsim: %s (see vmsim --help)\n", problem);
		return -1;
	}
	const struct vm_config *vm = &sim->vm;
	problem = layout_check(vm->page_size, vm->levels, vm->va_bits);
	if (problem != NULL) {
		fprintf(stderr,
			"vmsim: bad layout (--page-size %zu --levels "
			"%u --va-bits %u): %s\n",
			vm->page_size, vm->levels, vm->va_bits, problem);
		return -1;
	}
	size_t frames = cli->sweep ? cli->sweep_max : vm->frames;
	if ((uint64_t)frames * vm->page_size > MEMORY_MAX) {
		fprintf(stderr,
			"vmsim: %zu frames of %zu bytes is more than "
			"the 1 GiB of physical memory vmsim simulates\n",
			frames, vm->page_size);
		return -1;
	}
	return 0;
}

/* vmsim's options; the letters are only internal names. */
static const struct option OPTIONS[] = {
	{"frames", required_argument, NULL, 'f'},
	{"policy", required_argument, NULL, 'p'},
	{"page-size", required_argument, NULL, 'b'},
	{"levels", required_argument, NULL, 'L'},
	{"va-bits", required_argument, NULL, 'V'},
	{"tlb", required_argument, NULL, 't'},
	{"seed", required_argument, NULL, 's'},
	{"refs", required_argument, NULL, 'r'},
	{"trace", required_argument, NULL, 'T'},
	{"format", required_argument, NULL, 'F'},
	{"sweep", required_argument, NULL, 'S'},
	{"verbose", no_argument, NULL, 'v'},
	{"json", no_argument, NULL, 'j'},
	{"dot", no_argument, NULL, 'D'},
	{"strict", no_argument, NULL, 'X'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Parses the command line into *cli. Returns 0, or -1 after saying what
 * is wrong; exits at once for --help. */
static int parse_cli(int argc, char **argv, struct cli *cli)
{
	*cli = (struct cli){.sim = {.vm = DEFAULT_MACHINE}};
	int opt;
	while ((opt = getopt_long(argc, argv, "", OPTIONS, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			exit(EXIT_SUCCESS);
		}
		if (opt == 'r')
			cli->sim.refs = optarg;
		else if (opt == 'T')
			cli->sim.trace_path = optarg;
		else if (opt == 'v')
			cli->sim.verbose = stdout;
		else if (opt == 'j')
			cli->json = true;
		else if (opt == 'D')
			cli->dot = true;
		else if (opt == 'X')
			cli->strict = true;
		else if (parse_option(opt, optarg, cli) != 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "vmsim: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return check_cli(cli);
}

/* With --strict, says so and returns -1 if the run had segmentation
 * faults; returns 0 otherwise. */
static int strict_check(const struct cli *cli, const struct vm_stats *stats)
{
	if (!cli->strict || stats->segfaults == 0)
		return 0;
	fprintf(stderr,
		"vmsim: %llu references were segmentation faults "
		"(--strict)\n",
		(unsigned long long)stats->segfaults);
	return -1;
}

/* Prints the CSV row of one run of --sweep. Returns 0, or -1 if it failed. */
static int sweep_row(const struct cli *cli, size_t frames,
		     enum policy_kind kind)
{
	struct sim_options sim = cli->sim;
	sim.vm.frames = frames;
	sim.vm.policy = kind;
	struct vm_stats stats;
	if (sim_run(&sim, &stats) != 0)
		return -1;
	printf("%zu,%s,%llu\n", frames, policy_name(kind),
	       (unsigned long long)stats.faults);
	return strict_check(cli, &stats);
}

/* Prints the CSV of --sweep: every policy (or the one given) with every
 * number of frames. Returns 0, or -1 if a run failed. */
static int sweep(const struct cli *cli)
{
	printf("frames,policy,faults\n");
	for (size_t f = cli->sweep_min; f <= cli->sweep_max; f++) {
		for (int k = 0; k < POLICY_COUNT; k++) {
			enum policy_kind kind = (enum policy_kind)k;
			bool chosen =
				!cli->have_policy || kind == cli->sim.vm.policy;
			if (chosen && sweep_row(cli, f, kind) != 0)
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	harness_proof_begin();
	struct cli cli;
	if (parse_cli(argc, argv, &cli) != 0)
		return EXIT_USAGE;
	if (cli.sweep && sweep(&cli) != 0)
		return EXIT_FAILURE;
	if (cli.sweep) {
		harness_proof_done("vmsim", "sweep=%zu:%zu", cli.sweep_min,
				   cli.sweep_max);
		return EXIT_SUCCESS;
	}
	struct vm_stats stats;
	if (cli.dot)
		cli.sim.dot = stdout;
	if (sim_run(&cli.sim, &stats) != 0)
		return EXIT_FAILURE;
	const struct vm_config *vm = &cli.sim.vm;
	struct stats_run run = {
		.policy = policy_name(vm->policy),
		.frames = vm->frames,
		.page_size = vm->page_size,
		.tlb = vm->tlb_size > 0,
	};
	if (cli.json)
		stats_print_json(stdout, &stats, &run);
	else if (!cli.dot)
		stats_print_text(stdout, &stats, &run);
	if (strict_check(&cli, &stats) != 0)
		return EXIT_SEGFAULTS;
	harness_proof_done("vmsim", "refs=%" PRIu64 " faults=%" PRIu64,
			   stats.references, stats.faults);
	return EXIT_SUCCESS;
}
