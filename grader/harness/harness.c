/*
 * harness.c: the grader's side of a lab's test binary. See harness.h.
 *
 * Records, one per line, each at most PIPE_BUF bytes so that a write is
 * never interleaved with another:
 *
 *   on descriptor 3, from the runner only (when GRADER_RESULTS_FD is 3):
 *     key HEX                             the key of this run's tokens
 *     begin SUITE/TEST                    the test's body is starting (its
 *                                         suite's .init has returned)
 *     result SUITE/TEST STATUS SIGNAL ENDS  Criterion's verdict
 *     message SUITE/TEST TEXT             a failed assertion's message
 *   in the FIFO GRADER_ENDS, from each test's process:
 *     end SUITE/TEST TOKEN                the test body returned
 *
 * STATUS is passed, failed, crashed, timeout or skipped. ENDS is 1 if the
 * test must reach its end to pass, 0 if it is meant to die (a test declared
 * with .signal or .exit_code, which never reaches its fini). TEXT has its
 * backslashes and newlines escaped as \\ and \n, so one record is one line.
 *
 * Criterion starts each test's process by executing run-tests again with
 * BXFI_MAP in its environment; that is how the constructor below tells the
 * runner from a test's process.
 */
#include "harness.h"
#include "token.h"

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <unistd.h>

enum {
	RECORD_MAX = 4000, /* below PIPE_BUF (4096): one atomic write */
	REPORT_FD = 3,     /* the runner's descriptor to the grader */
};

static const char KEY_VARIABLE[] = "GRADER_TOKEN_KEY";
static const char REPORT_FD_VARIABLE[] = "GRADER_RESULTS_FD";

/* In the runner: the descriptor to the grader, or -1. */
static int report_fd = -1;
/* In a test's process: the key, kept XORed with a random mask, and the
 * path of the FIFO; key_set is false without the grader. */
static unsigned char key_masked[TOKEN_KEY_BYTES], key_mask[TOKEN_KEY_BYTES];
static char ends_path[1024];
static bool key_set;

/* Writes one record to fd, whole or not at all. */
static void write_record(int fd, const char *line)
{
	size_t len = strlen(line);
	if (fd < 0 || len == 0)
		return;
	ssize_t written = write(fd, line, len);
	(void)written; /* a lost record fails its test: nothing else to do */
}

/*
 * In the runner: takes descriptor 3 for the records, makes this run's key,
 * tells the grader, and leaves it in the environment for the test
 * processes it will start.
 */
static void start_runner(void)
{
	/* only when the grader says so: a descriptor 3 may be open for other
	 * reasons (make's jobserver, say), and must not get records */
	const char *fd = getenv(REPORT_FD_VARIABLE);
	bool asked = fd != NULL && strcmp(fd, "3") == 0;
	unsetenv(REPORT_FD_VARIABLE);
	if (!asked || fcntl(REPORT_FD, F_GETFD) < 0)
		return;
	/* nothing of this process's may be read or traced from a test's */
	prctl(PR_SET_DUMPABLE, 0);
	report_fd = fcntl(REPORT_FD, F_DUPFD_CLOEXEC, 64);
	close(REPORT_FD);
	unsigned char key[TOKEN_KEY_BYTES];
	if (getrandom(key, sizeof key, 0) != (ssize_t)sizeof key)
		return; /* no key, no tokens: every test fails to prove its end */
	char hex[TOKEN_KEY_HEX_CAP], line[64];
	token_key_to_hex(key, hex);
	snprintf(line, sizeof line, "key %s\n", hex);
	write_record(report_fd, line);
	setenv(KEY_VARIABLE, hex, 1);
	memset(key, 0, sizeof key);
}

/*
 * In a test's process: takes the key and the FIFO's path, then wipes the
 * key from the environment and from the memory that /proc/self/environ
 * shows, before any test code runs.
 */
static void start_test_process(void)
{
	char *hex = getenv(KEY_VARIABLE);
	const char *ends = getenv("GRADER_ENDS");
	unsigned char key[TOKEN_KEY_BYTES];
	if (hex != NULL && ends != NULL && token_key_from_hex(hex, key) == 0 &&
	    getrandom(key_mask, sizeof key_mask, 0) ==
		    (ssize_t)sizeof key_mask) {
		for (size_t i = 0; i < sizeof key; i++)
			key_masked[i] = key[i] ^ key_mask[i];
		snprintf(ends_path, sizeof ends_path, "%s", ends);
		key_set = true;
	}
	memset(key, 0, sizeof key);
	if (hex != NULL)
		memset(hex, 'x', strlen(hex));
	unsetenv(KEY_VARIABLE);
}

__attribute__((constructor)) static void harness_start(void)
{
	if (getenv("BXFI_MAP") == NULL)
		start_runner();
	else
		start_test_process();
}

/* Copies text into out (of size cap) with \ and newlines escaped. */
static void escape_text(char *out, size_t cap, const char *text)
{
	size_t n = 0;
	for (const char *p = text; *p != '\0' && n + 3 < cap; p++) {
		if (*p == '\\' || *p == '\n') {
			out[n++] = '\\';
			out[n++] = *p == '\n' ? 'n' : '\\';
		} else if (*p == '\r' || *p == '\t') {
			out[n++] = ' ';
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
}

void harness_test_finished(void)
{
	const struct criterion_test *test = criterion_current_test;
	if (test == NULL || !key_set)
		return;
	char name[1024], token[TOKEN_HEX_CAP], line[RECORD_MAX];
	unsigned char key[TOKEN_KEY_BYTES];
	snprintf(name, sizeof name, "%s/%s", test->category, test->name);
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = key_masked[i] ^ key_mask[i];
	token_of(key, name, token);
	memset(key, 0, sizeof key);
	snprintf(line, sizeof line, "end %s %s\n", name, token);
	int fd = open(ends_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	write_record(fd, line);
	if (fd >= 0)
		close(fd);
}

/* Maps Criterion's statistics for one test to the grader's status words. */
static const char *status_word(const struct criterion_test_stats *stats)
{
	if (stats->timed_out)
		return "timeout";
	if (stats->crashed)
		return "crashed"; /* an expected signal is not a crash */
	switch (stats->test_status) {
	case CR_STATUS_PASSED:
		return "passed";
	case CR_STATUS_SKIPPED:
		return "skipped";
	case CR_STATUS_FAILED:
		return "failed";
	}
	return "failed";
}

static void report_test(struct criterion_test_stats *stats)
{
	const char *suite = stats->test->category;
	const char *name = stats->test->name;
	char line[RECORD_MAX];
	char text[RECORD_MAX - 512];

	for (struct criterion_assert_stats *a = stats->asserts; a;
	     a = a->next) {
		if (a->passed || a->message == NULL)
			continue;
		escape_text(text, sizeof text, a->message);
		snprintf(line, sizeof line, "message %s/%s %s (line %u)\n",
			 suite, name, text, a->line);
		write_record(report_fd, line);
	}
	if (stats->message != NULL) { /* e.g. the reason a test was skipped */
		escape_text(text, sizeof text, stats->message);
		snprintf(line, sizeof line, "message %s/%s %s\n", suite, name,
			 text);
		write_record(report_fd, line);
	}
	const struct criterion_test_extra_data *data = stats->test->data;
	bool meant_to_die =
		data != NULL && (data->signal != 0 || data->exit_code != 0);
	snprintf(line, sizeof line, "result %s/%s %s %d %d\n", suite, name,
		 status_word(stats), stats->signal, !meant_to_die);
	write_record(report_fd, line);
}

/*
 * The runner hears that a test's body starts: a test that times out with
 * no begin record hung before its body, in the suite's .init (the lab's
 * init code), which every test of the lab runs too: the grader stops the
 * lab's checks there (lab.c) instead of letting each wait out its limit.
 */
ReportHook(PRE_TEST)(struct criterion_test *test)
{
	char line[RECORD_MAX];
	snprintf(line, sizeof line, "begin %s/%s\n", test->category,
		 test->name);
	write_record(report_fd, line);
}

ReportHook(POST_TEST)(struct criterion_test_stats *stats)
{
	report_test(stats);
}

/* A crashed test skips POST_TEST; Criterion reports it here instead. */
ReportHook(TEST_CRASH)(struct criterion_test_stats *stats)
{
	report_test(stats);
}
