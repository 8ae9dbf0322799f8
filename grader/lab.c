/*
 * lab.c: grades one lab of one submission. See lab.h.
 *
 *   1. Read the rubric from the grader's official copy of the lab.
 *   2. Copy that official copy to a scratch folder, then the editable files
 *      from the submission over it: nothing else of the submission is read.
 *   3. Build it with make, without -Werror (warnings are shown, not marked).
 *   4. Run each check of stages A..B (1..N), each by its kind (check.h). The
 *      lab's folder is read-only to them, so that no check can change the
 *      programs the next one runs; a check that needs a folder of its own
 *      gets one, next to the lab's. A check that saw the lab's code hang
 *      before any test began (outcome.stalled) stops the rest: they fail at
 *      once with that reason, since each would hang too.
 */
#include "lab.h"
#include "proc.h"
#include "sandbox.h"
#include "screen.h"
#include "text.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum {
	BUILD_SECONDS = 300,
	BUILD_JOBS_MAX = 4,
	EDITABLE_FILE_CAP = 4 * 1024 * 1024,
	PATH_CAP = 4096,
	COMMAND_CAP = 8192,
	KINDS_MAX = 8, /* kinds one rubric uses */
};

/* Runs a command quietly; returns true if it exited with status 0. */
static bool run_quiet(const char *command, int seconds)
{
	struct proc_limits lim = {.seconds = seconds};
	struct proc_result res;
	bool ok = proc_run(command, &lim, &res) == 0 && proc_succeeded(&res);
	proc_result_free(&res);
	return ok;
}

/*
 * Opens path (relative to the submission's lab folder dirfd) for reading,
 * following no symbolic link on the way: a submission whose file is a link
 * to the solutions, or to anything else of the grader's machine, must not
 * get it graded or shown. Returns a descriptor, or -1.
 */
static int open_in_submission(int dirfd, const char *path)
{
	/* Linux 5.6 and later resolve the whole path beneath dirfd in one
	 * call, refusing links and ".." out of it */
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	long beneath = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	if (beneath >= 0 || errno != ENOSYS)
		return (int)beneath;
	/* an older kernel: one component at a time, none of them a link */
	char part[PATH_CAP];
	int fd = dup(dirfd);
	while (fd >= 0) {
		size_t len = strcspn(path, "/");
		if (len == 0 || len >= sizeof part) {
			close(fd);
			return -1;
		}
		memcpy(part, path, len);
		part[len] = '\0';
		bool last = path[len] == '\0';
		int flags = O_NOFOLLOW | O_CLOEXEC |
			    (last ? O_RDONLY | O_NONBLOCK : O_DIRECTORY);
		int next = openat(fd, part, flags);
		close(fd);
		fd = next;
		if (last)
			return fd;
		path += len + 1;
	}
	return -1;
}

/*
 * Copies one editable file (path, inside the lab) from the submission's lab
 * folder (dirfd, named from) into the scratch lab folder dir: a regular
 * file, not through a link, at most EDITABLE_FILE_CAP bytes. Returns 0, or
 * -1 with the reason in res->problem.
 */
static int take_editable(int dirfd, const char *from, const char *path,
			 const char *dir, struct lab_result *res)
{
	int in = dirfd < 0 ? -1 : open_in_submission(dirfd, path);
	struct stat st;
	if (in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(res->problem, sizeof res->problem,
			 "%s/%s is missing or not a regular file (a symbolic "
			 "link is not taken)",
			 from, path);
		if (in >= 0)
			close(in);
		return -1;
	}
	if (st.st_size > EDITABLE_FILE_CAP) {
		snprintf(res->problem, sizeof res->problem,
			 "%s/%s is larger than %d MiB", from, path,
			 EDITABLE_FILE_CAP / (1024 * 1024));
		close(in);
		return -1;
	}
	char to[PATH_CAP], buf[1 << 16];
	snprintf(to, sizeof to, "%s/%s", dir, path);
	unlink(to); /* the official stub: replaced, never written through */
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		       0644);
	bool ok = out >= 0;
	ssize_t n = 0;
	while (ok && (n = read(in, buf, sizeof buf)) > 0)
		ok = write(out, buf, (size_t)n) == n;
	ok = ok && n == 0;
	close(in);
	if (out >= 0 && close(out) != 0)
		ok = false;
	if (!ok) {
		snprintf(res->problem, sizeof res->problem,
			 "grader error: cannot copy %s/%s: %s", from, path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* Jobs for make: the machine's cores, at most BUILD_JOBS_MAX (a lab has a
 * few dozen files; more jobs only crowd a class graded JOBS at a time). */
static int build_jobs(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores < 1                ? 1
	       : cores > BUILD_JOBS_MAX ? BUILD_JOBS_MAX
					: (int)cores;
}

/* Steps 2 and 3: the scratch copy and its build. Returns 0 if it built. */
static int prepare_lab(const char *lab, const struct grade_options *opt,
		       const char *dir, struct lab_result *res)
{
	char q1[PATH_CAP], q2[PATH_CAP], cmd[COMMAND_CAP], path[PATH_CAP];
	snprintf(path, sizeof path, "%s/grader/official/%s", opt->root, lab);
	/* -p: the official build keeps its times, older than the student's
	 * files, so make compiles only those again */
	snprintf(cmd, sizeof cmd, "cp -Rp %s %s",
		 proc_quote(path, q1, sizeof q1),
		 proc_quote(dir, q2, sizeof q2));
	if (!run_quiet(cmd, 60)) {
		snprintf(res->problem, sizeof res->problem,
			 "grader error: cannot copy %s", path);
		return -1;
	}
	char from[PATH_CAP];
	snprintf(from, sizeof from, "%s/%s", opt->submission, lab);
	int dirfd = open(from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int rc = 0;
	for (size_t i = 0; i < res->rubric.nfiles && rc == 0; i++)
		rc = take_editable(dirfd, from, res->rubric.files[i], dir, res);
	if (dirfd >= 0)
		close(dirfd);
	if (rc != 0)
		return -1;
	snprintf(cmd, sizeof cmd, "make -j%d TOP=%s WERROR= SANITIZE= 2>&1",
		 build_jobs(), proc_quote(opt->root, q1, sizeof q1));
	struct proc_limits lim = {
		.seconds = BUILD_SECONDS, .dir = dir, .limit_memory = true};
	struct sandbox_binds binds = {.dir_writable = true};
	struct proc_result build;
	rc = sandbox_run(opt->sandbox, cmd, &lim, &binds, &build);
	const char *output = build.output ? build.output : "";
	text_grep(output, "warning:", res->warnings, sizeof res->warnings);
	if (rc != 0 || !proc_succeeded(&build)) {
		char errors[OUTCOME_MESSAGE_CAP - 200], how[128];
		text_grep(output, "error", errors, sizeof errors);
		if (errors[0] == '\0')
			text_tail(output, 12, errors, sizeof errors);
		proc_describe(&build, BUILD_SECONDS, how, sizeof how);
		snprintf(res->problem, sizeof res->problem,
			 "the lab does not compile (make: %s):\n%s", how,
			 errors);
		rc = -1;
	}
	proc_result_free(&build);
	char why[OUTCOME_MESSAGE_CAP - 100];
	if (rc == 0 && screen_objects(opt->sandbox, dir, &res->rubric, why,
				      sizeof why) != 0) {
		snprintf(res->problem, sizeof res->problem,
			 "refused before running anything: %s", why);
		rc = -1;
	}
	return rc;
}

static void finish_outcome(struct outcome *o)
{
	text_clean(o->message, sizeof o->message);
	o->max_score = o->status == STATUS_SKIPPED ? 0 : o->check->points;
	o->score = o->status == STATUS_PASSED ? o->check->points : 0;
}

/* The states the kinds keep across one lab's checks. */
struct kind_states {
	const struct check_kind *kinds[KINDS_MAX];
	void *states[KINDS_MAX];
	size_t n;
};

/* The state kind keeps in ks (a new, empty one at its first check). */
static void **state_of(struct kind_states *ks, const struct check_kind *kind)
{
	size_t i = 0;
	while (i < ks->n && ks->kinds[i] != kind)
		i++;
	if (i == ks->n && ks->n < KINDS_MAX)
		ks->kinds[ks->n++] = kind;
	return &ks->states[i < KINDS_MAX ? i : KINDS_MAX - 1];
}

static void forget_states(struct kind_states *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		if (ks->kinds[i]->forget != NULL && ks->states[i] != NULL)
			ks->kinds[i]->forget(ks->states[i]);
}

/* Grades check c (number i of the rubric) of a built lab into o. */
static void grade_check(const struct check *c, size_t i, struct check_env *env,
			struct kind_states *ks, struct outcome *o)
{
	if (proc_seconds_left() == 0) {
		o->status = STATUS_TIMEOUT;
		snprintf(o->message, sizeof o->message,
			 "not run: the lab's checks used up their time budget "
			 "(see the checks above that timed out)");
		return;
	}
	/* a folder of the check's own, for what it leaves */
	char own[PATH_CAP];
	snprintf(own, sizeof own, "%s.check%zu", env->dir, i);
	if (mkdir(own, 0700) != 0) {
		snprintf(o->message, sizeof o->message,
			 "grader error: cannot make %s: %s", own,
			 strerror(errno));
		return;
	}
	env->own = own;
	c->kind->grade(c, env, state_of(ks, c->kind), o);
	env->own = NULL;
}

/* grade_check, timed into o->seconds. */
static void timed_check(const struct check *c, size_t i, struct check_env *env,
			struct kind_states *ks, struct outcome *o)
{
	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	grade_check(c, i, env, ks, o);
	clock_gettime(CLOCK_MONOTONIC, &end);
	o->seconds = (double)(end.tv_sec - start.tv_sec) +
		     (double)(end.tv_nsec - start.tv_nsec) / 1e9;
}

/*
 * The early stop: check c saw the lab's code hang before any test began
 * (in mm_init, say). Every check of the lab runs that code, so each would
 * wait out its own limit; writes into stop why they are not run instead.
 */
static void note_stall(const struct check *c, char *stop, size_t cap)
{
	snprintf(stop, cap,
		 "not run: the lab's code hung before its first test began "
		 "(stage %d, %s); every check of this lab runs that code, so "
		 "each would wait out its time limit: fix that first",
		 c->stage, c->name);
}

/*
 * The other stop: the lab's checks have timed out for half its budget in
 * all (code that hangs in every test body, say). The rest would most
 * likely wait out their limits too, so they are not run; the budget stays
 * for code that is slow rather than stuck, and a slow machine, where
 * checks finish late but do finish, is never stopped by this.
 */
static void note_hangs(double hung, char *stop, size_t cap)
{
	snprintf(stop, cap,
		 "not run: this lab's checks above have timed out for %.0f s "
		 "in all, half its time budget; its code seems to hang, so "
		 "the rest would wait out their limits too: fix that first",
		 hung);
}

/* Step 4: every check of the graded stages. */
static void run_checks(const char *lab, const struct grade_options *opt,
		       const char *dir, bool built, struct lab_result *res)
{
	char official[PATH_CAP];
	snprintf(official, sizeof official, "%s/grader/official/%s", opt->root,
		 lab);
	struct check_env env = {.sandbox = opt->sandbox,
				.dir = dir,
				.official = official,
				.seconds = opt->timeout > 0
						   ? opt->timeout
						   : res->rubric.timeout};
	struct kind_states ks = {0};
	char stop[OUTCOME_MESSAGE_CAP] = ""; /* why the rest are not run */
	double hung = 0; /* seconds of checks that timed out */
	for (size_t i = 0; i < res->rubric.nchecks; i++) {
		const struct check *c = &res->rubric.checks[i];
		if (c->stage < res->min_stage || c->stage > res->max_stage)
			continue;
		struct outcome *o = &res->outcomes[res->noutcomes++];
		*o = (struct outcome){.check = c, .status = STATUS_FAILED};
		char how[OUTCOME_RERUN_CAP / 2];
		c->kind->rerun(c, how, sizeof how);
		snprintf(o->rerun, sizeof o->rerun, "cd %s/%s && make && %s",
			 opt->submission, lab, how);
		if (!built)
			snprintf(o->message, sizeof o->message, "%s",
				 res->problem);
		else if (stop[0] != '\0')
			snprintf(o->message, sizeof o->message, "%s", stop);
		else
			timed_check(c, i, &env, &ks, o);
		if (o->stalled && stop[0] == '\0')
			note_stall(c, stop, sizeof stop);
		if (o->status == STATUS_TIMEOUT)
			hung += o->seconds;
		if (2 * hung >= res->rubric.budget && stop[0] == '\0')
			note_hangs(hung, stop, sizeof stop);
		finish_outcome(o);
		if (opt->fail_fast && o->score < o->max_score &&
		    stop[0] == '\0')
			snprintf(stop, sizeof stop,
				 "not run: --fail-fast stopped at the first "
				 "check that lost points");
		res->score += o->score;
		res->max_score += o->max_score;
	}
	forget_states(&ks);
}

bool lab_load(const char *lab, const struct grade_options *opt,
	      struct lab_result *res)
{
	*res = (struct lab_result){0};
	snprintf(res->name, sizeof res->name, "%s", lab);
	char rubric_path[PATH_CAP];
	snprintf(rubric_path, sizeof rubric_path,
		 "%s/grader/official/%s/rubric", opt->root, lab);
	if (rubric_load(&res->rubric, rubric_path, res->problem,
			sizeof res->problem) != 0)
		return false;
	res->rubric_ok = true;
	res->max_stage = opt->stage > 0 && opt->stage < res->rubric.nstages
				 ? opt->stage
				 : res->rubric.nstages;
	res->min_stage = opt->first_stage > 0 ? opt->first_stage : 1;
	return true;
}

void lab_run(const struct grade_options *opt, struct lab_result *res)
{
	if (!res->rubric_ok)
		return;
	char dir[PATH_CAP];
	snprintf(dir, sizeof dir, "%s/%s", opt->scratch, res->name);
	/* the build and the checks share one budget: code that hangs
	 * everywhere costs one budget, not one time limit per check */
	proc_set_deadline(res->rubric.budget);
	bool built = prepare_lab(res->name, opt, dir, res) == 0;
	text_clean(res->problem, sizeof res->problem);
	text_clean(res->warnings, sizeof res->warnings);
	run_checks(res->name, opt, dir, built, res);
	proc_set_deadline(0);
}

void lab_fail(const struct grade_options *opt, const char *why,
	      struct lab_result *res)
{
	if (!res->rubric_ok)
		return;
	res->noutcomes = 0;
	res->score = res->max_score = 0;
	snprintf(res->problem, sizeof res->problem, "%s", why);
	run_checks(res->name, opt, "", false, res);
}

void lab_grade(const char *lab, const struct grade_options *opt,
	       struct lab_result *res)
{
	if (lab_load(lab, opt, res))
		lab_run(opt, res);
}

void lab_result_free(struct lab_result *res)
{
	rubric_free(&res->rubric);
}
