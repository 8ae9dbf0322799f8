/*
 * tests.h: running a lab's Criterion tests (the binary run-tests) and
 * reading their outcomes from the harness's report file, never from what
 * the tests print.
 */
#ifndef TESTS_H
#define TESTS_H

#include "lab.h"

struct test_list {
	char **names; /* "suite/test", as run-tests --list shows them */
	size_t count, cap;
	char failure[OUTCOME_MESSAGE_CAP]; /* why listing failed, if it did */
	enum status failure_status;
};

/*
 * Lists the tests in dir/run-tests, and checks the list holds every test
 * the official sources in official/tests/ declare. Returns 0, or -1 with
 * list->failure.
 */
int tests_list(const char *dir, const char *official, int seconds,
	       struct test_list *list);

/* Marks o as failed because the tests could not even be listed. */
void tests_describe_list_failure(const struct test_list *list,
				 struct outcome *o);

/*
 * Runs the tests in dir matching c->name and fills o. The harness writes
 * its report into own, a new folder of this check's.
 */
void tests_grade(const struct check *c, const char *dir, const char *own,
		 int seconds, const struct test_list *list, struct outcome *o);

void tests_free(struct test_list *list);

#endif
