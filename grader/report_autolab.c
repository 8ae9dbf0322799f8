/*
 * report_autolab.c: Autolab's autoresult.
 *
 * Autolab reads the last line an autograder prints (Autolab's
 * documentation, "Autograders", section "Autograder output":
 * https://docs.autolab.academy/lab/ and the hello lab's driver):
 *
 *     {"scores": {"isolation": 30, "pagetable": 120, "alloc": 95},
 *      "scoreboard": [245, 0.8123, 9500]}
 *
 * The keys of "scores" are the assessment's problems: define one problem
 * per lab, named after it. "scoreboard" is the total, then the
 * allocator's average utilization and throughput in thousands of
 * operations per second (0 when no mdriver row passed), in the order of
 * the scoreboard columns the assessment declares.
 */
#include "report.h"

#include <cjson/cJSON.h>

int report_autolab(FILE *out, const struct lab_result *labs, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *scores = cJSON_AddObjectToObject(root, "scores");
	int total = 0;
	for (size_t i = 0; i < n; i++) {
		cJSON_AddNumberToObject(scores, labs[i].name, labs[i].score);
		total += labs[i].score;
	}
	double util = 0, kops = 0;
	report_alloc_figures(labs, n, &util, &kops);
	cJSON *board = cJSON_AddArrayToObject(root, "scoreboard");
	cJSON_AddItemToArray(board, cJSON_CreateNumber(total));
	cJSON_AddItemToArray(board, cJSON_CreateNumber(util));
	cJSON_AddItemToArray(board, cJSON_CreateNumber(kops));
	char *text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (text == NULL)
		return -1;
	int rc = fprintf(out, "%s\n", text) > 0 && fflush(out) == 0 ? 0 : -1;
	cJSON_free(text);
	return rc;
}
