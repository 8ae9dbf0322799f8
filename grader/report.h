/*
 * report.h: the grader's three ways of telling the result: the table on
 * stdout (always), a JSON report and a Gradescope results.json (on request).
 */
#ifndef REPORT_H
#define REPORT_H

#include "lab.h"

#include <stdio.h>

/*
 * Reads ROOT/grader/sections.tsv (made by `make sections` from the
 * chapters): for each rubric SECTION, the section's number, title and page
 * of the book's site, which the reports then show where the check failed
 * ("reread 3.3 Splitting an address..."). Without the file they name the
 * chapter file and anchor.
 */
void report_load_sections(const char *root);

/* Prints one lab's table: one line per check, then the lab's subtotal. */
void report_table(FILE *out, const struct lab_result *lab, bool verbose);

/*
 * Writes {"score", "max_score", "sandbox", "labs": [{"name", "score",
 * "max_score", "tests": [{"name", "score", "max_score", "status", "message",
 * ...}]}]}; sandbox says how the code ran ("bubblewrap", or "off (why)").
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

/* Writes Gradescope's results.json. Returns 0 or -1. */
int report_gradescope(const char *path, const struct lab_result *labs,
		      size_t n);

#endif
