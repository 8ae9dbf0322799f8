/*
 * sandbox.h: runs a submission's code under bubblewrap (bwrap), so that a
 * hostile submission cannot read other submissions or the solutions, write
 * outside its scratch folder, or reach the network.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

enum sandbox_mode {
	SANDBOX_AUTO, /* use bubblewrap if it works here, else say why not */
	SANDBOX_ON,   /* use it, or refuse to grade */
	SANDBOX_OFF,  /* never use it */
};

/*
 * Sets up the sandbox for the checks of one grading run: they see the
 * system's programs and libraries (/usr and the few files of /etc they
 * need) read-only, root/mk and root/grader/harness read-only, the folders
 * proc_run binds for each run (proc.h), and nothing else; no network, no
 * privilege, their own process ids, and an empty /tmp. Tries it once, in
 * scratch. Returns true if the sandbox is on; otherwise puts the reason
 * into why.
 */
bool sandbox_start(enum sandbox_mode mode, const char *root,
		   const char *scratch, char *why, size_t cap);

/* Parses "auto", "on" or "off"; returns false for anything else. */
bool sandbox_parse_mode(const char *text, enum sandbox_mode *mode);

#endif
