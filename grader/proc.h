/*
 * proc.h: runs a command in a child process with a time limit, resource
 * limits and its output captured, so that nothing the command does (crash,
 * hang, flood its output, fork children) can take the grader down with it.
 */
#ifndef PROC_H
#define PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
	PROC_CHANNELS = 2,                    /* extra descriptors read */
	PROC_PASS_MAX = 4,                    /* descriptors passed on */
	PROC_JOIN_MAX = 2,                    /* control groups joined */
	PROC_CHANNEL_KEEP = 1024 * 1024,      /* bytes kept of each */
	PROC_OUTPUT_KEEP = 64 * 1024,         /* bytes of output kept */
	PROC_OUTPUT_FLOOD = 16 * 1024 * 1024, /* bytes that count as a flood */
};

/* A descriptor of the grader's given to the command as another number. */
struct proc_pass {
	int fd; /* the grader's descriptor; 0 for none */
	int as; /* the number the command sees it as (above 2) */
};

struct proc_limits {
	int seconds;       /* wall-clock limit; the process group is killed */
	bool limit_memory; /* cap the address space (off under Valgrind) */
	int descriptors;   /* if > 0: RLIMIT_NOFILE, soft and hard */
	const char *dir;   /* working directory */
	struct proc_pass pass[PROC_PASS_MAX]; /* every other descriptor of the
					       * grader is closed */
	int listen[PROC_CHANNELS]; /* if > 0: read while it runs, into
				    * proc_result.channel (non-blocking) */
	const char *const *env;  /* NAME=VALUE words for the command, or NULL */
	int join[PROC_JOIN_MAX]; /* if > 0: a cgroup.procs the command joins
				  * before it starts (cgroup.h) */
};

struct proc_result {
	bool started; /* false if the command could not be started */
	bool exited;  /* exited normally, with exit_code */
	int exit_code;
	int signal;     /* the signal that killed it (or, when it ran
			    * under sh, the command sh ran), or 0 */
	bool timed_out; /* killed at the time limit */
	bool flooded;   /* killed for printing more than PROC_OUTPUT_FLOOD */
	char *output;   /* stdout and stderr, at most PROC_OUTPUT_KEEP bytes */
	size_t output_len;
	size_t output_total;          /* all bytes printed, kept or not */
	char *channel[PROC_CHANNELS]; /* what came on lim->listen[i], at most
				       * PROC_CHANNEL_KEEP bytes, or NULL */
	size_t channel_len[PROC_CHANNELS];
};

/*
 * Runs `sh -c command` under the limits and fills res. Returns 0 if the
 * command ran (whatever its outcome), -1 if it could not be started.
 * The caller frees res->output with proc_result_free().
 */
int proc_run(const char *command, const struct proc_limits *lim,
	     struct proc_result *res);

/* The same for a program and its arguments (argv[0] is looked up in PATH). */
int proc_run_argv(char *const argv[], const struct proc_limits *lim,
		  struct proc_result *res);

void proc_result_free(struct proc_result *res);

/*
 * From now on, no command runs past `seconds` from now, whatever its own
 * limit (0: no such deadline): a lab's whole time budget. A command cut
 * short by it counts as timed out.
 */
void proc_set_deadline(int seconds);

/* Whole seconds left before that deadline (INT_MAX without one). */
int proc_seconds_left(void);

/*
 * Makes the grader the subreaper of what it starts, so that a process of
 * a check that leaves its process group is still found and killed when
 * the check ends. Call once, before the first proc_run.
 */
void proc_start(void);

/*
 * From now on SIGINT, SIGTERM and SIGHUP kill the running command and its
 * orphans, then call cleanup (in normal context, not in the handler: it may
 * fork, allocate, print) and make the grader die of the signal, so that its
 * caller sees how it ended.
 */
void proc_stop_on_signals(void (*cleanup)(void));

/*
 * Runs job(i, arg) for every i from 0 to n - 1, each in a child process of
 * its own, at most jobs of them at a time, and calls ended(i, status, arg)
 * here as each child ends (status as waitpid() gives it; -1 if it was
 * lost). jobs must be at least 1. A child starts
 * with a copy of this process's memory: what it must hand back goes into
 * memory mapped shared before the call. The children are subreapers of
 * their own commands, and a stop signal (proc_stop_on_signals) kills them
 * and theirs before the clean-up runs. If a child cannot be made, job runs
 * here instead and ended() gets status 0. Call with stdout flushed.
 */
void proc_each(size_t n, int jobs, void (*job)(size_t i, void *arg),
	       void (*ended)(size_t i, int status, void *arg), void *arg);

/* Returns true if the command ran, exited and exited with status 0. */
bool proc_succeeded(const struct proc_result *res);

/* Describes the outcome in a few words ("exit status 2", "killed by
 * signal 11 (Segmentation fault)", "timed out after 10 s") into buf. */
void proc_describe(const struct proc_result *res, int seconds, char *buf,
		   size_t cap);

/*
 * Opens a file that a check wrote (a report, a log) for reading, refusing
 * anything but a regular file reached without a symbolic link: a check
 * could leave a link to a file of the grader's, or a FIFO that would block
 * the grader forever. Returns NULL if it cannot.
 */
FILE *proc_open_output(const char *path);

/* Writes s into buf (of size cap) as one single-quoted shell word and
 * returns buf; a string too long for buf is cut short, still quoted. */
const char *proc_quote(const char *s, char *buf, size_t cap);

#endif
