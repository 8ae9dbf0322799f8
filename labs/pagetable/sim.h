/*
 * sim.h: running a whole trace through a simulated machine.
 */
#ifndef SIM_H
#define SIM_H

#include <stdio.h>

#include "stats.h"
#include "trace.h"
#include "vm.h"

struct sim_options {
	struct vm_config vm;      /* the machine; sim_run() adds OPT's part */
	const char *trace_path;   /* the trace file, or NULL and: */
	const char *refs;         /* a refs trace given as text (--refs) */
	enum trace_format format; /* the trace file's format */
	FILE *verbose;            /* if not NULL, one line per reference */
	FILE *dot; /* if not NULL, the final page table as a dot graph */
};

int sim_run(const struct sim_options *opt, struct vm_stats *stats);

#endif
