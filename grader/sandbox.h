/*
 * sandbox.h: runs a submission's code under bubblewrap (bwrap), so that a
 * hostile submission cannot read other submissions or the solutions, write
 * outside its scratch folder, or reach the network.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include "proc.h"

#include <stdbool.h>
#include <stddef.h>

enum sandbox_mode {
	SANDBOX_AUTO, /* use bubblewrap if it works here, else refuse */
	SANDBOX_ON,   /* use it, or refuse to grade */
	SANDBOX_OFF,  /* never use it: only for code one trusts */
};

/* The sandbox of one grading run; NULL runs commands unconfined. */
struct sandbox;

/* The folders one command sees besides the system's (all optional). */
struct sandbox_binds {
	bool dir_writable;    /* the working directory may be written (the
			       * build); otherwise it is read-only */
	const char *writable; /* another folder it may write */
	const char *readable; /* another folder it may read */
};

/*
 * Sets up the sandbox for the checks of one grading run: they see the
 * system's programs and libraries (/usr and the few files of /etc they
 * need) read-only, root/mk and root/grader/harness read-only, the folders
 * sandbox_run binds for each command, and nothing else; no network, no
 * privilege, their own process ids, and an empty /tmp. All of them run in
 * one control group that caps their memory and processes together, where
 * the machine lets the grader make one (cgroup.h). Tries it once, in
 * scratch. Returns the sandbox, or NULL with the reason in why.
 */
struct sandbox *sandbox_start(const char *root, const char *scratch, char *why,
			      size_t cap);

void sandbox_stop(struct sandbox *sb);

/*
 * Runs `sh -c command` as proc_run does (proc.h), in the folder lim->dir,
 * inside the sandbox sb with the folders binds names; with sb NULL,
 * directly. lim->env reaches the command either way.
 */
int sandbox_run(const struct sandbox *sb, const char *command,
		const struct proc_limits *lim,
		const struct sandbox_binds *binds, struct proc_result *res);

/* Describes the caps on the submission's memory and processes. */
const char *sandbox_caps(const struct sandbox *sb);

/* Parses "auto", "on" or "off"; returns false for anything else. */
bool sandbox_parse_mode(const char *text, enum sandbox_mode *mode);

#endif
