/*
 * check.c: the table of check kinds. See check.h.
 */
#include "check.h"

#include <stdio.h>
#include <string.h>

/* Every kind a rubric may use: one row per kind. */
static const struct check_kind *const KINDS[] = {
	&check_test,
	&check_run,
	&check_valgrind,
};

enum { NKINDS = sizeof KINDS / sizeof *KINDS };

const struct check_kind *check_kind_find(const char *keyword)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(KINDS[i]->keyword, keyword) == 0)
			return KINDS[i];
	return NULL;
}

const char *check_keywords(void)
{
	static char list[256];
	size_t n = 0;
	for (size_t i = 0; i < NKINDS && n < sizeof list; i++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
				      i > 0 ? ", " : "", KINDS[i]->keyword);
	return list;
}

const char *status_name(enum status s)
{
	switch (s) {
	case STATUS_PASSED:
		return "passed";
	case STATUS_FAILED:
		return "failed";
	case STATUS_CRASHED:
		return "crashed";
	case STATUS_TIMEOUT:
		return "timeout";
	case STATUS_SKIPPED:
		return "skipped";
	}
	return "unknown";
}
