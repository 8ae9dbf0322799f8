/*
 * proofs.c: the grader's side of the programs' proofs. See proofs.h.
 */
#define _GNU_SOURCE /* SOCK_CLOEXEC */
#include "proofs.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

int proofs_open(struct proofs *p, int as)
{
	*p = (struct proofs){.fds = {-1, -1}};
	char hex[TOKEN_KEY_HEX_CAP];
	if (getrandom(p->key, sizeof p->key, 0) != (ssize_t)sizeof p->key ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->fds) != 0 ||
	    fcntl(p->fds[0], F_SETFL, O_NONBLOCK) != 0)
		return -1;
	token_key_to_hex(p->key, hex);
	snprintf(p->key_env, sizeof p->key_env, "GRADER_PROOF_KEY=%s", hex);
	snprintf(p->fd_env, sizeof p->fd_env, "GRADER_PROOF_FD=%d", as);
	return 0;
}

void proofs_close(struct proofs *p)
{
	for (int i = 0; i < 2; i++)
		if (p->fds[i] >= 0)
			close(p->fds[i]);
	memset(p->key, 0, sizeof p->key);
}

/* Checks one line, "proof MESSAGE TOKEN"; returns 1 if its token is right
 * (the message into figures), 0 if not. */
static int check_line(const struct proofs *p, char *line, char *figures,
		      size_t cap)
{
	char *space = strrchr(line, ' ');
	if (strncmp(line, "proof ", 6) != 0 || space == NULL ||
	    space < line + 6)
		return 0;
	*space = '\0';
	const char *message = line + 6;
	char token[TOKEN_HEX_CAP];
	token_of(p->key, message, token);
	if (strcmp(token, space + 1) != 0)
		return 0;
	snprintf(figures, cap, "%s", message);
	return 1;
}

void proofs_read(const struct proofs *p, const char *text,
		 struct proofs_seen *seen)
{
	*seen = (struct proofs_seen){0};
	for (const char *at = text; *at != '\0';) {
		size_t len = strcspn(at, "\n");
		char line[600];
		snprintf(line, sizeof line, "%.*s",
			 (int)(len < sizeof line - 1 ? len : sizeof line - 1),
			 at);
		at += len + (at[len] == '\n');
		if (check_line(p, line, seen->figures, sizeof seen->figures))
			seen->good++;
		else
			seen->forged++;
	}
}
