/*
 * cgroup.c: a capped control group for one submission. See cgroup.h.
 *
 * A process joins by writing "0" (itself) into the group's cgroup.procs;
 * proc.c does that in the child between fork and exec, through the
 * descriptors opened here, so that everything the check starts is inside
 * before any code of the submission runs.
 */
#define _GNU_SOURCE
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char ROOT[] = "/sys/fs/cgroup";

/* Writes text into dir/file; returns 0, or -1. */
static int write_file(const char *dir, const char *file, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t len = (ssize_t)strlen(text);
	int rc = write(fd, text, (size_t)len) == len ? 0 : -1;
	close(fd);
	return rc;
}

/*
 * Finds this process's group in the hierarchy that /proc/self/cgroup
 * lists as `controller` (v1: "N:memory:/PATH"; v2: "0::/PATH", controller
 * ""); puts its path into path. Returns 0, or -1.
 */
static int own_group(const char *controller, char *path, size_t cap)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[512];
	int rc = -1;
	while (f != NULL && rc != 0 && fgets(line, sizeof line, f)) {
		char *first = strchr(line, ':');
		char *second = first ? strchr(first + 1, ':') : NULL;
		if (second == NULL)
			continue;
		*second = '\0';
		char *group = second + 1;
		group[strcspn(group, "\n")] = '\0';
		if (strcmp(first + 1, controller) == 0) {
			snprintf(path, cap, "%s", group);
			rc = 0;
		}
	}
	if (f != NULL)
		fclose(f);
	return rc;
}

/* Makes group `name` under this process's own in hierarchy dir (of
 * controller), writes limit into file, opens its cgroup.procs into slot i. */
static int make_group(struct cgroup *cg, int i, const char *dir,
		      const char *controller, const char *file,
		      const char *limit)
{
	char own[256];
	if (own_group(controller, own, sizeof own) != 0)
		return -1;
	snprintf(cg->paths[i], sizeof cg->paths[i], "%s%s/grade.%d", dir,
		 strcmp(own, "/") == 0 ? "" : own, (int)getpid());
	if (mkdir(cg->paths[i], 0755) != 0 && errno != EEXIST) {
		cg->paths[i][0] = '\0';
		return -1;
	}
	char procs[300];
	snprintf(procs, sizeof procs, "%s/cgroup.procs", cg->paths[i]);
	cg->procs[i] = open(procs, O_WRONLY | O_CLOEXEC);
	if (write_file(cg->paths[i], file, limit) != 0 || cg->procs[i] < 0)
		return -1;
	return 0;
}

int cgroup_open(struct cgroup *cg, long long memory_bytes, int processes,
		char *why, size_t cap)
{
	*cg = (struct cgroup){.procs = {-1, -1}};
	char memory[32], pids[32];
	snprintf(memory, sizeof memory, "%lld", memory_bytes);
	snprintf(pids, sizeof pids, "%d", processes);
	/* version 2, where both controllers reach the grader's own group */
	char controllers[128] = "";
	char own[256], path[512];
	if (own_group("", own, sizeof own) == 0) {
		snprintf(path, sizeof path, "%s%s/cgroup.subtree_control", ROOT,
			 strcmp(own, "/") == 0 ? "" : own);
		FILE *f = fopen(path, "r");
		if (f != NULL &&
		    fgets(controllers, sizeof controllers, f) == NULL)
			controllers[0] = '\0';
		if (f != NULL)
			fclose(f);
	}
	bool v2 = strstr(controllers, "memory") && strstr(controllers, "pids");
	int rc;
	if (v2) {
		rc = make_group(cg, 0, ROOT, "", "memory.max", memory);
		rc |= rc == 0 ? write_file(cg->paths[0], "pids.max", pids) : -1;
	} else {
		snprintf(path, sizeof path, "%s/memory", ROOT);
		rc = make_group(cg, 0, path, "memory", "memory.limit_in_bytes",
				memory);
		snprintf(path, sizeof path, "%s/pids", ROOT);
		rc |= make_group(cg, 1, path, "pids", "pids.max", pids);
	}
	if (rc != 0) {
		snprintf(why, cap, "no cgroup to cap memory and processes (%s)",
			 v2 ? "version 2 group not writable"
			    : "version 1 memory and pids groups not writable");
		cgroup_close(cg);
		return -1;
	}
	return 0;
}

/* Kills every process listed in dir/cgroup.procs; returns how many. */
static int kill_members(const char *dir)
{
	char path[300];
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	FILE *f = fopen(path, "r");
	int pid, killed = 0;
	while (f != NULL && fscanf(f, "%d", &pid) == 1)
		killed += kill(pid, SIGKILL) == 0;
	if (f != NULL)
		fclose(f);
	return killed;
}

void cgroup_close(struct cgroup *cg)
{
	for (int i = 0; i < CGROUP_PROCS_MAX; i++) {
		if (cg->procs[i] >= 0)
			close(cg->procs[i]);
		cg->procs[i] = -1;
		if (cg->paths[i][0] == '\0')
			continue;
		/* a group can be removed only once empty */
		for (int round = 0; round < 50 && rmdir(cg->paths[i]) != 0;
		     round++) {
			kill_members(cg->paths[i]);
			usleep(20000);
		}
		cg->paths[i][0] = '\0';
	}
}
