/*
 * cgroup.h: one control group for all the code of one submission, so that
 * its memory (the private /tmp included) and its number of processes are
 * capped whatever it forks, across every check. Linux's cgroups: version 2
 * where the grader may make a group with the memory and pids controllers,
 * else version 1's memory and pids hierarchies. Needs the right to write
 * there (root, or a delegated group); without it, grading goes on with the
 * per-process limits only, and says so.
 */
#ifndef CGROUP_H
#define CGROUP_H

#include <stddef.h>

enum { CGROUP_PROCS_MAX = 2 };

struct cgroup {
	char paths[CGROUP_PROCS_MAX][256]; /* the groups made, or "" */
	int procs[CGROUP_PROCS_MAX];       /* their cgroup.procs, open for
					    * writing; -1 for none */
};

/*
 * Makes the groups, named after this process, capped at memory_bytes and
 * processes (threads count). Returns 0, or -1 with the reason in why (and
 * no group made).
 */
int cgroup_open(struct cgroup *cg, long long memory_bytes, int processes,
		char *why, size_t cap);

/* Kills what is left in the groups and removes them. */
void cgroup_close(struct cgroup *cg);

#endif
