/*
 * check.h: the kinds of check a rubric row can be.
 *
 * A rubric line starts with a kind's keyword (test, run, valgrind) and
 * holds its fields, separated by " | ":
 *
 *     KEYWORD STAGE | POINTS | NAME | SECTION [| COMMAND]
 *
 * Each kind lives in a file of its own (check_test.c, check_run.c,
 * check_valgrind.c) and is one row of the table in check.c. To add a kind,
 * write its file, defining a `struct check_kind`, and add it to that table:
 * the rubric reader, the grading loop and every report find it there.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdbool.h>
#include <stddef.h>

enum { OUTCOME_MESSAGE_CAP = 2048, OUTCOME_RERUN_CAP = 1024 };

enum status {
	STATUS_PASSED,
	STATUS_FAILED,
	STATUS_CRASHED,
	STATUS_TIMEOUT,
	STATUS_SKIPPED,
};

struct check_kind;

/* One row of a rubric. */
struct check {
	const struct check_kind *kind;
	int stage;     /* the stage the check belongs to, 1.. */
	int points;    /* what passing earns */
	char *name;    /* test glob (SUITE/TEST) or a short name */
	char *section; /* chapter file and anchor to reread */
	char *command; /* the shell command, for kinds that have one */
	bool may_skip; /* a `skippable` line names it: the machine may lack
			* what it needs */
};

/* What grading one check gave. */
struct outcome {
	const struct check *check;
	enum status status;
	int score;     /* points earned */
	int max_score; /* points available: 0 when skipped */
	char message[OUTCOME_MESSAGE_CAP];
	char rerun[OUTCOME_RERUN_CAP]; /* the command that reruns the check */
	double seconds; /* how long grading it took (wall clock) */
	bool stalled;   /* the lab's code hung before any test body ran: the
		       * lab's other checks would hang too (lab.c) */
};

struct sandbox; /* sandbox.h */

/* Where a check runs: the same for every kind. */
struct check_env {
	const struct sandbox *sandbox; /* NULL: unconfined (--sandbox off) */
	const char *dir;      /* the built lab; read-only to the check */
	const char *own;      /* a new, empty folder of this check's own */
	const char *official; /* the grader's copy of the lab */
	int seconds;          /* the time limit of one command */
};

struct check_kind {
	const char *keyword; /* the first word of its rubric lines */
	const char *fields;  /* its fields, for the rubric reader's errors */
	bool has_command;    /* a fifth field, COMMAND */
	/*
	 * Runs check c and fills o's status and message. *state is the
	 * kind's own, kept across the lab's checks (NULL at the first).
	 */
	void (*grade)(const struct check *c, const struct check_env *env,
		      void **state, struct outcome *o);
	/* Writes the command that reruns c by hand in the lab's folder. */
	void (*rerun)(const struct check *c, char *buf, size_t cap);
	/* Frees a state grade() made; NULL if the kind keeps none. */
	void (*forget)(void *state);
};

extern const struct check_kind check_test, check_run, check_valgrind;

/* The kind whose keyword this is, or NULL. */
const struct check_kind *check_kind_find(const char *keyword);

/* The keywords of every kind, as "test, run, valgrind". */
const char *check_keywords(void);

const char *status_name(enum status s);

struct proofs_seen; /* proofs.h */

/* Why a command that exited with status 0 still fails by its proofs of
 * work (harness/proof.h), or NULL if they show it did its job. */
const char *check_run_unproven(const struct proofs_seen *seen);

#endif
