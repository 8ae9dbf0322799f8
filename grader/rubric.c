/*
 * rubric.c: reads a lab's rubric. One check per line, fields separated by
 * " | " (see CONTRIBUTING.md):
 *
 *     editable FILE
 *     timeout SECONDS
 *     stage N | TITLE
 *     KIND STAGE | POINTS | NAME | SECTION [| COMMAND]
 *     skippable NAME
 *     budget SECONDS
 *
 * KIND is the keyword of a check kind (check.h: test, run, valgrind).
 * `skippable NAME` lets the check above it named NAME be skipped (it
 * leaves the total) when the machine lacks what it needs; a skip on any
 * other row fails it, since the student's code may have asked for it.
 * `budget` caps the wall-clock time of the whole lab.
 */
#include "rubric.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	LINE_CAP = 4096,
	MAX_FIELDS = 6,
	DEFAULT_TIMEOUT = 10,
	DEFAULT_BUDGET = 120
};

static const char FIELD_SEP[] = " | ";

/* Removes leading and trailing white space in place; returns the start. */
static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Splits s at each " | " into at most cap trimmed fields; returns the count. */
static int split_fields(char *s, char **fields, int cap)
{
	int n = 0;
	while (n < cap) {
		char *sep = strstr(s, FIELD_SEP);
		if (sep != NULL && n < cap - 1)
			*sep = '\0';
		fields[n++] = trim(s);
		if (sep == NULL || n == cap)
			break;
		s = sep + strlen(FIELD_SEP);
	}
	return n;
}

/* Parses a whole positive number; returns -1 if s is not one. */
static int parse_count(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0 || v > 1000000)
		return -1;
	return (int)v;
}

static void set_error(char *err, size_t cap, const char *path, int line,
		      const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(err, cap, "%s:%d: %s", path, line, what);
}

/* Fills check c, of kind k, from the fields after the keyword. Returns
 * NULL or an error. */
static const char *parse_check(struct check *c, const struct check_kind *k,
			       char **f, int n)
{
	static char usage[256];
	*c = (struct check){.kind = k};
	if (n != (k->has_command ? 5 : 4)) {
		snprintf(usage, sizeof usage, "a %s line needs %s", k->keyword,
			 k->fields);
		return usage;
	}
	c->stage = parse_count(f[0]);
	c->points = parse_count(f[1]);
	if (c->stage < 1 || c->stage > RUBRIC_MAX_STAGES)
		return "the stage must be a number from 1 to 16";
	if (c->points < 0)
		return "the points must be a whole number";
	c->name = strdup(f[2]);
	c->section = strdup(f[3]);
	c->command = k->has_command ? strdup(f[4]) : NULL;
	return NULL;
}

/*
 * Handles one non-empty, non-comment line. Returns NULL or an error.
 * Longer than our 40 lines: one branch per keyword of the rubric's
 * format, read top to bottom like the format's description.
 */
static const char *parse_line(struct rubric *r, char *line)
{
	char *rest = line + strcspn(line, " \t");
	if (*rest != '\0')
		*rest++ = '\0';
	char *fields[MAX_FIELDS];
	int n = split_fields(rest, fields, MAX_FIELDS);
	if (strcmp(line, "editable") == 0) {
		if (n != 1 || fields[0][0] == '\0' || strstr(fields[0], ".."))
			return "editable needs one path inside the lab";
		if (r->nfiles == RUBRIC_MAX_FILES)
			return "too many editable files";
		r->files[r->nfiles++] = strdup(fields[0]);
	} else if (strcmp(line, "timeout") == 0) {
		r->timeout = parse_count(fields[0]);
		if (n != 1 || r->timeout < 1)
			return "timeout needs a number of seconds";
	} else if (strcmp(line, "budget") == 0) {
		r->budget = parse_count(fields[0]);
		if (n != 1 || r->budget < 1)
			return "budget needs a number of seconds";
	} else if (strcmp(line, "skippable") == 0) {
		size_t i = 0;
		while (n == 1 && i < r->nchecks &&
		       strcmp(r->checks[i].name, fields[0]) != 0)
			i++;
		if (n != 1 || i == r->nchecks)
			return "skippable names a check on a line above it";
		r->checks[i].may_skip = true;
	} else if (strcmp(line, "stage") == 0) {
		int s = n == 2 ? parse_count(fields[0]) : -1;
		if (s != r->nstages + 1 || s > RUBRIC_MAX_STAGES)
			return "stages must be numbered 1, 2, 3... in order, "
			       "with a title";
		r->stage_titles[s] = strdup(fields[1]);
		r->nstages = s;
	} else {
		static char unknown[300];
		const struct check_kind *kind = check_kind_find(line);
		snprintf(unknown, sizeof unknown,
			 "unknown keyword (editable, timeout, budget, stage, "
			 "skippable, %s)",
			 check_keywords());
		if (kind == NULL)
			return unknown;
		if (r->nchecks == RUBRIC_MAX_CHECKS)
			return "too many checks";
		struct check *c = &r->checks[r->nchecks];
		const char *e = parse_check(c, kind, fields, n);
		r->nchecks++; /* counted even on error, so rubric_free frees it */
		if (e != NULL)
			return e;
		if (c->stage > r->nstages)
			return "the check's stage has no stage line above it";
	}
	return NULL;
}

int rubric_load(struct rubric *r, const char *path, char *err, size_t errcap)
{
	*r = (struct rubric){.timeout = DEFAULT_TIMEOUT,
			     .budget = DEFAULT_BUDGET};
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errcap, "cannot read the rubric %s", path);
		return -1;
	}
	char buf[LINE_CAP];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(buf, sizeof buf, f) != NULL) {
		lineno++;
		char *line = trim(buf);
		if (line[0] == '\0' || line[0] == '#')
			continue;
		const char *e = parse_line(r, line);
		if (e != NULL) {
			set_error(err, errcap, path, lineno, "%s", e);
			rc = -1;
		}
	}
	fclose(f);
	if (rc == 0 && (r->nfiles == 0 || r->nchecks == 0)) {
		set_error(err, errcap, path, lineno,
			  "a rubric needs at least one editable file and one "
			  "check");
		rc = -1;
	}
	if (rc != 0)
		rubric_free(r);
	return rc;
}

void rubric_free(struct rubric *r)
{
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	for (int s = 1; s <= r->nstages; s++)
		free(r->stage_titles[s]);
	for (size_t i = 0; i < r->nchecks; i++) {
		free(r->checks[i].name);
		free(r->checks[i].section);
		free(r->checks[i].command);
	}
	*r = (struct rubric){0};
}
