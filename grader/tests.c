/*
 * tests.c: a lab's Criterion tests, run group by group. See tests.h.
 *
 * A rubric row names a glob of tests. The grader runs them in one process
 * of run-tests (--filter GLOB -j1) with GRADER_REPORT pointing at a fresh
 * report file, then reads, for each test the glob matches:
 *
 *     result SUITE/TEST STATUS SIGNAL ENDS  Criterion's verdict
 *     end SUITE/TEST                    the test body reached its end
 *     message SUITE/TEST TEXT           a failed assertion
 *
 * A test is passed only with both a "passed" result and an end record: a
 * test that calls exit(0) early looks passed to Criterion, but has no end.
 * (A test meant to die, declared with .signal or .exit_code, has ENDS 0
 * and needs no end record.)
 * A test with no result at all was cut short by a crash of the runner or by
 * the time limit.
 */
#include "tests.h"
#include "proc.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	REPORT_LINE_CAP = 4096,
	REPORT_LINES_MAX = 100000,
	TAIL_SHOWN = 600, /* bytes of a cut-short run's output shown */
};

static void list_add(struct test_list *list, const char *name)
{
	if (list->count == list->cap) {
		list->cap = list->cap ? 2 * list->cap : 32;
		list->names = realloc(list->names, list->cap * sizeof *list->names);
		if (list->names == NULL) {
			fprintf(stderr, "grader: out of memory\n");
			exit(3);
		}
	}
	list->names[list->count++] = strdup(name);
}

/* Parses `run-tests --list`: "suite: N tests" then "├── test" lines. */
static void parse_listing(const char *text, struct test_list *list)
{
	char suite[256] = "";
	for (const char *line = text; *line != '\0';) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[512];
		snprintf(buf, sizeof buf, "%.*s", (int)len, line);
		const char *branch = strstr(buf, "── ");
		char *colon = strstr(buf, ": ");
		if (branch != NULL && suite[0] != '\0') {
			char name[800];
			snprintf(name, sizeof name, "%s/%s", suite,
				 branch + strlen("── "));
			list_add(list, name);
		} else if (colon != NULL && strstr(colon, " test") != NULL) {
			*colon = '\0';
			snprintf(suite, sizeof suite, "%s", buf);
		}
		line += len + (end != NULL);
	}
}

/* Copies the C identifier at *p into out (of size cap); advances *p. */
static bool take_identifier(const char **p, char *out, size_t cap)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
	size_t n = 0;
	while ((isalnum((unsigned char)**p) || **p == '_') && n + 1 < cap)
		out[n++] = *(*p)++;
	out[n] = '\0';
	return n > 0;
}

/* Returns true if list holds name. */
static bool listed(const struct test_list *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->names[i], name) == 0)
			return true;
	return false;
}

/*
 * Checks that the list the test program printed holds every test that the
 * lab's official sources (the .c files in official/tests) declare with
 * Test(SUITE, NAME...): the program is built with the student's code,
 * which could print a list without its failing tests. Returns 0, or -1
 * with list->failure.
 */
static int check_against_sources(const char *official,
				 struct test_list *list)
{
	char path[4096], line[1024], suite[256], name[256], full[520];
	snprintf(path, sizeof path, "%s/tests", official);
	DIR *d = opendir(path);
	int rc = 0;
	for (struct dirent *e; rc == 0 && d != NULL && (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
			continue;
		snprintf(path, sizeof path, "%s/tests/%s", official, e->d_name);
		FILE *f = fopen(path, "r");
		while (rc == 0 && f != NULL && fgets(line, sizeof line, f)) {
			const char *p = line;
			if (strncmp(p, "Test(", 5) != 0)
				continue;
			p += 5;
			if (!take_identifier(&p, suite, sizeof suite) ||
			    *p++ != ',' || !take_identifier(&p, name, sizeof name))
				continue;
			snprintf(full, sizeof full, "%s/%s", suite, name);
			if (!listed(list, full)) {
				list->failure_status = STATUS_FAILED;
				snprintf(list->failure, sizeof list->failure,
					 "the test program's list lacks %s, a "
					 "test of the lab (tests/%s): was the "
					 "list tampered with?",
					 full, e->d_name);
				rc = -1;
			}
		}
		if (f != NULL)
			fclose(f);
	}
	if (d != NULL)
		closedir(d);
	return rc;
}

int tests_list(const char *dir, const char *official, int seconds,
	       struct test_list *list)
{
	struct proc_limits lim = {.seconds = seconds, .dir = dir,
				  .limit_memory = true, .sandboxed = true,
				  .dir_read_only = true};
	struct proc_result res;
	proc_run("./run-tests --list", &lim, &res);
	int rc = 0;
	if (proc_succeeded(&res)) {
		parse_listing(res.output, list);
		rc = check_against_sources(official, list);
	} else {
		char how[128];
		proc_describe(&res, seconds, how, sizeof how);
		list->failure_status = res.timed_out ? STATUS_TIMEOUT
				       : res.signal  ? STATUS_CRASHED
						     : STATUS_FAILED;
		snprintf(list->failure, sizeof list->failure,
			 "the test program did not start its tests (%s): %.1500s",
			 how, res.output);
		rc = -1;
	}
	proc_result_free(&res);
	return rc;
}

void tests_describe_list_failure(const struct test_list *list,
				 struct outcome *o)
{
	o->status = list->failure_status;
	snprintf(o->message, sizeof o->message, "%s", list->failure);
}

/* What the report says about one test. */
struct test_report {
	bool has_result, has_end;
	int results; /* result records: the harness writes one */
	bool must_end; /* false for a test meant to die by signal or exit */
	enum status status;
	int signal; /* for a crash */
	char message[OUTCOME_MESSAGE_CAP / 2];
};

static enum status parse_status(const char *word)
{
	if (strcmp(word, "passed") == 0)
		return STATUS_PASSED;
	if (strcmp(word, "skipped") == 0)
		return STATUS_SKIPPED;
	if (strcmp(word, "crashed") == 0)
		return STATUS_CRASHED;
	if (strcmp(word, "timeout") == 0)
		return STATUS_TIMEOUT;
	return STATUS_FAILED;
}

/* Undoes the harness's escapes (\\n and \\\\) in place. */
static void unescape(char *s)
{
	char *out = s;
	for (; *s != '\0'; s++) {
		if (*s == '\\' && (s[1] == 'n' || s[1] == '\\')) {
			*out++ = s[1] == 'n' ? '\n' : '\\';
			s++;
		} else if (*s != '\n') {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* Reads the records about test `name` from the report file f. */
static void read_report(FILE *f, const char *name, struct test_report *tr)
{
	*tr = (struct test_report){.status = STATUS_FAILED, .must_end = true};
	if (f == NULL)
		return;
	rewind(f);
	char line[REPORT_LINE_CAP], kind[16], who[1024], status[16];
	int must_end = 1;
	for (int n = 0; n < REPORT_LINES_MAX && fgets(line, sizeof line, f); n++) {
		int off = 0;
		if (sscanf(line, "%15s %1023s %n", kind, who, &off) < 2 ||
		    strcmp(who, name) != 0)
			continue;
		if (strcmp(kind, "end") == 0) {
			tr->has_end = true;
		} else if (strcmp(kind, "result") == 0 &&
			   sscanf(line + off, "%15s %d %d", status, &tr->signal,
				  &must_end) >= 1) {
			tr->has_result = true;
			tr->results++;
			tr->status = parse_status(status);
			tr->must_end = must_end != 0;
		} else if (strcmp(kind, "message") == 0 &&
			   tr->message[0] == '\0') {
			snprintf(tr->message, sizeof tr->message, "%s",
				 line + off);
			unescape(tr->message);
		}
	}
}

/* Turns the report about one test into its final status and message. */
static enum status judge_test(const struct test_report *tr,
			      const struct proc_result *run, int seconds,
			      char *msg, size_t cap)
{
	if (tr->results > 1) {
		snprintf(msg, cap, "the report holds %d results for this test, "
				   "where the harness writes one: the test run "
				   "wrote to the report",
			 tr->results);
		return STATUS_FAILED;
	}
	if (!tr->has_result) {
		char how[128];
		proc_describe(run, seconds, how, sizeof how);
		const char *out = run->output;
		size_t len = run->output_len;
		size_t shown = len < TAIL_SHOWN ? len : TAIL_SHOWN;
		snprintf(msg, cap,
			 "no result: the test run was cut short (%s); it printed:\n%s",
			 how, out + len - shown);
		return run->timed_out ? STATUS_TIMEOUT : STATUS_CRASHED;
	}
	if (tr->status == STATUS_PASSED && tr->must_end && !tr->has_end) {
		snprintf(msg, cap, "the test's process exited before the test "
				   "finished (did something call exit()?)");
		return STATUS_FAILED;
	}
	if (tr->status == STATUS_CRASHED && tr->message[0] == '\0')
		snprintf(msg, cap, "the test crashed (signal %d: %s)", tr->signal,
			 strsignal(tr->signal));
	else
		snprintf(msg, cap, "%s", tr->message);
	return tr->status;
}

/*
 * Makes the empty report file at path and opens it for reading before the
 * run, so that the grader reads the file it made even if the run replaces
 * it. Returns the open file, or NULL.
 */
static FILE *start_report(const char *path, struct stat *made)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	if (fd < 0)
		return NULL;
	close(fd);
	FILE *f = proc_open_output(path);
	if (f != NULL && fstat(fileno(f), made) != 0) {
		fclose(f);
		f = NULL;
	}
	return f;
}

/* Returns true if the report file is still the one start_report made. */
static bool report_untouched(FILE *f, const char *path,
			     const struct stat *made)
{
	struct stat now, at_path;
	return f != NULL && fstat(fileno(f), &now) == 0 && now.st_nlink == 1 &&
	       now.st_mode == made->st_mode &&
	       lstat(path, &at_path) == 0 && at_path.st_ino == made->st_ino &&
	       at_path.st_dev == made->st_dev;
}

void tests_grade(const struct check *c, const char *dir, const char *own,
		 int seconds, const struct test_list *list, struct outcome *o)
{
	char report[4096], cmd[8192];
	snprintf(report, sizeof report, "%s/report", own);
	struct stat made;
	FILE *report_file = start_report(report, &made);
	if (report_file == NULL) {
		o->status = STATUS_FAILED;
		snprintf(o->message, sizeof o->message,
			 "grader error: cannot make %s", report);
		return;
	}
	snprintf(cmd, sizeof cmd,
		 "./run-tests -j1 --color=never --timeout %d --filter '%s'",
		 seconds, c->name);
	size_t matched = 0, passed = 0, skipped = 0;
	for (size_t i = 0; i < list->count; i++)
		matched += fnmatch(c->name, list->names[i], 0) == 0;
	if (matched == 0 || strchr(c->name, '\'') != NULL) {
		o->status = STATUS_FAILED;
		snprintf(o->message, sizeof o->message,
			 "grader error: the rubric names no test matching %s",
			 c->name);
		fclose(report_file);
		return;
	}
	/* the group's time limit grows with its size; each test has its own */
	int group_seconds = seconds * (int)(matched < 10 ? matched : 10);
	struct proc_limits lim = {.seconds = group_seconds, .dir = dir,
				  .limit_memory = true, .report = report,
				  .sandboxed = true, .dir_read_only = true,
				  .writable = own};
	struct proc_result run;
	proc_run(cmd, &lim, &run);
	if (!report_untouched(report_file, report, &made)) {
		o->status = STATUS_FAILED;
		snprintf(o->message, sizeof o->message,
			 "the test run replaced, linked or changed the "
			 "permissions of the grader's report file");
		fclose(report_file);
		proc_result_free(&run);
		return;
	}
	o->status = STATUS_PASSED;
	for (size_t i = 0; i < list->count; i++) {
		if (fnmatch(c->name, list->names[i], 0) != 0)
			continue;
		struct test_report tr;
		read_report(report_file, list->names[i], &tr);
		char msg[OUTCOME_MESSAGE_CAP / 2];
		enum status s = judge_test(&tr, &run, group_seconds, msg,
					   sizeof msg);
		passed += s == STATUS_PASSED;
		skipped += s == STATUS_SKIPPED;
		bool first_failure = s != STATUS_PASSED &&
				     s != STATUS_SKIPPED &&
				     o->status == STATUS_PASSED;
		if (first_failure)
			o->status = s;
		if (first_failure ||
		    (s == STATUS_SKIPPED && o->message[0] == '\0'))
			snprintf(o->message, sizeof o->message, "%s%s%s",
				 matched > 1 ? list->names[i] : "",
				 matched > 1 ? ": " : "", msg);
	}
	if (o->status == STATUS_PASSED && skipped == matched)
		o->status = STATUS_SKIPPED;
	else if (o->status == STATUS_PASSED)
		o->message[0] = '\0';
	else if (matched > 1)
		snprintf(o->message + strlen(o->message),
			 sizeof o->message - strlen(o->message),
			 " [%zu of %zu tests passed]", passed, matched);
	fclose(report_file);
	proc_result_free(&run);
}

void tests_free(struct test_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->names[i]);
	free(list->names);
	*list = (struct test_list){0};
}
