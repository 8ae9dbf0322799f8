/*
 * check_run.c: the `run` kind: a command of the lab that must succeed.
 *
 *     run STAGE | POINTS | NAME | SECTION | COMMAND
 *
 * COMMAND runs with sh in the lab's folder, which it cannot write. It
 * passes when it exits with status 0 and the lab's program it runs proved
 * that it did its job (harness/proof.h): a signed line on a socket of the
 * grader's, sent at the end of its work, so that code that exits with
 * status 0 early earns nothing. Exit status 77 means "skipped", but only on
 * a row the rubric lets skip (`skippable NAME`): the machine lacks what the
 * check needs.
 */
#include "check.h"
#include "proc.h"
#include "proofs.h"
#include "sandbox.h"
#include "text.h"

#include <stdio.h>

enum { EXIT_SKIP = 77, PROOF_FD = 3 };

/*
 * Why a run that exited with status 0 still fails, from its proofs; NULL
 * if they show it did its job.
 */
const char *check_run_unproven(const struct proofs_seen *seen)
{
	if (seen->forged > 0)
		return "the program's proof of work was forged (a line with "
		       "a wrong token): something in its process wrote it";
	if (seen->good == 0)
		return "exit status 0, but the program never finished its "
		       "work (no proof from the end of its main: did the code "
		       "exit early?)";
	return NULL;
}

/* Judges a finished run into o. */
static void judge(const struct check *c, const struct proc_result *res,
		  const struct proofs_seen *seen, int seconds,
		  struct outcome *o)
{
	bool skip = res->exited && res->exit_code == EXIT_SKIP;
	char tail[OUTCOME_MESSAGE_CAP - 300], how[128];
	text_tail(res->output ? res->output : "",
		  skip           ? 1
		  : res->flooded ? 2
				 : 8,
		  tail, sizeof tail);
	proc_describe(res, seconds, how, sizeof how);
	const char *unproven = check_run_unproven(seen);
	if (proc_succeeded(res) && unproven == NULL) {
		o->status = STATUS_PASSED;
		snprintf(o->message, sizeof o->message, "%s", seen->figures);
	} else if (proc_succeeded(res)) {
		o->status = STATUS_FAILED;
		snprintf(o->message, sizeof o->message, "%s; it printed:\n%s",
			 unproven, tail);
	} else if (skip && c->may_skip) {
		o->status = STATUS_SKIPPED;
		snprintf(o->message, sizeof o->message, "%s", tail);
	} else {
		o->status = res->timed_out ? STATUS_TIMEOUT
			    : res->signal  ? STATUS_CRASHED
					   : STATUS_FAILED;
		snprintf(o->message, sizeof o->message, "%s; it printed:\n%s",
			 how, tail);
	}
}

static void grade(const struct check *c, const struct check_env *env,
		  void **state, struct outcome *o)
{
	(void)state;
	struct proofs proofs;
	if (proofs_open(&proofs, PROOF_FD) != 0) {
		snprintf(o->message, sizeof o->message,
			 "grader error: cannot make the proof socket");
		proofs_close(&proofs);
		return;
	}
	const char *vars[] = {proofs.key_env, proofs.fd_env, NULL};
	struct proc_limits lim = {.seconds = env->seconds,
				  .dir = env->dir,
				  .limit_memory = true,
				  .pass = {{proofs.fds[1], PROOF_FD}},
				  .listen = {proofs.fds[0]},
				  .env = vars};
	struct sandbox_binds binds = {0};
	struct proc_result res;
	sandbox_run(env->sandbox, c->command, &lim, &binds, &res);
	struct proofs_seen seen;
	proofs_read(&proofs, res.channel[0] ? res.channel[0] : "", &seen);
	judge(c, &res, &seen, env->seconds, o);
	proc_result_free(&res);
	proofs_close(&proofs);
}

static void rerun(const struct check *c, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s", c->command);
}

const struct check_kind check_run = {
	.keyword = "run",
	.fields = "STAGE | POINTS | NAME | SECTION | COMMAND",
	.has_command = true,
	.grade = grade,
	.rerun = rerun,
};
