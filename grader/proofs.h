/*
 * proofs.h: the grader's side of a lab program's proof that it did its job
 * (harness/proof.h): a socket for the proofs, a key for this run only, and
 * the check of what came.
 */
#ifndef PROOFS_H
#define PROOFS_H

#include "token.h"

#include <stddef.h>

struct proofs {
	int fds[2]; /* [0]: the grader reads it; [1]: passed to the program */
	unsigned char key[TOKEN_KEY_BYTES];
	char key_env[64]; /* GRADER_PROOF_KEY=HEX */
	char fd_env[32];  /* GRADER_PROOF_FD=N */
};

/* What came on the socket. */
struct proofs_seen {
	int good;          /* proofs with the right token */
	int forged;        /* lines with a wrong token, or no proof at all */
	char figures[256]; /* "PROGRAM FIGURES..." of the last good one */
};

/* Makes the socket and a fresh key; the program gets the socket as
 * descriptor `as`. Returns 0, or -1. */
int proofs_open(struct proofs *p, int as);

void proofs_close(struct proofs *p);

/* Checks every line of text (what came on the socket) against the key. */
void proofs_read(const struct proofs *p, const char *text,
		 struct proofs_seen *seen);

#endif
