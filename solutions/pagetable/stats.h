/*
 * stats.h: what a simulation counts, and how vmsim prints it.
 */
#ifndef STATS_H
#define STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Every reference is exactly one of a hit, a fault or a segfault. */
struct vm_stats {
	uint64_t references;   /* memory references simulated */
	uint64_t hits;         /* references whose page was present */
	uint64_t faults;       /* page faults served: minor + major */
	uint64_t minor_faults; /* faults served with a zeroed frame, no I/O */
	uint64_t major_faults; /* faults served by reading the page from swap */
	uint64_t segfaults;    /* references to no region, or forbidden */
	uint64_t evictions;    /* pages evicted to free a frame */
	uint64_t writebacks;   /* evicted dirty pages written to swap */
	uint64_t swap_ins;     /* pages read back from swap */
	uint64_t cow_faults;   /* minor faults that broke copy-on-write */
	uint64_t tlb_hits;     /* references the TLB translated */
	uint64_t tlb_misses;   /* references that walked the page table */
};

/* What a run was, for the JSON report. */
struct stats_run {
	const char *policy; /* the policy's name */
	size_t frames;
	size_t page_size;
	bool tlb; /* a TLB was simulated: report its counts */
};

double stats_tlb_hit_rate(const struct vm_stats *s);
void stats_print_text(FILE *out, const struct vm_stats *s,
		      const struct stats_run *run);
void stats_print_json(FILE *out, const struct vm_stats *s,
		      const struct stats_run *run);

#endif
