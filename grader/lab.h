/*
 * lab.h: grading one lab of one submission.
 *
 * The lab is built in a scratch folder from the grader's official copy, with
 * only the student-editable files taken from the submission; then each check
 * of its rubric runs in a child process under limits (proc.h).
 */
#ifndef LAB_H
#define LAB_H

#include "rubric.h"

#include <stdbool.h>
#include <stddef.h>

struct lab_result {
	char name[64];
	struct rubric rubric;
	bool rubric_ok;
	int min_stage, max_stage; /* stages min..max were graded */
	char problem
		[OUTCOME_MESSAGE_CAP]; /* lab-wide: missing file, no build */
	char warnings[OUTCOME_MESSAGE_CAP]; /* compiler warnings, shown only */
	struct outcome outcomes[RUBRIC_MAX_CHECKS];
	size_t noutcomes;
	int score, max_score;
};

struct grade_options {
	const char *root;              /* the workbook: mk/, grader/official/ */
	const char *submission;        /* a folder shaped like labs/ */
	const char *scratch;           /* an empty folder of the grader's own */
	const struct sandbox *sandbox; /* NULL: the code runs unconfined */
	int first_stage; /* grade stages first_stage..stage; 0 for 1 */
	int stage;       /* ..stage; 0 for all */
	int timeout;     /* seconds per check; 0 for the rubric's */
	bool fail_fast;  /* stop a lab at its first check that loses points */
};

/* Grades one lab; always fills res, whatever the submission does. */
void lab_grade(const char *lab, const struct grade_options *opt,
	       struct lab_result *res);

/*
 * lab_grade in two steps, so that labs can be graded side by side in
 * processes of their own that share res with the caller (grade.c):
 * lab_load reads the rubric into res, in the caller before the processes
 * start, so that the pointers in res (to the rubric's strings, and each
 * outcome's to its check) mean the same in all of them; it returns false,
 * with the
 * reason in res->problem, if it cannot; lab_run then builds and checks the
 * lab into res. lab_fail instead marks every check of the graded stages
 * failed with why, for a lab whose grading process died.
 */
bool lab_load(const char *lab, const struct grade_options *opt,
	      struct lab_result *res);
void lab_run(const struct grade_options *opt, struct lab_result *res);
void lab_fail(const struct grade_options *opt, const char *why,
	      struct lab_result *res);

void lab_result_free(struct lab_result *res);

#endif
