/*
 * check_valgrind.c: the `valgrind` kind: a command that must run clean
 * under Memcheck, in every process it starts.
 *
 *     valgrind STAGE | POINTS | NAME | SECTION | [OPTIONS --] COMMAND
 *
 * Valgrind writes its messages to a socket of the grader's, handed to it
 * as descriptor LOG_FD, the top of a descriptor limit of LOG_FD + 1:
 * Valgrind keeps the top descriptors for itself and refuses the program
 * any use of them, and a socket cannot be reopened through /proc/self/fd.
 * So nothing the program does reaches the log. Every line of the log names
 * its process ("==PID== ..."), and every process Valgrind ran, whether it
 * started it or saw it forked, ends its part with "==PID== ERROR SUMMARY:
 * N errors"; the check passes when every process that appears in the log
 * also ended there with 0 errors, the command exited
 * with status 0, and the lab's program proved it did its job, as in a
 * `run` row (check_run.c).
 */
#define _GNU_SOURCE /* SOCK_CLOEXEC */
#include "check.h"
#include "proc.h"
#include "proofs.h"
#include "sandbox.h"
#include "text.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
	LOG_FD = 1023,
	PROOF_FD = 3,
	SLOWDOWN = 5, /* Valgrind's time limit, in the check's */
	PROCESSES_MAX = 256,
	LINE_CAP = 1024,
};

static const char OPTIONS[] =
	"valgrind --trace-children=yes --leak-check=full "
	"--show-leak-kinds=definite --errors-for-leak-kinds=definite "
	"--num-callers=12";

/* What the log says: processes seen and ended, errors, the first one. */
struct log_summary {
	int begun, ended, unended_pid;
	long errors;
	char first[OUTCOME_MESSAGE_CAP / 2];
};

/* Splits "[OPTIONS --] COMMAND" into Valgrind's options and the command. */
static void split_command(const char *field, char *opts, size_t opts_cap,
			  const char **command)
{
	const char *dashes = strstr(field, " -- ");
	opts[0] = '\0';
	*command = field;
	if (field[0] == '-' && dashes != NULL) {
		snprintf(opts, opts_cap, "%.*s", (int)(dashes - field), field);
		*command = dashes + 4;
	}
}

/* True if body (a log line after "==PID== ") starts an error report. */
static bool starts_error(const char *body)
{
	static const char *const words[] = {
		"Invalid",    "uninitialised", "definitely lost",
		"Mismatched", "overlap",       "fishy",
	};
	if (body[0] == ' ' || body[0] == '\n')
		return false;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strstr(body, words[i]) != NULL)
			return true;
	return false;
}

/* Finds pid in pids (adding it if new); returns its index, or -1. */
static int pid_index(int *pids, int *n, int pid)
{
	for (int i = 0; i < *n; i++)
		if (pids[i] == pid)
			return i;
	if (*n == PROCESSES_MAX)
		return -1;
	pids[*n] = pid;
	return (*n)++;
}

/* Reads the whole log: each process's header and summary, and the first
 * error report. */
static void read_log(const char *log, struct log_summary *s)
{
	int pids[PROCESSES_MAX], ended[PROCESSES_MAX] = {0}, n = 0;
	bool in_error = false;
	*s = (struct log_summary){0};
	for (const char *p = log; *p != '\0';) {
		size_t len = strcspn(p, "\n");
		char line[LINE_CAP];
		snprintf(line, sizeof line, "%.*s\n",
			 (int)(len < LINE_CAP - 2 ? len : LINE_CAP - 2), p);
		p += len + (p[len] == '\n');
		int pid, off = 0;
		if (sscanf(line, "==%d==%n", &pid, &off) != 1 || off == 0)
			continue;
		const char *body = line + off + (line[off] == ' ');
		int i = pid_index(pids, &n, pid);
		long count;
		if (i >= 0 && sscanf(body, "ERROR SUMMARY: %ld", &count) == 1)
			ended[i]++, s->errors += count;
		else if (s->first[0] == '\0' || in_error) {
			/* an error report runs from its first line to a blank one */
			in_error =
				in_error ? body[0] != '\n' : starts_error(body);
			if (in_error)
				strncat(s->first, body,
					sizeof s->first - strlen(s->first) - 1);
		}
	}
	s->begun = n;
	for (int i = 0; i < n; i++) {
		s->ended += ended[i] > 0;
		if (ended[i] == 0 && s->unended_pid == 0)
			s->unended_pid = pids[i];
	}
}

/* Judges the run from its log, its proofs and its exit into o. */
static void judge(const struct proc_result *res, const struct proofs_seen *seen,
		  int seconds, struct outcome *o)
{
	struct log_summary s;
	read_log(res->channel[0] ? res->channel[0] : "", &s);
	const char *unproven = check_run_unproven(seen);
	char how[128], tail[OUTCOME_MESSAGE_CAP / 2];
	proc_describe(res, seconds, how, sizeof how);
	text_tail(res->output ? res->output : "", 8, tail, sizeof tail);
	if (s.errors > 0) {
		o->status = STATUS_FAILED;
		snprintf(o->message, sizeof o->message,
			 "memcheck found %ld error(s); the first:\n%s",
			 s.errors, s.first);
	} else if (res->timed_out || !proc_succeeded(res) || s.begun == 0) {
		o->status = res->timed_out ? STATUS_TIMEOUT : STATUS_FAILED;
		snprintf(o->message, sizeof o->message,
			 "under valgrind: %s; it printed:\n%s", how, tail);
	} else if (s.unended_pid != 0) {
		o->status = STATUS_FAILED;
		snprintf(o->message, sizeof o->message,
			 "process %d ended without Valgrind's error summary "
			 "(killed by SIGKILL?), so its errors are unknown; "
			 "it printed:\n%s",
			 s.unended_pid, tail);
	} else if (unproven != NULL) {
		o->status = STATUS_FAILED;
		snprintf(o->message, sizeof o->message,
			 "under valgrind: %s; it printed:\n%s", unproven, tail);
	} else {
		o->status = STATUS_PASSED;
		snprintf(o->message, sizeof o->message, "%s", seen->figures);
	}
}

/* Runs the command under Valgrind with its log on log[1] and the proof
 * socket of proofs; judges it into o. */
static void run_valgrind(const struct check *c, const struct check_env *env,
			 int log[2], struct proofs *proofs, struct outcome *o)
{
	char opts[1024], cmd[8192];
	const char *command;
	split_command(c->command, opts, sizeof opts, &command);
	snprintf(cmd, sizeof cmd, "%s --log-fd=%d %s %s", OPTIONS, LOG_FD, opts,
		 command);
	int seconds = env->seconds * SLOWDOWN;
	const char *vars[] = {proofs->key_env, proofs->fd_env, NULL};
	struct proc_limits lim = {
		.seconds = seconds,
		.dir = env->dir,
		.descriptors = LOG_FD + 1,
		.pass = {{log[1], LOG_FD}, {proofs->fds[1], PROOF_FD}},
		.listen = {log[0], proofs->fds[0]},
		.env = vars};
	struct sandbox_binds binds = {0};
	struct proc_result res;
	sandbox_run(env->sandbox, cmd, &lim, &binds, &res);
	struct proofs_seen seen;
	proofs_read(proofs, res.channel[1] ? res.channel[1] : "", &seen);
	judge(&res, &seen, seconds, o);
	proc_result_free(&res);
}

static void grade(const struct check *c, const struct check_env *env,
		  void **state, struct outcome *o)
{
	(void)state;
	int log[2] = {-1, -1};
	struct proofs proofs;
	if (proofs_open(&proofs, PROOF_FD) == 0 &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, log) == 0 &&
	    fcntl(log[0], F_SETFL, O_NONBLOCK) == 0)
		run_valgrind(c, env, log, &proofs, o);
	else
		snprintf(o->message, sizeof o->message,
			 "grader error: cannot make Valgrind's log socket");
	proofs_close(&proofs);
	for (int i = 0; i < 2; i++)
		if (log[i] >= 0)
			close(log[i]);
}

static void rerun(const struct check *c, char *buf, size_t cap)
{
	char opts[1024];
	const char *command;
	split_command(c->command, opts, sizeof opts, &command);
	snprintf(buf, cap, "valgrind --leak-check=full %s%s%s", opts,
		 opts[0] ? " " : "", command);
}

const struct check_kind check_valgrind = {
	.keyword = "valgrind",
	.fields = "STAGE | POINTS | NAME | SECTION | [OPTIONS --] COMMAND",
	.has_command = true,
	.grade = grade,
	.rerun = rerun,
};
