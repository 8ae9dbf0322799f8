/*
 * score: reads the scores out of a grader's JSON report (grader/grade --json),
 * for scripts, which should not parse the grader's table.
 *
 *     score REPORT.json                  the total:        "SCORE MAX"
 *     score REPORT.json LAB              one lab:          "SCORE MAX"
 *     score REPORT.json LAB STAGE        one lab's stage:  "SCORE MAX"
 *     score --stages REPORT.json LAB     every stage:      "STAGE SCORE MAX"
 *                                        one line each, in stage order
 *
 * Exits 0 when it printed the figures, 1 when the report cannot be read or
 * has no such lab or stage (with a message on stderr), 2 on a usage error.
 */
#include "readall.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { STAGE_MAX = 64 };

/* The number named key in object, or -1 if it has none. */
static double number(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	return cJSON_IsNumber(item) ? item->valuedouble : -1;
}

/* The lab called name in the report, or NULL. */
static const cJSON *find_lab(const cJSON *report, const char *name)
{
	const cJSON *lab;
	cJSON_ArrayForEach(lab,
			   cJSON_GetObjectItemCaseSensitive(report, "labs"))
	{
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(lab, "name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return lab;
	}
	return NULL;
}

/*
 * Adds up the rows of lab per stage into score[] and max[] (indexed by
 * stage); returns the highest stage seen, or -1 if a row has no stage.
 */
static int sum_stages(const cJSON *lab, double score[], double max[])
{
	int last = 0;
	const cJSON *row;
	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(lab, "tests"))
	{
		double stage = number(row, "stage");
		if (stage < 1 || stage >= STAGE_MAX)
			return -1;
		int k = (int)stage;
		score[k] += number(row, "score");
		max[k] += number(row, "max_score");
		if (k > last)
			last = k;
	}
	return last;
}

static int usage(void)
{
	fprintf(stderr, "usage: score REPORT.json [LAB [STAGE]]\n"
			"       score --stages REPORT.json LAB\n");
	return 2;
}

/* Prints what the arguments ask for; returns the exit status. */
static int print_scores(const cJSON *report, bool stages, char **args,
			int nargs)
{
	if (nargs == 1 && !stages) {
		printf("%g %g\n", number(report, "score"),
		       number(report, "max_score"));
		return 0;
	}
	const cJSON *lab = find_lab(report, args[1]);
	if (lab == NULL) {
		fprintf(stderr, "score: %s has no lab %s\n", args[0], args[1]);
		return 1;
	}
	if (nargs == 2 && !stages) {
		printf("%g %g\n", number(lab, "score"),
		       number(lab, "max_score"));
		return 0;
	}
	double score[STAGE_MAX] = {0}, max[STAGE_MAX] = {0};
	int last = sum_stages(lab, score, max);
	if (last < 0) {
		fprintf(stderr, "score: a row of %s has no stage\n", args[1]);
		return 1;
	}
	if (stages) {
		for (int k = 1; k <= last; k++)
			printf("%d %g %g\n", k, score[k], max[k]);
		return 0;
	}
	int k = atoi(args[2]);
	if (k < 1 || k > last || max[k] == 0) {
		fprintf(stderr, "score: lab %s has no stage %s\n", args[1],
			args[2]);
		return 1;
	}
	printf("%g %g\n", score[k], max[k]);
	return 0;
}

int main(int argc, char **argv)
{
	bool stages = argc > 1 && strcmp(argv[1], "--stages") == 0;
	char **args = argv + 1 + stages;
	int nargs = argc - 1 - stages;
	if (nargs < 1 || nargs > 3 || (stages && nargs != 2))
		return usage();
	char *text = read_all("score", args[0], NULL);
	if (text == NULL)
		return 1;
	cJSON *report = cJSON_Parse(text);
	free(text);
	if (report == NULL || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(
				      report, "score"))) {
		fprintf(stderr, "score: %s is not a grader's JSON report\n",
			args[0]);
		cJSON_Delete(report);
		return 1;
	}
	int rc = print_scores(report, stages, args, nargs);
	cJSON_Delete(report);
	return rc;
}
