/*
 * report_prairielearn.c: the results.json of a PrairieLearn external
 * grader.
 *
 * The format is PrairieLearn's "External grading" page, section "Grading
 * results" (https://prairielearn.readthedocs.io/en/latest/externalGrading/):
 *
 *     {"gradable": true, "score": 0.75, "message": "...", "output": "...",
 *      "tests": [{"name": "...", "description": "...", "points": 1,
 *                 "max_points": 2, "message": "...", "output": "..."}...]}
 *
 * score is a fraction from 0 to 1 (the total over its maximum; 0 when
 * nothing could be scored). gradable is false only when the grader itself
 * failed (a broken rubric): PrairieLearn then does not count the
 * submission against the student.
 */
#include "report.h"

#include <cjson/cJSON.h>
#include <string.h>

static cJSON *test_json(const struct lab_result *lab, const struct outcome *o)
{
	char title[600], text[OUTCOME_MESSAGE_CAP + 2 * OUTCOME_RERUN_CAP];
	char description[600];
	snprintf(title, sizeof title, "%s: ", lab->name);
	report_check_title(o, title + strlen(title),
			   sizeof title - strlen(title));
	report_check_text(o, text, sizeof text);
	snprintf(description, sizeof description, "read chapters/%s",
		 o->check->section);
	cJSON *t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "name", title);
	cJSON_AddStringToObject(t, "description", description);
	cJSON_AddNumberToObject(t, "points", o->score);
	cJSON_AddNumberToObject(t, "max_points", o->max_score);
	cJSON_AddStringToObject(t, "message", status_name(o->status));
	cJSON_AddStringToObject(t, "output", text);
	return t;
}

int report_prairielearn(const char *path, const struct lab_result *labs,
			size_t n, const struct report_run *run)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *tests = cJSON_CreateArray();
	int score = 0, max = 0;
	bool gradable = true;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < labs[i].noutcomes; k++)
			cJSON_AddItemToArray(
				tests,
				test_json(&labs[i], &labs[i].outcomes[k]));
		score += labs[i].score;
		max += labs[i].max_score;
		gradable &= labs[i].rubric_ok;
	}
	static char text[REPORT_SUMMARY_CAP];
	report_summary(labs, n, run, text, sizeof text);
	char message[128];
	snprintf(message, sizeof message, "Score: %d/%d", score, max);
	cJSON_AddBoolToObject(root, "gradable", gradable);
	cJSON_AddNumberToObject(root, "score",
				max > 0 ? (double)score / max : 0.0);
	cJSON_AddStringToObject(root, "message", message);
	cJSON_AddStringToObject(root, "output", text);
	cJSON_AddItemToObject(root, "tests", tests);
	return report_write_json(path, root);
}
