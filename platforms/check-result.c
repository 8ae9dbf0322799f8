/*
 * check-result: checks a platform's result file field by field against
 * the platform's documented format, and the score against what the
 * self-test expects (platforms/selftest.sh).
 *
 *     check-result PLATFORM FILE EXPECT [TOTAL]
 *
 * PLATFORM is gradescope, prairielearn or autolab; FILE is results.json
 * (for autolab: everything the autograder printed, whose last line is the
 * autoresult). EXPECT is full (every point: TOTAL of them for autolab,
 * whose result does not say the maximum), zero (a score of 0 on tests
 * that ran), refused (no grading: an empty result that says why) or any.
 * Prints what is wrong and exits 1, or prints a summary and exits 0.
 *
 * The formats, as documented:
 *   Gradescope: "Autograder Specifications", "Output Format"
 *     (https://gradescope-autograders.readthedocs.io/en/latest/specs/)
 *   PrairieLearn: "External grading", "Grading results"
 *     (https://prairielearn.readthedocs.io/en/latest/externalGrading/)
 *   Autolab: "Autograders", the autoresult line
 *     (https://docs.autolab.academy/lab/)
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FILE_CAP = 8 << 20 };

static int problems;

static void problem(const char *what, const char *detail)
{
	fprintf(stderr, "check-result: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	problems++;
}

/* True if s is one of the NULL-terminated words. */
static bool one_of(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

/* Complains about every key of obj that is not in known. */
static void only_keys(const cJSON *obj, const char *const *known,
		      const char *where)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, obj)
	{
		if (!one_of(item->string, known))
			problem(where, item->string);
	}
}

/* The string at key (NULL if absent); complains if required and absent
 * or if present and not a string. */
static const char *string_at(const cJSON *obj, const char *key, bool required,
			     const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL && required)
		problem(where, key);
	else if (v != NULL && !cJSON_IsString(v))
		problem("not a string", key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The number at key (NAN if absent or not a number, with a complaint if
 * required). */
static double number_at(const cJSON *obj, const char *key, bool required,
			const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if ((v == NULL && required) || (v != NULL && !cJSON_IsNumber(v)))
		problem(where, key);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *const VISIBILITY[] = {"hidden", "after_due_date",
					 "after_published", "visible", NULL};

static void gradescope_test(const cJSON *t, double *score, double *max)
{
	static const char *const keys[] = {
		"score",       "max_score",  "status",     "name",
		"name_format", "number",     "output",     "output_format",
		"tags",        "visibility", "extra_data", NULL};
	static const char *const statuses[] = {"passed", "failed", NULL};
	only_keys(t, keys, "a test has an undocumented key");
	const char *name = string_at(t, "name", true, "a test lacks");
	string_at(t, "number", true, "a test lacks");
	string_at(t, "output", true, "a test lacks");
	double s = number_at(t, "score", true, "a test lacks a number");
	double m = number_at(t, "max_score", true, "a test lacks a number");
	const char *status = string_at(t, "status", true, "a test lacks");
	const char *vis = string_at(t, "visibility", true, "a test lacks");
	if (name != NULL && name[0] == '\0')
		problem("a test has an empty name", NULL);
	if (status != NULL && !one_of(status, statuses))
		problem("a test's status is not passed or failed", status);
	if (vis != NULL && !one_of(vis, VISIBILITY))
		problem("a test's visibility is not documented", vis);
	if (!(s >= 0 && s <= m))
		problem("a test's score is not within 0..max_score", name);
	if (status != NULL && (strcmp(status, "passed") == 0) != (s == m))
		problem("a test's status disagrees with its score", name);
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(t, "tags");
	const cJSON *tag;
	if (!cJSON_IsArray(tags) || cJSON_GetArraySize(tags) != 2)
		problem("a test's tags are not [lab, stage]", name);
	cJSON_ArrayForEach(tag, tags)
	{
		if (!cJSON_IsString(tag))
			problem("a test's tag is not a string", name);
	}
	*score += s;
	*max += m;
}

static void gradescope_leaderboard(const cJSON *board)
{
	static const char *const keys[] = {"name", "value", "order", NULL};
	static const char *const orders[] = {"asc", "desc", NULL};
	const cJSON *e;
	if (board != NULL && !cJSON_IsArray(board))
		problem("leaderboard is not an array", NULL);
	cJSON_ArrayForEach(e, board)
	{
		only_keys(e, keys,
			  "a leaderboard entry has an undocumented key");
		string_at(e, "name", true, "a leaderboard entry lacks");
		number_at(e, "value", true, "a leaderboard entry lacks");
		const char *order = string_at(e, "order", false, "");
		if (order != NULL && !one_of(order, orders))
			problem("a leaderboard order is not asc or desc",
				order);
	}
}

/* Checks a Gradescope results.json; returns its score, and its maximum
 * into *max. */
static double check_gradescope(const cJSON *root, double *max)
{
	static const char *const keys[] = {
		"score",         "execution_time",     "output",
		"output_format", "test_output_format", "test_name_format",
		"visibility",    "stdout_visibility",  "extra_data",
		"tests",         "leaderboard",        NULL};
	only_keys(root, keys, "an undocumented key");
	double score = number_at(root, "score", true, "no number");
	double took = number_at(root, "execution_time", false, "no number");
	string_at(root, "output", true, "no");
	const char *vis[] = {string_at(root, "visibility", false, ""),
			     string_at(root, "stdout_visibility", false, "")};
	for (int i = 0; i < 2; i++)
		if (vis[i] != NULL && !one_of(vis[i], VISIBILITY))
			problem("a visibility is not documented", vis[i]);
	if (!isnan(took) && (took < 0 || took != floor(took)))
		problem("execution_time is not a whole number of seconds",
			NULL);
	const cJSON *tests = cJSON_GetObjectItemCaseSensitive(root, "tests");
	const cJSON *t;
	double sum = 0;
	*max = 0;
	if (!cJSON_IsArray(tests))
		problem("no tests array", NULL);
	cJSON_ArrayForEach(t, tests) gradescope_test(t, &sum, max);
	if (cJSON_GetArraySize(tests) > 0 && sum != score)
		problem("score is not the sum of the tests' scores", NULL);
	gradescope_leaderboard(
		cJSON_GetObjectItemCaseSensitive(root, "leaderboard"));
	return score;
}

/* Checks a PrairieLearn results.json; returns its score (0 to 1). */
static double check_prairielearn(const cJSON *root, bool *gradable)
{
	static const char *const keys[] = {"gradable",      "score",  "message",
					   "output",        "images", "tests",
					   "format_errors", NULL};
	static const char *const test_keys[] = {
		"name",    "description", "points", "max_points",
		"message", "output",      "images", NULL};
	only_keys(root, keys, "an undocumented key");
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(root, "gradable");
	if (!cJSON_IsBool(g))
		problem("gradable is not true or false", NULL);
	*gradable = cJSON_IsTrue(g);
	double score = number_at(root, "score", true, "no number");
	if (!(score >= 0 && score <= 1))
		problem("score is not within 0..1", NULL);
	string_at(root, "message", true, "no");
	string_at(root, "output", true, "no");
	const cJSON *tests = cJSON_GetObjectItemCaseSensitive(root, "tests");
	const cJSON *t;
	double points = 0, max = 0;
	if (!cJSON_IsArray(tests))
		problem("no tests array", NULL);
	cJSON_ArrayForEach(t, tests)
	{
		only_keys(t, test_keys, "a test has an undocumented key");
		const char *name = string_at(t, "name", true, "a test lacks");
		string_at(t, "description", false, "");
		string_at(t, "message", false, "");
		string_at(t, "output", false, "");
		double p = number_at(t, "points", true, "a test lacks");
		double m = number_at(t, "max_points", true, "a test lacks");
		if (!(p >= 0 && p <= m))
			problem("a test's points are not within 0..max_points",
				name);
		points += p;
		max += m;
	}
	if (*gradable && max > 0 && fabs(points / max - score) > 1e-9)
		problem("score is not the tests' points over their maximum",
			NULL);
	return score;
}

/* Checks Autolab's autoresult, the last line of text; returns the total. */
static double check_autolab(char *text)
{
	size_t len = strlen(text);
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	char *last = strrchr(text, '\n');
	cJSON *root = cJSON_Parse(last ? last + 1 : text);
	if (root == NULL) {
		problem("the last line is not JSON", last ? last + 1 : text);
		return NAN;
	}
	static const char *const keys[] = {"scores", "scoreboard", NULL};
	only_keys(root, keys, "an undocumented key");
	const cJSON *scores = cJSON_GetObjectItemCaseSensitive(root, "scores");
	const cJSON *board =
		cJSON_GetObjectItemCaseSensitive(root, "scoreboard");
	const cJSON *v;
	double total = 0;
	if (!cJSON_IsObject(scores))
		problem("scores is not an object", NULL);
	cJSON_ArrayForEach(v, scores)
	{
		if (!cJSON_IsNumber(v) || v->valuedouble < 0)
			problem("a score is not a number >= 0", v->string);
		total += cJSON_IsNumber(v) ? v->valuedouble : 0;
	}
	if (!cJSON_IsArray(board) || cJSON_GetArraySize(board) != 3)
		problem("scoreboard is not [total, util, kops]", NULL);
	cJSON_ArrayForEach(v, board)
	{
		if (!cJSON_IsNumber(v))
			problem("a scoreboard entry is not a number", NULL);
	}
	if (cJSON_GetArraySize(board) > 0 &&
	    cJSON_GetArrayItem(board, 0)->valuedouble != total)
		problem("the scoreboard's total is not the sum of the scores",
			NULL);
	cJSON_Delete(root);
	return total;
}

/* Checks the score against what was expected. */
static void check_expected(const char *expect, double score, double full,
			   bool graded)
{
	if (strcmp(expect, "full") == 0 &&
	    !(graded && full > 0 && score == full))
		problem("expected full marks", NULL);
	else if (strcmp(expect, "zero") == 0 && !(graded && score == 0))
		problem("expected a score of 0 on a grading that ran", NULL);
	else if (strcmp(expect, "refused") == 0 && graded)
		problem("expected no grading, with the reason", NULL);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = malloc(FILE_CAP + 1);
	if (f == NULL || text == NULL) {
		fprintf(stderr, "check-result: cannot read %s\n", path);
		exit(2);
	}
	size_t n = fread(text, 1, FILE_CAP, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

int main(int argc, char **argv)
{
	static const char *const expects[] = {"full", "zero", "refused", "any",
					      NULL};
	if (argc < 4 || !one_of(argv[3], expects)) {
		fprintf(stderr, "usage: check-result gradescope|prairielearn|"
				"autolab FILE full|zero|refused|any [TOTAL]\n");
		return 2;
	}
	const char *platform = argv[1], *expect = argv[3];
	char *text = read_file(argv[2]);
	double score = NAN, full = NAN;
	bool graded = true;
	if (strcmp(platform, "autolab") == 0) {
		score = check_autolab(text);
		full = argc > 4 ? atof(argv[4]) : NAN;
		graded = strstr(text, "\"scores\":{}") == NULL;
	} else {
		cJSON *root = cJSON_Parse(text);
		if (!cJSON_IsObject(root)) {
			problem("not a JSON object", argv[2]);
		} else if (strcmp(platform, "gradescope") == 0) {
			score = check_gradescope(root, &full);
			graded = full > 0;
		} else if (strcmp(platform, "prairielearn") == 0) {
			score = check_prairielearn(root, &graded);
			full = 1;
		} else {
			problem("unknown platform", platform);
		}
		cJSON_Delete(root);
	}
	if (problems == 0)
		check_expected(expect, score, full, graded);
	free(text);
	if (problems > 0)
		return 1;
	printf("check-result: %s %s: well formed, score %g (%s)\n", platform,
	       argv[2], score, expect);
	return 0;
}
