/*
 * report.h: the grader's ways of telling the result: the table on stdout
 * (always), and on request a JSON report, a CSV row, and each platform's
 * own result (Gradescope, PrairieLearn, Autolab), one file each.
 */
#ifndef REPORT_H
#define REPORT_H

#include "lab.h"

#include <stdio.h>

/* Prints one lab's table: one line per check, then the lab's subtotal. */
void report_table(FILE *out, const struct lab_result *lab, bool verbose);

/*
 * Writes {"score", "max_score", "sandbox", "labs": [{"name", "score",
 * "max_score", "tests": [{"name", "score", "max_score", "status", "message",
 * "stage", "section", "rerun", "seconds"}]}]}; sandbox says how the code ran ("bubblewrap", or "off (why)").
 * Returns 0, or -1 if the file cannot be written.
 */
int report_json(const char *path, const struct lab_result *labs, size_t n,
		const char *sandbox);

/*
 * Appends one row to the CSV file at path, for a class's spreadsheet:
 * submission, then each lab's score and max_score, the total and its
 * maximum, and the sandbox. Writes the header row first if the file is new
 * or empty. Returns 0, or -1 if the file cannot be written.
 */
int report_csv(const char *path, const char *submission,
	       const struct lab_result *labs, size_t n, const char *sandbox);

/* What the platforms' reports say about the run as a whole. */
struct report_run {
	const char *sandbox; /* "bubblewrap", or "off (why)" */
	double seconds;      /* how long the grading took */
};

/*
 * Gradescope's results.json (report_gradescope.c): score, execution_time,
 * output, a test per check (name, number, score, max_score, status,
 * output, tags, visibility), and the allocator's figures for the
 * leaderboard. Returns 0, or -1 if the file cannot be written.
 */
int report_gradescope(const char *path, const struct lab_result *labs, size_t n,
		      const struct report_run *run);

/*
 * PrairieLearn's external grader results.json (report_prairielearn.c):
 * gradable, score (0 to 1), message, output, and a test per check (name,
 * description, points, max_points, message, output). Returns 0 or -1.
 */
int report_prairielearn(const char *path, const struct lab_result *labs,
			size_t n, const struct report_run *run);

/*
 * Autolab's autoresult (report_autolab.c): one line, {"scores": {LAB:
 * SCORE...}, "scoreboard": [TOTAL, UTILIZATION, KOPS]}, which must be the
 * last line the autograder prints. Returns 0 or -1.
 */
int report_autolab(FILE *out, const struct lab_result *labs, size_t n);

/* For the report writers: */

/* A check's name as the reports show it: "stage N: name". */
void report_check_title(const struct outcome *o, char *buf, size_t cap);

/* What a student reads about one check: its status and message, and, if
 * it did not pass, the section to reread and the command that reruns it. */
void report_check_text(const struct outcome *o, char *buf, size_t cap);

enum { REPORT_SUMMARY_CAP = 8 * (OUTCOME_MESSAGE_CAP + 128) };

/* The grading in a few lines: the sandbox, then each lab's subtotal and
 * what stopped it, if anything did (a missing file, no build). */
void report_summary(const struct lab_result *labs, size_t n,
		    const struct report_run *run, char *buf, size_t cap);

/* The allocator's figures from the alloc lab's mdriver proofs (the run
 * over the most traces): utilization, and thousands of operations per
 * second. Returns false if no mdriver row passed. */
bool report_alloc_figures(const struct lab_result *labs, size_t n, double *util,
			  double *kops);

struct cJSON;

/* Writes the JSON text of root to path and frees root. Returns 0 or -1. */
int report_write_json(const char *path, struct cJSON *root);

#endif
