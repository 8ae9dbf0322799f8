/*
 * report.c: the table, the JSON report, the CSV row, and what the
 * platforms' reports (report_*.c) share.
 */
#include "report.h"

#include <cjson/cJSON.h>
#include <string.h>

static const char *status_label(enum status s)
{
	static const char *const labels[] = {
		[STATUS_PASSED] = "PASS",   [STATUS_FAILED] = "FAIL",
		[STATUS_CRASHED] = "CRASH", [STATUS_TIMEOUT] = "TIMEOUT",
		[STATUS_SKIPPED] = "SKIP",
	};
	return labels[s];
}

void report_check_title(const struct outcome *o, char *buf, size_t cap)
{
	snprintf(buf, cap, "stage %d: %s", o->check->stage, o->check->name);
}

/* Prints text indented, one line at a time, at most max_lines lines. */
static void print_indented(FILE *out, const char *label, const char *text,
			   int max_lines)
{
	int n = 0;
	for (const char *line = text; *line != '\0' && n < max_lines; n++) {
		const char *end = strchr(line, '\n');
		int len = end ? (int)(end - line) : (int)strlen(line);
		fprintf(out, "         %-8s %.*s\n", n == 0 ? label : "", len,
			line);
		line += len + (end != NULL);
	}
}

void report_table(FILE *out, const struct lab_result *lab, bool verbose)
{
	fprintf(out, "\n== %s ==\n", lab->name);
	if (!lab->rubric_ok) {
		fprintf(out, "  grader error: %s\n", lab->problem);
		return;
	}
	if (lab->warnings[0] != '\0')
		print_indented(out, "warnings", lab->warnings,
			       verbose ? 40 : 6);
	int stage = 0;
	for (size_t i = 0; i < lab->noutcomes; i++) {
		const struct outcome *o = &lab->outcomes[i];
		if (o->check->stage != stage) {
			stage = o->check->stage;
			fprintf(out, "  Stage %d: %s\n", stage,
				lab->rubric.stage_titles[stage]);
		}
		char pts[32];
		if (o->status == STATUS_SKIPPED)
			snprintf(pts, sizeof pts, "  -");
		else
			snprintf(pts, sizeof pts, "%2d/%-2d", o->score,
				 o->max_score);
		fprintf(out, "  %-7s %s  %s\n", status_label(o->status), pts,
			o->check->name);
		if (o->status == STATUS_PASSED)
			continue;
		print_indented(out,
			       o->status == STATUS_SKIPPED ? "why" : "message",
			       o->message, verbose ? 60 : 8);
		if (o->status == STATUS_SKIPPED)
			continue;
		fprintf(out, "         %-8s chapters/%s\n", "reread",
			o->check->section);
		fprintf(out, "         %-8s %s\n", "rerun", o->rerun);
	}
	fprintf(out, "  %s: %d/%d\n", lab->name, lab->score, lab->max_score);
}

static cJSON *outcome_json(const struct outcome *o)
{
	char title[512];
	report_check_title(o, title, sizeof title);
	cJSON *t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "name", title);
	cJSON_AddNumberToObject(t, "score", o->score);
	cJSON_AddNumberToObject(t, "max_score", o->max_score);
	cJSON_AddStringToObject(t, "status", status_name(o->status));
	cJSON_AddStringToObject(t, "message", o->message);
	cJSON_AddNumberToObject(t, "stage", o->check->stage);
	cJSON_AddStringToObject(t, "section", o->check->section);
	cJSON_AddStringToObject(t, "rerun", o->rerun);
	cJSON_AddNumberToObject(t, "seconds", (int)(o->seconds * 100) / 100.0);
	return t;
}

int report_write_json(const char *path, cJSON *root)
{
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	FILE *f = text ? fopen(path, "w") : NULL;
	int rc = -1;
	if (f != NULL) {
		rc = fputs(text, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;
		rc = fclose(f) == 0 ? rc : -1;
	}
	cJSON_free(text);
	return rc;
}

int report_json(const char *path, const struct lab_result *labs, size_t n,
		const char *sandbox)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_CreateArray();
	int score = 0, max = 0;
	for (size_t i = 0; i < n; i++) {
		cJSON *lab = cJSON_CreateObject();
		cJSON_AddStringToObject(lab, "name", labs[i].name);
		cJSON_AddNumberToObject(lab, "score", labs[i].score);
		cJSON_AddNumberToObject(lab, "max_score", labs[i].max_score);
		if (labs[i].problem[0] != '\0')
			cJSON_AddStringToObject(lab, "problem",
						labs[i].problem);
		cJSON *tests = cJSON_AddArrayToObject(lab, "tests");
		for (size_t k = 0; k < labs[i].noutcomes; k++)
			cJSON_AddItemToArray(
				tests, outcome_json(&labs[i].outcomes[k]));
		cJSON_AddItemToArray(arr, lab);
		score += labs[i].score;
		max += labs[i].max_score;
	}
	cJSON_AddNumberToObject(root, "score", score);
	cJSON_AddNumberToObject(root, "max_score", max);
	cJSON_AddStringToObject(root, "sandbox", sandbox);
	cJSON_AddItemToObject(root, "labs", arr);
	return report_write_json(path, root);
}

/* Writes text as one CSV field: quoted, with its quotes doubled. */
static void csv_field(FILE *f, const char *text)
{
	fputc('"', f);
	for (; *text != '\0'; text++) {
		if (*text == '"')
			fputc('"', f);
		fputc(*text == '\n' ? ' ' : *text, f);
	}
	fputc('"', f);
}

int report_csv(const char *path, const char *submission,
	       const struct lab_result *labs, size_t n, const char *sandbox)
{
	FILE *f = fopen(path, "a");
	if (f == NULL)
		return -1;
	if (ftell(f) == 0) {
		fputs("submission", f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, ",%s,%s_max", labs[i].name, labs[i].name);
		fputs(",score,max_score,sandbox\n", f);
	}
	int score = 0, max = 0;
	csv_field(f, submission);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, ",%d,%d", labs[i].score, labs[i].max_score);
		score += labs[i].score;
		max += labs[i].max_score;
	}
	fprintf(f, ",%d,%d,", score, max);
	csv_field(f, sandbox);
	fputc('\n', f);
	return fclose(f) == 0 ? 0 : -1;
}

void report_check_text(const struct outcome *o, char *buf, size_t cap)
{
	if (o->status == STATUS_PASSED || o->status == STATUS_SKIPPED)
		snprintf(buf, cap, "%s%s%s", status_name(o->status),
			 o->message[0] != '\0' ? ": " : "", o->message);
	else
		snprintf(buf, cap, "%s: %s\nreread: chapters/%s\nrerun: %s",
			 status_name(o->status), o->message, o->check->section,
			 o->rerun);
}

void report_summary(const struct lab_result *labs, size_t n,
		    const struct report_run *run, char *buf, size_t cap)
{
	size_t len = (size_t)snprintf(buf, cap, "Sandbox: %s\n", run->sandbox);
	for (size_t i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(
			buf + len, cap - len, "%s: %d/%d%s%s\n", labs[i].name,
			labs[i].score, labs[i].max_score,
			labs[i].problem[0] != '\0' ? ": " : "",
			labs[i].problem[0] != '\0' ? labs[i].problem : "");
}

/* Reads "traces=N" and the figures after it from an mdriver proof. */
static bool mdriver_figures(const char *message, int *traces, double *util,
			    double *kops)
{
	const char *p = strstr(message, "mdriver traces=");
	*kops = 0;
	return p != NULL &&
	       sscanf(p, "mdriver traces=%d correct=%*d util=%lf kops=%lf",
		      traces, util, kops) >= 2;
}

bool report_alloc_figures(const struct lab_result *labs, size_t n, double *util,
			  double *kops)
{
	int best = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(labs[i].name, "alloc") != 0)
			continue;
		for (size_t k = 0; k < labs[i].noutcomes; k++) {
			const struct outcome *o = &labs[i].outcomes[k];
			int traces;
			double u, ops;
			if (o->status == STATUS_PASSED &&
			    mdriver_figures(o->message, &traces, &u, &ops) &&
			    traces > best) {
				best = traces;
				*util = u;
				*kops = ops;
			}
		}
	}
	return best > 0;
}
