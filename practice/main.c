/*
 * practice: practice problems on virtual memory and allocation, a fresh
 * one for every seed, with the answers on request. See usage() below.
 *
 * Exit status: 0 on success, 2 for a bad command line, 1 if a problem
 * could not be computed (memory ran out).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buddy.h"
#include "eat.h"
#include "freelist.h"
#include "replace.h"
#include "tlb_lru.h"
#include "translate.h"

enum { EXIT_USAGE = 2 };

/* One kind of problem: its name on the command line, what it practises,
 * and the function that prints a problem (and maybe its answers). */
struct kind {
	const char *name;
	const char *about;
	int (*run)(FILE *out, uint64_t seed, bool answers);
};

static const struct kind KINDS[] = {
	{"translate", "translate addresses through a multi-level page table",
	 translate_run},
	{"tlb", "hits and misses of a small LRU TLB", tlb_lru_run},
	{"replace", "FIFO, LRU, CLOCK and OPT by hand", replace_run},
	{"freelist", "malloc and free with first, next or best fit",
	 freelist_run},
	{"buddy", "a buddy allocator's splits and merges", buddy_run},
	{"eat", "effective access time with a TLB and page faults", eat_run},
};

static const size_t NKINDS = sizeof KINDS / sizeof KINDS[0];

/* Prints how to run practice, and the kinds of problem, to out. */
static void usage(FILE *out)
{
	fprintf(out, "usage: practice KIND [--seed N] [--answers]\n\n"
		     "  KIND        one of:\n");
	for (size_t k = 0; k < NKINDS; k++)
		fprintf(out, "    %-10s %s\n", KINDS[k].name, KINDS[k].about);
	fprintf(out, "  --seed N    which problem: a whole number (default "
		     "1); the same seed\n              gives the same problem "
		     "everywhere\n"
		     "  --answers   print the answers, worked, after the "
		     "problem\n");
}

/* Returns the kind called name, or NULL if there is none. */
static const struct kind *find_kind(const char *name)
{
	for (size_t k = 0; k < NKINDS; k++)
		if (strcmp(name, KINDS[k].name) == 0)
			return &KINDS[k];
	return NULL;
}

/* Parses arg as a seed. Returns 0, or -1 after saying what is wrong. */
static int parse_seed(const char *arg, uint64_t *seed)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	bool digits = arg[0] >= '0' && arg[0] <= '9';
	if (!digits || *end != '\0' || errno == ERANGE) {
		fprintf(stderr,
			"practice: --seed needs a whole number from 0 "
			"to %llu, not '%s'\n",
			(unsigned long long)UINT64_MAX, arg);
		return -1;
	}
	*seed = v;
	return 0;
}

/* What the command line asked for. */
struct cli {
	const struct kind *kind;
	uint64_t seed;
	bool answers;
};

static const struct option OPTIONS[] = {
	{"seed", required_argument, NULL, 's'},
	{"answers", no_argument, NULL, 'a'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Parses the options into *cli. Returns 0, or -1 after saying what is
 * wrong (getopt_long says it for an unknown option); exits for --help. */
static int parse_options(int argc, char **argv, struct cli *cli)
{
	int opt;
	while ((opt = getopt_long(argc, argv, "", OPTIONS, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		case 'a':
			cli->answers = true;
			break;
		case 's':
			if (parse_seed(optarg, &cli->seed) != 0)
				return -1;
			break;
		default:
			return -1; /* getopt_long has said what is wrong */
		}
	}
	return 0;
}

/* Parses the command line into *cli. Returns 0, or -1 after saying what
 * is wrong. */
static int parse_cli(int argc, char **argv, struct cli *cli)
{
	*cli = (struct cli){.seed = 1};
	if (parse_options(argc, argv, cli) != 0)
		return -1;
	if (optind == argc) {
		fprintf(stderr, "practice: which kind of problem?\n");
		return -1;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "practice: one kind at a time, not '%s' too\n",
			argv[optind + 1]);
		return -1;
	}
	cli->kind = find_kind(argv[optind]);
	if (cli->kind == NULL) {
		fprintf(stderr, "practice: unknown kind '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* Prints the problem asked for; see the exit statuses at the top. */
int main(int argc, char **argv)
{
	struct cli cli;
	if (parse_cli(argc, argv, &cli) != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cli.kind->run(stdout, cli.seed, cli.answers) != 0) {
		fprintf(stderr, "practice: out of memory\n");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
