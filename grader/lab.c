/*
 * lab.c: grades one lab of one submission. See lab.h.
 *
 *   1. Read the rubric from the grader's official copy of the lab.
 *   2. Copy that official copy to a scratch folder, then the editable files
 *      from the submission over it: nothing else of the submission is read.
 *   3. Build it with make, without -Werror (warnings are shown, not marked).
 *   4. Run each check of stages 1..N: Criterion tests through the harness's
 *      report file, commands by exit status, Valgrind by its own logs. In
 *      the sandbox the lab's folder is read-only from here on, so that no
 *      check can change the programs the next one runs; the report and the
 *      logs go to a folder of the check's own, next to the lab's.
 */
#include "lab.h"
#include "proc.h"
#include "screen.h"
#include "tests.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum {
	BUILD_SECONDS = 300,
	EDITABLE_FILE_CAP = 4 * 1024 * 1024,
	PATH_CAP = 4096,
	COMMAND_CAP = 8192,
	EXIT_SKIP = 77, /* a `run` check's way of saying "skipped" */
	VALGRIND_SLOWDOWN = 5,
	VALGRIND_LOGS_MAX = 256, /* logs read per check: one per process */
};

static const char VALGRIND_BASE[] =
	"valgrind --trace-children=yes --leak-check=full "
	"--show-leak-kinds=definite --errors-for-leak-kinds=definite "
	"--num-callers=12";

const char *status_name(enum status s)
{
	static const char *const names[] = {
		[STATUS_PASSED] = "passed",   [STATUS_FAILED] = "failed",
		[STATUS_CRASHED] = "crashed", [STATUS_TIMEOUT] = "timeout",
		[STATUS_SKIPPED] = "skipped",
	};
	return names[s];
}

/* Copies the last few lines of text (at most cap bytes) into out. */
static void tail_lines(const char *text, int lines, char *out, size_t cap)
{
	size_t len = strlen(text);
	while (len > 0 && text[len - 1] == '\n')
		len--;
	size_t start = len;
	while (start > 0 && lines > 0) {
		start--;
		if (text[start] == '\n')
			lines--;
	}
	if (text[start] == '\n')
		start++;
	if (len - start >= cap)
		start = len - (cap - 1);
	snprintf(out, cap, "%.*s", (int)(len - start), text + start);
}

/* Returns true if text holds line as a whole line. */
static bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);
	for (const char *at = strstr(text, line); at != NULL;
	     at = strstr(at + 1, line))
		if ((at == text || at[-1] == '\n') && at[len] == '\n')
			return true;
	return false;
}

/* Copies the lines of text that contain needle (at most cap bytes). */
static void grep_lines(const char *text, const char *needle, char *out,
		       size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (const char *line = text; *line != '\0' && n + 1 < cap;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char copy[1024];
		snprintf(copy, sizeof copy, "%.*s", (int)len, line);
		/* once each: a file built twice (mm.o, mm.pic.o) warns twice */
		if (strstr(copy, needle) != NULL && !has_line(out, copy))
			n += (size_t)snprintf(out + n, cap - n, "%s\n", copy);
		line += len + (end != NULL);
	}
	if (n >= cap)
		out[cap - 1] = '\0';
}

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

/* Steps 2 and 3: the scratch copy and its build. Returns 0 if it built. */
static int prepare_lab(const char *lab, const struct grade_options *opt,
		       const char *dir, struct lab_result *res)
{
	char q1[PATH_CAP], q2[PATH_CAP], cmd[COMMAND_CAP], path[PATH_CAP];
	snprintf(path, sizeof path, "%s/grader/official/%s", opt->root, lab);
	snprintf(cmd, sizeof cmd, "cp -R %s %s",
		 proc_quote(path, q1, sizeof q1), proc_quote(dir, q2, sizeof q2));
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
	snprintf(cmd, sizeof cmd, "make TOP=%s WERROR= SANITIZE= 2>&1",
		 proc_quote(opt->root, q1, sizeof q1));
	struct proc_limits lim = {.seconds = BUILD_SECONDS, .dir = dir,
				  .limit_memory = true, .sandboxed = true};
	struct proc_result build;
	rc = proc_run(cmd, &lim, &build);
	grep_lines(build.output, "warning:", res->warnings,
		   sizeof res->warnings);
	if (rc != 0 || !proc_succeeded(&build)) {
		char errors[OUTCOME_MESSAGE_CAP - 200], how[128];
		grep_lines(build.output, "error", errors, sizeof errors);
		if (errors[0] == '\0')
			tail_lines(build.output, 12, errors, sizeof errors);
		proc_describe(&build, BUILD_SECONDS, how, sizeof how);
		snprintf(res->problem, sizeof res->problem,
			 "the lab does not compile (make: %s):\n%s", how, errors);
		rc = -1;
	}
	proc_result_free(&build);
	char why[OUTCOME_MESSAGE_CAP - 100];
	if (rc == 0 && screen_objects(dir, &res->rubric, why, sizeof why) != 0) {
		snprintf(res->problem, sizeof res->problem,
			 "refused before running anything: %s", why);
		rc = -1;
	}
	return rc;
}

/* Fills the outcome of a `run` check. */
static void grade_run(const struct check *c, const char *dir, int seconds,
		      struct outcome *out)
{
	struct proc_limits lim = {.seconds = seconds, .dir = dir,
				  .limit_memory = true, .sandboxed = true,
				  .dir_read_only = true};
	struct proc_result res;
	proc_run(c->command, &lim, &res);
	char tail[OUTCOME_MESSAGE_CAP - 200], how[128];
	int lines = res.exited && res.exit_code == EXIT_SKIP ? 1
		    : res.flooded				   ? 2
								   : 8;
	tail_lines(res.output, lines, tail, sizeof tail);
	proc_describe(&res, seconds, how, sizeof how);
	if (proc_succeeded(&res)) {
		out->status = STATUS_PASSED;
	} else if (res.exited && res.exit_code == EXIT_SKIP && c->may_skip) {
		out->status = STATUS_SKIPPED;
		snprintf(out->message, sizeof out->message, "%s", tail);
	} else {
		out->status = res.timed_out ? STATUS_TIMEOUT
			      : res.signal  ? STATUS_CRASHED
					    : STATUS_FAILED;
		snprintf(out->message, sizeof out->message, "%s; it printed:\n%s",
			 how, tail);
	}
	proc_result_free(&res);
}

/*
 * Reads every vg.*.log in logdir: adds up the error counts and keeps the
 * first error's description. Returns the number of logs with a summary.
 */
static int read_valgrind_logs(const char *logdir, long *errors, char *first,
			      size_t cap)
{
	DIR *d = opendir(logdir);
	int summaries = 0, logs = 0;
	*errors = 0;
	first[0] = '\0';
	for (struct dirent *e; d != NULL && logs < VALGRIND_LOGS_MAX &&
			       (e = readdir(d)) != NULL;) {
		if (strncmp(e->d_name, "vg.", 3) != 0)
			continue;
		char path[PATH_CAP], line[1024];
		snprintf(path, sizeof path, "%s/%s", logdir, e->d_name);
		FILE *f = proc_open_output(path);
		logs++;
		bool in_error = false;
		for (int n = 0; f != NULL && fgets(line, sizeof line, f) &&
				n < 100000; n++) {
			const char *body = strstr(line, "== ");
			body = body ? body + 3 : line;
			long count;
			if (sscanf(body, "ERROR SUMMARY: %ld", &count) == 1) {
				*errors += count;
				summaries++;
			} else if (first[0] == '\0' || in_error) {
				/* an error report starts with an unindented line
				 * after the preamble, and runs to a blank line */
				bool blank = body[0] == '\n';
				if (!in_error && !blank && body[0] != ' ' &&
				    (strstr(body, "Invalid") ||
				     strstr(body, "uninitialised") ||
				     strstr(body, "definitely lost") ||
				     strstr(body, "Mismatched") ||
				     strstr(body, "overlap")))
					in_error = true;
				if (in_error && blank)
					in_error = false;
				else if (in_error)
					strncat(first, body, cap - strlen(first) - 1);
			}
		}
		if (f != NULL)
			fclose(f);
	}
	if (d != NULL)
		closedir(d);
	return summaries;
}

/* Fills the outcome of a `valgrind` check; its logs go to logdir. */
static void grade_valgrind(const struct check *c, const char *dir,
			   const char *logdir, int seconds, struct outcome *out)
{
	char cmd[COMMAND_CAP];
	char logfile[PATH_CAP + 16], quoted[2 * PATH_CAP];
	snprintf(logfile, sizeof logfile, "%s/vg.%%p.log", logdir);
	snprintf(cmd, sizeof cmd, "%s --log-file=%s %s %s", VALGRIND_BASE,
		 proc_quote(logfile, quoted, sizeof quoted),
		 c->vg_opts ? c->vg_opts : "", c->command);
	int limit = seconds * VALGRIND_SLOWDOWN;
	struct proc_limits lim = {.seconds = limit, .dir = dir,
				  .sandboxed = true, .dir_read_only = true,
				  .writable = logdir};
	struct proc_result res;
	proc_run(cmd, &lim, &res);
	long errors;
	char first[OUTCOME_MESSAGE_CAP / 2], how[128];
	int summaries = read_valgrind_logs(logdir, &errors, first, sizeof first);
	proc_describe(&res, limit, how, sizeof how);
	if (proc_succeeded(&res) && summaries > 0 && errors == 0) {
		out->status = STATUS_PASSED;
	} else if (summaries > 0 && errors > 0) {
		out->status = STATUS_FAILED;
		snprintf(out->message, sizeof out->message,
			 "memcheck found %ld error(s); the first:\n%s", errors,
			 first);
	} else {
		char tail[OUTCOME_MESSAGE_CAP / 2];
		tail_lines(res.output, 8, tail, sizeof tail);
		out->status = res.timed_out ? STATUS_TIMEOUT : STATUS_FAILED;
		snprintf(out->message, sizeof out->message,
			 "under valgrind: %s; it printed:\n%s", how, tail);
	}
	proc_result_free(&res);
}

/* The command a student types to rerun one check by hand. */
static void make_rerun(const struct check *c, const char *lab,
		       const char *submission, char *buf, size_t cap)
{
	char q[PATH_CAP];
	switch (c->kind) {
	case CHECK_TEST:
		snprintf(buf, cap, "cd %s/%s && make && ./run-tests --filter %s",
			 submission, lab, proc_quote(c->name, q, sizeof q));
		break;
	case CHECK_RUN:
		snprintf(buf, cap, "cd %s/%s && make && %s", submission, lab,
			 c->command);
		break;
	case CHECK_VALGRIND:
		snprintf(buf, cap,
			 "cd %s/%s && make && valgrind --leak-check=full %s %s",
			 submission, lab, c->vg_opts ? c->vg_opts : "",
			 c->command);
		break;
	}
}

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0 if invalid. */
static size_t utf8_length(const unsigned char *p)
{
	size_t n = p[0] < 0x80		 ? 1
		   : (p[0] & 0xe0) == 0xc0 ? 2
		   : (p[0] & 0xf0) == 0xe0 ? 3
		   : (p[0] & 0xf8) == 0xf0 ? 4
					   : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	bool overlong = (n == 2 && p[0] < 0xc2) ||
			(n == 3 && p[0] == 0xe0 && p[1] < 0xa0) ||
			(n == 4 && p[0] == 0xf0 && p[1] < 0x90);
	bool surrogate = n == 3 && p[0] == 0xed && p[1] >= 0xa0;
	bool too_big = n == 4 && (p[0] > 0xf4 || (p[0] == 0xf4 && p[1] >= 0x90));
	return overlong || surrogate || too_big ? 0 : n;
}

/*
 * Makes text (of size cap) safe to print and to put in JSON: valid UTF-8,
 * every control character but newline written as \xNN, so that nothing a
 * check printed can move the TA's cursor or change their terminal, and a
 * byte that is not UTF-8 also as \xNN. Cut short to fit, never mid-way.
 */
void lab_clean_text(char *text, size_t cap)
{
	char *copy = strdup(text);
	if (copy == NULL)
		return;
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)copy;
	while (*p != '\0') {
		size_t len = utf8_length(p);
		bool control = len == 1 && (*p < 0x20 || *p == 0x7f) && *p != '\n';
		if (len == 0 || control) {
			if (n + 5 > cap)
				break;
			n += (size_t)snprintf(text + n, cap - n, "\\x%02x", *p);
			p++;
			continue;
		}
		if (n + len + 1 > cap)
			break;
		memcpy(text + n, p, len);
		n += len;
		p += len;
	}
	text[n] = '\0';
	free(copy);
}

static void finish_outcome(struct outcome *o)
{
	lab_clean_text(o->message, sizeof o->message);
	o->max_score = o->status == STATUS_SKIPPED ? 0 : o->check->points;
	o->score = o->status == STATUS_PASSED ? o->check->points : 0;
}

/* Step 4: every check of the graded stages. */
static void run_checks(const char *lab, const struct grade_options *opt,
		       const char *dir, bool built, struct lab_result *res)
{
	int seconds = opt->timeout > 0 ? opt->timeout : res->rubric.timeout;
	struct test_list tests = {0};
	char official[PATH_CAP];
	snprintf(official, sizeof official, "%s/grader/official/%s", opt->root,
		 lab);
	/* the lab's checks share one budget: code that hangs everywhere costs
	 * one budget, not one time limit per check */
	proc_set_deadline(res->rubric.budget);
	bool listed = built && tests_list(dir, official, seconds, &tests) == 0;
	for (size_t i = 0; i < res->rubric.nchecks; i++) {
		const struct check *c = &res->rubric.checks[i];
		if (c->stage > res->max_stage)
			continue;
		struct outcome *o = &res->outcomes[res->noutcomes++];
		*o = (struct outcome){.check = c, .status = STATUS_FAILED};
		make_rerun(c, lab, opt->submission, o->rerun, sizeof o->rerun);
		if (built && proc_seconds_left() == 0) {
			o->status = STATUS_TIMEOUT;
			snprintf(o->message, sizeof o->message,
				 "not run: the lab's checks used up their time "
				 "budget of %d s (see the checks above that "
				 "timed out)",
				 res->rubric.budget);
			finish_outcome(o);
			res->max_score += o->max_score;
			continue;
		}
		/* a folder of the check's own for its report or logs */
		char own[PATH_CAP];
		snprintf(own, sizeof own, "%s.check%zu", dir, i);
		if (built && mkdir(own, 0700) != 0) {
			snprintf(o->message, sizeof o->message,
				 "grader error: cannot make %s: %s", own,
				 strerror(errno));
			finish_outcome(o);
			res->max_score += o->max_score;
			continue;
		}
		if (!built)
			snprintf(o->message, sizeof o->message, "%s",
				 res->problem);
		else if (c->kind == CHECK_TEST && !listed)
			tests_describe_list_failure(&tests, o);
		else if (c->kind == CHECK_TEST)
			tests_grade(c, dir, own, seconds, &tests, o);
		else if (c->kind == CHECK_RUN)
			grade_run(c, dir, seconds, o);
		else
			grade_valgrind(c, dir, own, seconds, o);
		finish_outcome(o);
		res->score += o->score;
		res->max_score += o->max_score;
	}
	proc_set_deadline(0);
	tests_free(&tests);
}

void lab_grade(const char *lab, const struct grade_options *opt,
	       struct lab_result *res)
{
	*res = (struct lab_result){0};
	snprintf(res->name, sizeof res->name, "%s", lab);
	char rubric_path[PATH_CAP], dir[PATH_CAP];
	snprintf(rubric_path, sizeof rubric_path, "%s/grader/official/%s/rubric",
		 opt->root, lab);
	if (rubric_load(&res->rubric, rubric_path, res->problem,
			sizeof res->problem) != 0)
		return;
	res->rubric_ok = true;
	res->max_stage = opt->stage > 0 && opt->stage < res->rubric.nstages
				 ? opt->stage
				 : res->rubric.nstages;
	snprintf(dir, sizeof dir, "%s/%s", opt->scratch, lab);
	bool built = prepare_lab(lab, opt, dir, res) == 0;
	lab_clean_text(res->problem, sizeof res->problem);
	lab_clean_text(res->warnings, sizeof res->warnings);
	run_checks(lab, opt, dir, built, res);
}

void lab_result_free(struct lab_result *res)
{
	rubric_free(&res->rubric);
}
