/*
 * eat.c: the `eat` problem. A seed draws the costs of a memory reference
 * and the student computes the effective access time (EAT): the average
 * time of one reference.
 *
 *   hit   = tlb + memory                   the TLB has the translation
 *   miss  = tlb + levels x memory + memory  a walk reads one entry per level
 *   (a) EAT without faults = h x hit + (1 - h) x miss
 *   (b) EAT = (1 - p) x (a) + p x S = (a) + p x (S - (a))
 *       where p is the fault rate and S the time to service a fault (it
 *       includes the walk and the access retried after the fault).
 *   (c) the largest p for which (b) is at most X% above (a):
 *       p x (S - (a)) <= X% x (a).
 *
 * Every number is an integer: h is in percent, so (a) is exact in
 * hundredths of a nanosecond, and p is 1 in N references. The printed
 * digits are therefore the same on every machine.
 */
#include "eat.h"

#include "rng.h"
#include "text.h"

static const uint64_t NS_PER_MS = 1000000;

/* The values a seed chooses among; each list ends with 0. */
static const uint64_t TLB_NS[] = {1, 2, 0};
static const uint64_t MEMORY_NS[] = {50, 60, 80, 100, 120, 0};
static const uint64_t HIT_PERCENT[] = {90, 95, 96, 98, 99, 0};
static const uint64_t FAULT_EVERY[] = {100000, 200000,  250000,
				       500000, 1000000, 0};
static const uint64_t FAULT_MS[] = {2, 4, 5, 8, 10, 0};
static const uint64_t SLOWER_PERCENT[] = {5, 10, 20, 0};

/* Returns a random element of values, a list that ends with 0. */
static uint64_t pick(struct rng *r, const uint64_t *values)
{
	size_t n = 0;
	while (values[n] != 0)
		n++;
	return values[rng_below(r, n)];
}

/* Fills in *p: the problem that seed draws. (One draw per statement: the
 * order of the draws inside an initializer list is unspecified in C.) */
void eat_generate(struct eat_problem *p, uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed);
	*p = (struct eat_problem){.seed = seed};
	p->tlb_ns = pick(&r, TLB_NS);
	p->memory_ns = pick(&r, MEMORY_NS);
	p->levels = rng_range(&r, 2, 4);
	p->hit_percent = pick(&r, HIT_PERCENT);
	p->fault_every = pick(&r, FAULT_EVERY);
	p->fault_ms = pick(&r, FAULT_MS);
	p->slower_percent = pick(&r, SLOWER_PERCENT);
}

/* Returns n / d rounded to the nearest integer (halves up); d > 0. */
static uint64_t div_round(uint64_t n, uint64_t d)
{
	return (n + d / 2) / d;
}

/* Computes the answers to p in *a, with integers only. */
void eat_solve(const struct eat_problem *p, struct eat_answer *a)
{
	uint64_t h = p->hit_percent, n = p->fault_every;
	a->hit_ns = p->tlb_ns + p->memory_ns;
	a->miss_ns = p->tlb_ns + (p->levels + 1) * p->memory_ns;
	/* Percent times nanoseconds is hundredths of a nanosecond. */
	a->base_hundredths = h * a->hit_ns + (100 - h) * a->miss_ns;
	a->fault_ns = p->fault_ms * NS_PER_MS;
	uint64_t gap = 100 * a->fault_ns - a->base_hundredths; /* S - (a) */
	a->fault_hundredths = div_round(gap, n);
	a->eat_hundredths = a->base_hundredths + a->fault_hundredths;
	/* p <= X/100 x (a) / (S - (a)), so 1/p >= 100 x gap / (X x (a)). */
	uint64_t limit = p->slower_percent * a->base_hundredths;
	a->min_fault_every = (100 * gap + limit - 1) / limit;
}

/* Prints problem p: the machine's costs and the three questions. */
static void print_problem(FILE *out, const struct eat_problem *p)
{
	text_title(out, "Effective access time", "eat", p->seed);
	fprintf(out, "A machine has a TLB and a %llu-level page table:\n\n",
		(unsigned long long)p->levels);
	fprintf(out, "  TLB lookup            %llu ns (on every reference)\n",
		(unsigned long long)p->tlb_ns);
	fprintf(out,
		"  memory access         %llu ns (each page-table "
		"entry read is one)\n",
		(unsigned long long)p->memory_ns);
	fprintf(out, "  TLB hit rate          %llu%%\n",
		(unsigned long long)p->hit_percent);
	fprintf(out, "  page faults           1 in every ");
	text_count(out, p->fault_every);
	fprintf(out,
		" references\n  fault service time    %llu ms (all of "
		"a faulting reference's time)\n\n",
		(unsigned long long)p->fault_ms);
	fprintf(out, "On a TLB miss the MMU walks the table, one memory "
		     "access per level, then\nmakes the access itself.\n\n");
	fprintf(out,
		"(a) What is the effective access time (EAT), "
		"ignoring page faults?\n(b) What is the EAT with page "
		"faults?\n(c) What fault rate, at most, keeps the EAT within "
		"%llu%% of (a)? Answer as\n    \"1 fault in every N "
		"references\".\n",
		(unsigned long long)p->slower_percent);
}

/* Prints the steps of (a). */
static void print_base(FILE *out, const struct eat_problem *p,
		       const struct eat_answer *a)
{
	unsigned long long h = p->hit_percent, m = p->memory_ns;
	fprintf(out, "(a) TLB hit:  %llu + %llu = %llu ns\n",
		(unsigned long long)p->tlb_ns, m,
		(unsigned long long)a->hit_ns);
	fprintf(out, "    TLB miss: %llu + %llu x %llu + %llu = %llu ns\n",
		(unsigned long long)p->tlb_ns, (unsigned long long)p->levels, m,
		m, (unsigned long long)a->miss_ns);
	fprintf(out, "    EAT = 0.%02llu x %llu + 0.%02llu x %llu = ", h,
		(unsigned long long)a->hit_ns, 100 - h,
		(unsigned long long)a->miss_ns);
	text_hundredths(out, h * a->hit_ns);
	fprintf(out, " + ");
	text_hundredths(out, (100 - h) * a->miss_ns);
	fprintf(out, " = ");
	text_hundredths(out, a->base_hundredths);
	fprintf(out, " ns\n\n");
}

/* Prints the steps of (b). */
static void print_faults(FILE *out, const struct eat_problem *p,
			 const struct eat_answer *a)
{
	fprintf(out, "(b) p = 1/");
	text_count(out, p->fault_every);
	fprintf(out, ", S = %llu ms = ", (unsigned long long)p->fault_ms);
	text_count(out, a->fault_ns);
	fprintf(out, " ns\n    EAT = (1 - p) x (a) + p x S = (a) + p x "
		     "(S - (a))\n        = ");
	text_hundredths(out, a->base_hundredths);
	fprintf(out, " + (");
	text_count(out, a->fault_ns);
	fprintf(out, " - ");
	text_hundredths(out, a->base_hundredths);
	fprintf(out, ") / ");
	text_count(out, p->fault_every);
	fprintf(out, "\n        = ");
	text_hundredths(out, a->base_hundredths);
	fprintf(out, " + ");
	text_hundredths(out, a->fault_hundredths);
	fprintf(out, " = ");
	text_hundredths(out, a->eat_hundredths);
	fprintf(out, " ns, or ");
	text_hundredths(out, div_round(a->eat_hundredths, p->memory_ns));
	fprintf(out, " times one memory access\n\n");
}

/* Prints the steps of (c). */
static void print_limit(FILE *out, const struct eat_problem *p,
			const struct eat_answer *a)
{
	unsigned long long x = p->slower_percent;
	fprintf(out, "(c) p x (S - (a)) <= %llu%% x (a)\n    p <= 0.%02llu x ",
		x, x);
	text_hundredths(out, a->base_hundredths);
	fprintf(out, " / (");
	text_count(out, a->fault_ns);
	fprintf(out, " - ");
	text_hundredths(out, a->base_hundredths);
	fprintf(out, ") = ");
	text_hundredths(out, (x * a->base_hundredths + 50) / 100);
	fprintf(out, " / ");
	text_hundredths(out, 100 * a->fault_ns - a->base_hundredths);
	fprintf(out, "\n    so at most 1 fault in every ");
	text_count(out, a->min_fault_every);
	fprintf(out, " references (1/p rounded up)\n");
}

/* Prints problem p to out and, if answers, the answers step by step. */
void eat_print(FILE *out, const struct eat_problem *p, bool answers)
{
	struct eat_answer a;
	print_problem(out, p);
	if (!answers)
		return;
	eat_solve(p, &a);
	text_answers(out);
	print_base(out, p, &a);
	print_faults(out, p, &a);
	print_limit(out, p, &a);
}

/*
 * Prints the problem that seed draws to out and, if answers, its answers.
 * Returns 0 (it cannot fail).
 */
int eat_run(FILE *out, uint64_t seed, bool answers)
{
	struct eat_problem p;
	eat_generate(&p, seed);
	eat_print(out, &p, answers);
	return 0;
}
