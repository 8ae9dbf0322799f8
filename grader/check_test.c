/*
 * check_test.c: the `test` kind: a lab's Criterion tests (the program
 * run-tests), run group by group, judged from the harness's records and
 * never from what the tests print.
 *
 *     test STAGE | POINTS | SUITE/TEST GLOB | SECTION
 *
 * A rubric row names a glob of tests. The grader runs them in one process
 * of run-tests (--filter GLOB -j1) and reads two channels (harness.h):
 *
 *   from the runner, on its descriptor 3 (a pipe only it holds):
 *     key HEX                              the key of the end tokens
 *     begin SUITE/TEST                     the test's body is starting
 *     result SUITE/TEST STATUS SIGNAL ENDS  Criterion's verdict
 *     message SUITE/TEST TEXT              a failed assertion
 *   from each test's process, through a FIFO in the check's own folder:
 *     end SUITE/TEST TOKEN                 the test body reached its end
 *
 * A test is passed only with one "passed" result and one end record whose
 * token is right for the test under the runner's key: a test that calls
 * exit(0) early looks passed to Criterion, but has no end, and code in the
 * test's process does not know the key. (A test meant to die, declared
 * with .signal or .exit_code, has ENDS 0 and needs no end record.) A test
 * with no result at all was cut short by a crash of the runner or by the
 * time limit. A skipped test counts only on a row the rubric lets skip.
 *
 * A row whose tests time out with no begin record at all hung in the
 * suites' .init, the lab's own set-up (mm_init...), before any test body
 * ran: the row then says the lab stalled (outcome.stalled), and lab.c fails the
 * lab's remaining rows at once rather than let each wait out its limit.
 */
#define _GNU_SOURCE /* pipe2 */
#include "check.h"
#include "proc.h"
#include "sandbox.h"
#include "token.h"

#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The tests run-tests holds: listed once per lab, at its first test row. */
struct test_list {
	char **names; /* "suite/test", as run-tests --list shows them */
	size_t count, cap;
	char failure[OUTCOME_MESSAGE_CAP]; /* why listing failed, if it did */
	enum status failure_status;
};

enum {
	RESULTS_FD = 3, /* the runner's records: see harness.h */
	REPORT_LINE_CAP = 4096,
	REPORT_LINES_MAX = 100000,
	TAIL_SHOWN = 600, /* bytes of a cut-short run's output shown */
};

static void list_add(struct test_list *list, const char *name)
{
	if (list->count == list->cap) {
		list->cap = list->cap ? 2 * list->cap : 32;
		list->names =
			realloc(list->names, list->cap * sizeof *list->names);
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
static int check_against_sources(const char *official, struct test_list *list)
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
			    *p++ != ',' ||
			    !take_identifier(&p, name, sizeof name))
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

/*
 * Lists the tests in env->dir/run-tests, and checks the list holds every
 * test the official sources declare. Returns 0, or -1 with list->failure.
 */
static int list_tests(const struct check_env *env, struct test_list *list)
{
	struct proc_limits lim = {
		.seconds = env->seconds, .dir = env->dir, .limit_memory = true};
	struct sandbox_binds binds = {0};
	struct proc_result res;
	sandbox_run(env->sandbox, "./run-tests --list", &lim, &binds, &res);
	int rc = 0;
	if (proc_succeeded(&res)) {
		parse_listing(res.output, list);
		rc = check_against_sources(env->official, list);
	} else {
		char how[128];
		proc_describe(&res, env->seconds, how, sizeof how);
		list->failure_status = res.timed_out ? STATUS_TIMEOUT
				       : res.signal  ? STATUS_CRASHED
						     : STATUS_FAILED;
		snprintf(list->failure, sizeof list->failure,
			 "the test program did not start its tests (%s): "
			 "%.1500s",
			 how, res.output ? res.output : "");
		rc = -1;
	}
	proc_result_free(&res);
	return rc;
}

/* What the records say about one test. */
struct test_report {
	bool has_result;
	bool begun;    /* a begin record: the body started */
	int results;   /* result records: the runner writes one */
	int ends;      /* end records with the right token */
	int forged;    /* end records with a wrong one */
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

/* Copies the line at *p (without its newline) into line; advances *p.
 * Returns false at the end of text. */
static bool next_line(const char **p, char *line, size_t cap)
{
	if (**p == '\0')
		return false;
	size_t len = strcspn(*p, "\n");
	snprintf(line, cap, "%.*s", (int)(len < cap ? len : cap - 1), *p);
	*p += len + ((*p)[len] == '\n');
	return true;
}

/*
 * Reads the runner's key from its records: the first line, "key HEX".
 * Returns false if there is none.
 */
static bool read_key(const char *records, unsigned char key[TOKEN_KEY_BYTES])
{
	char line[REPORT_LINE_CAP];
	const char *p = records;
	return next_line(&p, line, sizeof line) &&
	       strncmp(line, "key ", 4) == 0 &&
	       token_key_from_hex(line + 4, key) == 0;
}

/*
 * Reads what the runner's records (results) and the tests' end records
 * (ends, checked against the key) say about test `name`.
 */
static void read_report(const char *results, const char *ends,
			const unsigned char *key, const char *name,
			struct test_report *tr)
{
	*tr = (struct test_report){.status = STATUS_FAILED, .must_end = true};
	char line[REPORT_LINE_CAP], kind[16], who[1024], word[32];
	char token[TOKEN_HEX_CAP] = "";
	if (key != NULL)
		token_of(key, name, token);
	const char *p = results;
	for (int n = 0;
	     n < REPORT_LINES_MAX && next_line(&p, line, sizeof line); n++) {
		int off = 0, must_end = 1;
		if (sscanf(line, "%15s %1023s %n", kind, who, &off) < 2 ||
		    strcmp(who, name) != 0)
			continue;
		if (strcmp(kind, "result") == 0 &&
		    sscanf(line + off, "%31s %d %d", word, &tr->signal,
			   &must_end) >= 1) {
			tr->has_result = true;
			tr->results++;
			tr->status = parse_status(word);
			tr->must_end = must_end != 0;
		} else if (strcmp(kind, "begin") == 0) {
			tr->begun = true;
		} else if (strcmp(kind, "message") == 0 &&
			   tr->message[0] == '\0') {
			snprintf(tr->message, sizeof tr->message, "%s",
				 line + off);
			unescape(tr->message);
		}
	}
	p = ends;
	for (int n = 0;
	     n < REPORT_LINES_MAX && next_line(&p, line, sizeof line); n++) {
		if (sscanf(line, "end %1023s %31s", who, word) != 2 ||
		    strcmp(who, name) != 0)
			continue;
		if (key != NULL && strcmp(word, token) == 0)
			tr->ends++;
		else
			tr->forged++;
	}
}

/* Turns the report about one test into its final status and message. */
static enum status judge_test(const struct test_report *tr,
			      const struct proc_result *run, int seconds,
			      char *msg, size_t cap)
{
	if (tr->results > 1 || tr->forged > 0 || tr->ends > 1) {
		snprintf(msg, cap,
			 "the test run sent records the harness did "
			 "not write (%d results, %d false and %d "
			 "true end records): something in the test "
			 "process forged them",
			 tr->results, tr->forged, tr->ends);
		return STATUS_FAILED;
	}
	if (!tr->has_result) {
		char how[128];
		proc_describe(run, seconds, how, sizeof how);
		const char *out = run->output;
		size_t len = run->output_len;
		size_t shown = len < TAIL_SHOWN ? len : TAIL_SHOWN;
		snprintf(msg, cap,
			 "no result: the test run was cut short (%s); it "
			 "printed:\n%s",
			 how, out + len - shown);
		return run->timed_out ? STATUS_TIMEOUT : STATUS_CRASHED;
	}
	if (tr->status == STATUS_PASSED && tr->must_end && tr->ends == 0) {
		snprintf(msg, cap,
			 "the test's process exited before the test "
			 "finished (did something call exit()?)");
		return STATUS_FAILED;
	}
	if (tr->status == STATUS_CRASHED && tr->message[0] == '\0')
		snprintf(msg, cap, "the test crashed (signal %d: %s)",
			 tr->signal, strsignal(tr->signal));
	else
		snprintf(msg, cap, "%s", tr->message);
	return tr->status;
}

/*
 * The two channels of one run: a pipe for the runner's records (its write
 * end becomes the runner's descriptor 3) and a FIFO in the check's own
 * folder for the tests' end records. The grader holds a write end of the
 * FIFO too, so that reading it never sees an end of file.
 */
struct channels {
	int results[2];
	int ends_read, ends_hold;
	char ends_path[4096];
	char ends_env[4200];
};

static int open_channels(const char *own, struct channels *ch)
{
	*ch = (struct channels){
		.results = {-1, -1}, .ends_read = -1, .ends_hold = -1};
	snprintf(ch->ends_path, sizeof ch->ends_path, "%s/ends", own);
	snprintf(ch->ends_env, sizeof ch->ends_env, "GRADER_ENDS=%s",
		 ch->ends_path);
	if (pipe2(ch->results, O_CLOEXEC) != 0 ||
	    fcntl(ch->results[0], F_SETFL, O_NONBLOCK) != 0 ||
	    mkfifo(ch->ends_path, 0622) != 0)
		return -1;
	chmod(ch->ends_path, 0622); /* whatever the umask */
	ch->ends_read = open(ch->ends_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ch->ends_hold = open(ch->ends_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	return ch->ends_read >= 0 && ch->ends_hold >= 0 ? 0 : -1;
}

static void close_channels(struct channels *ch)
{
	int fds[] = {ch->results[0], ch->results[1], ch->ends_read,
		     ch->ends_hold};
	for (size_t i = 0; i < sizeof fds / sizeof *fds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Counts the tests of the list that c->name matches. */
static size_t count_matches(const struct check *c, const struct test_list *list)
{
	size_t matched = 0;
	for (size_t i = 0; i < list->count; i++)
		matched += fnmatch(c->name, list->names[i], 0) == 0;
	return matched;
}

/* Says in msg (which may hold the run's output) how a test timed out:
 * in its body, or before it, in its suite's set-up. */
static void explain_timeout(const struct test_report *tr, char *msg, size_t cap)
{
	if (msg[0] == '\0')
		snprintf(msg, cap, "the test did not finish in its time limit");
	if (!tr->begun)
		snprintf(msg + strlen(msg), cap - strlen(msg),
			 "\nits body never began: it hung in its suite's "
			 "set-up (.init)");
}

/*
 * Judges every test the row matches from the run's records and puts the
 * row's status and message into o. Its length is the list of ways a test
 * can end (passed, failed, crashed, skipped, never ran, forged), each
 * with the message a student reads.
 */
static void judge_group(const struct check *c, const struct test_list *list,
			const struct proc_result *run, int seconds,
			struct outcome *o)
{
	unsigned char key[TOKEN_KEY_BYTES];
	const char *results = run->channel[0] ? run->channel[0] : "";
	const char *ends = run->channel[1] ? run->channel[1] : "";
	bool keyed = read_key(results, key);
	size_t matched = count_matches(c, list), passed = 0, skipped = 0;
	size_t begun = 0, timed_out = 0;
	o->status = STATUS_PASSED;
	for (size_t i = 0; i < list->count; i++) {
		if (fnmatch(c->name, list->names[i], 0) != 0)
			continue;
		struct test_report tr;
		read_report(results, ends, keyed ? key : NULL, list->names[i],
			    &tr);
		char msg[OUTCOME_MESSAGE_CAP / 2];
		enum status s = judge_test(&tr, run, seconds, msg, sizeof msg);
		if (s == STATUS_TIMEOUT)
			explain_timeout(&tr, msg, sizeof msg);
		begun += tr.begun;
		timed_out += s == STATUS_TIMEOUT;
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
	/* the run never reached a test body: it hung in the lab's set-up */
	o->stalled = timed_out > 0 && begun == 0;
	if (o->status == STATUS_PASSED && skipped > 0 && !c->may_skip) {
		/* a skip is the machine's reason on rows that declare it; on
		 * any other row, the test's code asked for it */
		o->status = STATUS_FAILED;
		snprintf(o->message + strlen(o->message),
			 sizeof o->message - strlen(o->message),
			 " (skipped, but this row may not skip)");
	} else if (o->status == STATUS_PASSED && skipped == matched)
		o->status = STATUS_SKIPPED;
	else if (o->status == STATUS_PASSED)
		o->message[0] = '\0';
	else if (matched > 1)
		snprintf(o->message + strlen(o->message),
			 sizeof o->message - strlen(o->message),
			 " [%zu of %zu tests passed]", passed, matched);
}

/*
 * Runs the tests matching c->name in one process of run-tests, with the
 * channels ch, and judges them into o.
 */
static void run_group(const struct check *c, const struct check_env *env,
		      const struct test_list *list, struct channels *ch,
		      struct outcome *o)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd,
		 "./run-tests -j1 --color=never --timeout %d --filter '%s'",
		 env->seconds, c->name);
	/* the group's time limit grows with its size; each test has its own */
	size_t matched = count_matches(c, list);
	int group_seconds = env->seconds * (int)(matched < 10 ? matched : 10);
	const char *vars[] = {ch->ends_env, "GRADER_RESULTS_FD=3", NULL};
	struct proc_limits lim = {.seconds = group_seconds,
				  .dir = env->dir,
				  .limit_memory = true,
				  .pass = {{ch->results[1], RESULTS_FD}},
				  .listen = {ch->results[0], ch->ends_read},
				  .env = vars};
	struct sandbox_binds binds = {.readable = env->own};
	struct proc_result run;
	sandbox_run(env->sandbox, cmd, &lim, &binds, &run);
	judge_group(c, list, &run, group_seconds, o);
	proc_result_free(&run);
}

static void free_list(void *state)
{
	struct test_list *list = state;
	for (size_t i = 0; list != NULL && i < list->count; i++)
		free(list->names[i]);
	if (list != NULL)
		free(list->names);
	free(list);
}

static void grade(const struct check *c, const struct check_env *env,
		  void **state, struct outcome *o)
{
	if (*state == NULL) {
		struct test_list *list = calloc(1, sizeof *list);
		if (list == NULL) {
			fprintf(stderr, "grader: out of memory\n");
			exit(3);
		}
		list_tests(env, list);
		*state = list;
	}
	const struct test_list *list = *state;
	if (list->failure[0] != '\0') {
		o->status = list->failure_status;
		o->stalled = list->failure_status == STATUS_TIMEOUT;
		snprintf(o->message, sizeof o->message, "%s", list->failure);
		return;
	}
	if (count_matches(c, list) == 0 || strchr(c->name, '\'') != NULL) {
		o->status = STATUS_FAILED;
		snprintf(o->message, sizeof o->message,
			 "grader error: the rubric names no test matching %s",
			 c->name);
		return;
	}
	struct channels ch;
	if (open_channels(env->own, &ch) == 0) {
		run_group(c, env, list, &ch, o);
	} else {
		o->status = STATUS_FAILED;
		snprintf(o->message, sizeof o->message,
			 "grader error: cannot make the report channels in %s: "
			 "%s",
			 env->own, strerror(errno));
	}
	close_channels(&ch);
}

static void rerun(const struct check *c, char *buf, size_t cap)
{
	char q[1024];
	snprintf(buf, cap, "./run-tests --filter %s",
		 proc_quote(c->name, q, sizeof q));
}

const struct check_kind check_test = {
	.keyword = "test",
	.fields = "STAGE | POINTS | SUITE/TEST GLOB | SECTION",
	.grade = grade,
	.rerun = rerun,
	.forget = free_list,
};
