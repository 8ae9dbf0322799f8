/*
 * stats.c: printing a simulation's counts, as a table or as JSON.
 */
#include "stats.h"

#include <inttypes.h>

/* Returns the fraction of TLB lookups that hit, or 0 if there were none. */
double stats_tlb_hit_rate(const struct vm_stats *s)
{
	uint64_t lookups = s->tlb_hits + s->tlb_misses;
	return lookups == 0 ? 0.0 : (double)s->tlb_hits / (double)lookups;
}

/* Prints one "name  value" line of the table. */
static void print_row(FILE *out, const char *name, uint64_t value)
{
	fprintf(out, "%-14s %" PRIu64 "\n", name, value);
}

void stats_print_text(FILE *out, const struct vm_stats *s,
		      const struct stats_run *run)
{
	fprintf(out, "%-14s %s, %zu frames of %zu bytes\n", "policy",
		run->policy, run->frames, run->page_size);
	print_row(out, "references", s->references);
	print_row(out, "hits", s->hits);
	fprintf(out,
		"%-14s %" PRIu64 " (minor %" PRIu64 ", major %" PRIu64 ")\n",
		"faults", s->faults, s->minor_faults, s->major_faults);
	print_row(out, "evictions", s->evictions);
	print_row(out, "writebacks", s->writebacks);
	print_row(out, "swap-ins", s->swap_ins);
	print_row(out, "segfaults", s->segfaults);
	if (run->tlb)
		fprintf(out,
			"%-14s %" PRIu64 " hits, %" PRIu64
			" misses, hit rate %.2f%%\n",
			"tlb", s->tlb_hits, s->tlb_misses,
			100.0 * stats_tlb_hit_rate(s));
}

/* Prints `"name": value, ` for one counter of the JSON object. */
static void print_field(FILE *out, const char *name, uint64_t value)
{
	fprintf(out, "\"%s\": %" PRIu64 ", ", name, value);
}

/* Prints the counts as one JSON object on one line. */
void stats_print_json(FILE *out, const struct vm_stats *s,
		      const struct stats_run *run)
{
	fprintf(out, "{\"policy\": \"%s\", ", run->policy);
	print_field(out, "frames", run->frames);
	print_field(out, "page_size", run->page_size);
	print_field(out, "references", s->references);
	print_field(out, "hits", s->hits);
	print_field(out, "faults", s->faults);
	print_field(out, "minor_faults", s->minor_faults);
	print_field(out, "major_faults", s->major_faults);
	print_field(out, "evictions", s->evictions);
	print_field(out, "writebacks", s->writebacks);
	print_field(out, "swap_ins", s->swap_ins);
	print_field(out, "cow_faults", s->cow_faults);
	if (run->tlb) {
		print_field(out, "tlb_hits", s->tlb_hits);
		print_field(out, "tlb_misses", s->tlb_misses);
		fprintf(out, "\"tlb_hit_rate\": %.6f, ", stats_tlb_hit_rate(s));
	}
	fprintf(out, "\"segfaults\": %" PRIu64 "}\n", s->segfaults);
}
