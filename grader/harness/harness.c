/*
 * harness.c: the grader's side of a lab's test binary. See harness.h.
 *
 * The report is a text file with one record per line, written with O_APPEND
 * so that lines from the test processes and from Criterion's runner do not
 * interleave:
 *
 *     end SUITE/TEST                      the test body returned (worker)
 *     result SUITE/TEST STATUS SIGNAL ENDS  Criterion's verdict (runner)
 *     message SUITE/TEST TEXT             a failed assertion's message
 *
 * STATUS is passed, failed, crashed, timeout or skipped. ENDS is 1 if the
 * test must reach its end to pass, 0 if it is meant to die (a test declared
 * with .signal or .exit_code, which never reaches its fini). TEXT has its
 * backslashes and newlines escaped as \\ and \n, so one record is one line.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { RECORD_MAX = 4096 };

/* Appends one line to the report; does nothing without GRADER_REPORT. */
static void report_line(const char *line)
{
	const char *path = getenv("GRADER_REPORT");
	if (path == NULL)
		return;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	size_t len = strlen(line);
	ssize_t written = write(fd, line, len);
	(void)written; /* nothing useful to do if the report cannot be written */
	close(fd);
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
	if (test == NULL)
		return;
	char line[RECORD_MAX];
	snprintf(line, sizeof line, "end %s/%s\n", test->category, test->name);
	report_line(line);
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
	default:
		return "failed";
	}
}

static void report_test(struct criterion_test_stats *stats)
{
	const char *suite = stats->test->category;
	const char *name = stats->test->name;
	char line[RECORD_MAX];
	char text[RECORD_MAX - 256];

	for (struct criterion_assert_stats *a = stats->asserts; a; a = a->next) {
		if (a->passed || a->message == NULL)
			continue;
		escape_text(text, sizeof text, a->message);
		snprintf(line, sizeof line, "message %s/%s %s (line %u)\n",
			 suite, name, text, a->line);
		report_line(line);
	}
	if (stats->message != NULL) { /* e.g. the reason a test was skipped */
		escape_text(text, sizeof text, stats->message);
		snprintf(line, sizeof line, "message %s/%s %s\n", suite, name,
			 text);
		report_line(line);
	}
	const struct criterion_test_extra_data *data = stats->test->data;
	bool meant_to_die = data != NULL &&
			    (data->signal != 0 || data->exit_code != 0);
	snprintf(line, sizeof line, "result %s/%s %s %d %d\n", suite, name,
		 status_word(stats), stats->signal, !meant_to_die);
	report_line(line);
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
