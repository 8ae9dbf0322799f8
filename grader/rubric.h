/*
 * rubric.h: a lab's rubric, read from the file `rubric` in the lab's folder.
 * The format is described in CONTRIBUTING.md.
 */
#ifndef RUBRIC_H
#define RUBRIC_H

#include "check.h"

#include <stdbool.h>
#include <stddef.h>

enum { RUBRIC_MAX_FILES = 16, RUBRIC_MAX_STAGES = 16, RUBRIC_MAX_CHECKS = 128 };

struct rubric {
	char *files[RUBRIC_MAX_FILES]; /* student-editable paths in the lab */
	size_t nfiles;
	char *stage_titles[RUBRIC_MAX_STAGES + 1]; /* indexed by stage number */
	int nstages;
	int timeout; /* seconds per check */
	int budget;  /* seconds for the whole lab */
	struct check checks[RUBRIC_MAX_CHECKS];
	size_t nchecks;
};

/*
 * Reads the rubric at path into r. Returns 0 on success; on error returns -1
 * and writes a message naming the file and line into err (of size errcap).
 */
int rubric_load(struct rubric *r, const char *path, char *err, size_t errcap);

/* Frees what rubric_load allocated. */
void rubric_free(struct rubric *r);

#endif
