/*
 * eat.h: the `eat` problem, the effective access time of memory with a
 * TLB, a multi-level page table and page faults.
 */
#ifndef EAT_H
#define EAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct eat_problem {
	uint64_t seed;
	uint64_t tlb_ns;         /* one TLB lookup */
	uint64_t memory_ns;      /* one memory access */
	uint64_t levels;         /* page-table levels: accesses per walk */
	uint64_t hit_percent;    /* the TLB hit rate, in percent */
	uint64_t fault_every;    /* one reference in fault_every faults */
	uint64_t fault_ms;       /* servicing a fault, in milliseconds */
	uint64_t slower_percent; /* (c): how much slower EAT may be */
};

/* The answers, each time in nanoseconds or, where named, hundredths. */
struct eat_answer {
	uint64_t hit_ns;           /* a TLB hit, no fault */
	uint64_t miss_ns;          /* a TLB miss, no fault */
	uint64_t base_hundredths;  /* (a): EAT without faults */
	uint64_t fault_ns;         /* the fault service time */
	uint64_t fault_hundredths; /* p x (fault time - base), rounded */
	uint64_t eat_hundredths;   /* (b): EAT with faults */
	uint64_t min_fault_every;  /* (c): at most 1 fault in this many */
};

void eat_generate(struct eat_problem *p, uint64_t seed);
void eat_solve(const struct eat_problem *p, struct eat_answer *a);
void eat_print(FILE *out, const struct eat_problem *p, bool answers);
int eat_run(FILE *out, uint64_t seed, bool answers);

#endif
