/*
 * proof.c: a lab program's signed word that it did its job. See proof.h.
 */
#define _GNU_SOURCE /* getrandom */
#include "proof.h"
#include "token.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static const char KEY_VARIABLE[] = "GRADER_PROOF_KEY";
static const char FD_VARIABLE[] = "GRADER_PROOF_FD";

/* The key, kept XORed with a random mask; key_set is false without the
 * grader. */
static unsigned char key_masked[TOKEN_KEY_BYTES], key_mask[TOKEN_KEY_BYTES];
static int proof_fd = -1;
static pid_t proof_pid; /* only the process that took the key proves */
static bool key_set;

void harness_proof_begin(void)
{
	char *hex = getenv(KEY_VARIABLE);
	const char *fd = getenv(FD_VARIABLE);
	unsigned char key[TOKEN_KEY_BYTES];
	if (hex != NULL && fd != NULL && token_key_from_hex(hex, key) == 0 &&
	    getrandom(key_mask, sizeof key_mask, 0) ==
		    (ssize_t)sizeof key_mask) {
		for (size_t i = 0; i < sizeof key; i++)
			key_masked[i] = key[i] ^ key_mask[i];
		proof_fd = atoi(fd);
		proof_pid = getpid();
		key_set = true;
	}
	memset(key, 0, sizeof key);
	/* also from the memory /proc/self/environ shows */
	if (hex != NULL)
		memset(hex, 'x', strlen(hex));
	unsetenv(KEY_VARIABLE);
}

void harness_proof_done(const char *program, const char *figures, ...)
{
	if (!key_set || getpid() != proof_pid)
		return;
	char message[512], token[TOKEN_HEX_CAP], line[600];
	int n = snprintf(message, sizeof message, "%s ", program);
	va_list ap;
	va_start(ap, figures);
	vsnprintf(message + n, sizeof message - (size_t)n, figures, ap);
	va_end(ap);
	unsigned char key[TOKEN_KEY_BYTES];
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = key_masked[i] ^ key_mask[i];
	token_of(key, message, token);
	memset(key, 0, sizeof key);
	int len = snprintf(line, sizeof line, "proof %s %s\n", message, token);
	if (len > 0 && (size_t)len < sizeof line)
		(void)!write(proof_fd, line, (size_t)len);
}
