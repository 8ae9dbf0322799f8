/*
 * report_gradescope.c: Gradescope's results.json.
 *
 * The format is Gradescope's "Autograder Specifications", section "Output
 * Format" (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
 *
 *     {"score": 42, "execution_time": 31, "output": "...",
 *      "visibility": "visible", "stdout_visibility": "hidden",
 *      "tests": [{"name": "...", "number": "1.2", "score": 1,
 *                 "max_score": 1, "status": "passed" | "failed",
 *                 "output": "...", "tags": ["alloc", "stage 2"],
 *                 "visibility": "visible"}...],
 *      "leaderboard": [{"name": "...", "value": 0.81, "order": "desc"}...]}
 *
 * "score" is the total, given explicitly (it overrides the sum of the
 * tests'). A check skipped on the machine is a passed test worth 0 of 0:
 * Gradescope has no skipped status. The leaderboard holds the allocator's
 * utilization and throughput when the alloc lab was graded (0 when no
 * mdriver row passed, so that every submission has a row).
 */
#include "report.h"

#include <cjson/cJSON.h>
#include <string.h>

static cJSON *test_json(const struct lab_result *lab, size_t lab_number,
			const struct outcome *o, size_t number)
{
	char title[600], text[OUTCOME_MESSAGE_CAP + 2 * OUTCOME_RERUN_CAP];
	char num[32], stage[32];
	snprintf(title, sizeof title, "%s: ", lab->name);
	report_check_title(o, title + strlen(title),
			   sizeof title - strlen(title));
	report_check_text(o, text, sizeof text);
	snprintf(num, sizeof num, "%zu.%zu", lab_number, number);
	snprintf(stage, sizeof stage, "stage %d", o->check->stage);
	bool failed = o->status == STATUS_FAILED ||
		      o->status == STATUS_CRASHED ||
		      o->status == STATUS_TIMEOUT;
	cJSON *t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "name", title);
	cJSON_AddStringToObject(t, "number", num);
	cJSON_AddNumberToObject(t, "score", o->score);
	cJSON_AddNumberToObject(t, "max_score", o->max_score);
	cJSON_AddStringToObject(t, "status", failed ? "failed" : "passed");
	cJSON_AddStringToObject(t, "output", text);
	const char *tags[] = {lab->name, stage};
	cJSON_AddItemToObject(t, "tags", cJSON_CreateStringArray(tags, 2));
	cJSON_AddStringToObject(t, "visibility", "visible");
	return t;
}

static void add_leaderboard(cJSON *root, const struct lab_result *labs,
			    size_t n)
{
	bool graded = false;
	for (size_t i = 0; i < n; i++)
		graded |= strcmp(labs[i].name, "alloc") == 0;
	if (!graded)
		return;
	double util = 0, kops = 0;
	report_alloc_figures(labs, n, &util, &kops);
	cJSON *board = cJSON_AddArrayToObject(root, "leaderboard");
	cJSON *u = cJSON_CreateObject();
	cJSON_AddStringToObject(u, "name", "Utilization");
	cJSON_AddNumberToObject(u, "value", util);
	cJSON_AddStringToObject(u, "order", "desc");
	cJSON_AddItemToArray(board, u);
	cJSON *k = cJSON_CreateObject();
	cJSON_AddStringToObject(k, "name", "Throughput (Kops/s)");
	cJSON_AddNumberToObject(k, "value", kops);
	cJSON_AddStringToObject(k, "order", "desc");
	cJSON_AddItemToArray(board, k);
}

int report_gradescope(const char *path, const struct lab_result *labs, size_t n,
		      const struct report_run *run)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *tests = cJSON_CreateArray();
	int score = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < labs[i].noutcomes; k++)
			cJSON_AddItemToArray(
				tests, test_json(&labs[i], i + 1,
						 &labs[i].outcomes[k], k + 1));
		score += labs[i].score;
	}
	static char text[REPORT_SUMMARY_CAP];
	report_summary(labs, n, run, text, sizeof text);
	cJSON_AddNumberToObject(root, "score", score);
	cJSON_AddNumberToObject(root, "execution_time",
				(int)(run->seconds + 0.5));
	cJSON_AddStringToObject(root, "output", text);
	cJSON_AddStringToObject(root, "visibility", "visible");
	cJSON_AddStringToObject(root, "stdout_visibility", "hidden");
	cJSON_AddItemToObject(root, "tests", tests);
	add_leaderboard(root, labs, n);
	return report_write_json(path, root);
}
