/*
 * misuse: what glibc does when a program breaks the malloc contract.
 *
 *     misuse double-free       free the same block twice
 *     misuse invalid-free      free a pointer malloc never returned
 *     misuse use-after-free    keep using a block after freeing it
 *     misuse silent            a double free that glibc cannot see
 *
 * Each case runs in a child process, with its stderr sent to stdout, so the
 * demo itself always exits 0 and reports how the child ended.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { BLOCK = 32 };

/*
 * gcc 12 spots the plainest of these bugs at compile time (-Wuse-after-free)
 * and -Werror would stop the build. A copy of the pointer made through a
 * volatile variable, before the free, is one that gcc cannot follow.
 */
static void *volatile laundry;

static void *launder(void *p)
{
	laundry = p;
	return laundry;
}

// ANCHOR: double_free
static void double_free(void)
{
	char *p = malloc(BLOCK);
	char *copy = launder(p);
	free(p);
	free(copy); // the second free of the same block
}
// ANCHOR_END: double_free

// ANCHOR: invalid_free
static void invalid_free(void)
{
	char *p = malloc(BLOCK);
	free(launder(p + 8)); // not a pointer that malloc returned
}
// ANCHOR_END: invalid_free

// ANCHOR: use_after_free
static void use_after_free(void)
{
	char *p = malloc(BLOCK);
	strcpy(p, "my secret");
	char *stale = launder(p); // a copy, kept by mistake
	free(p);                  // from here on, stale dangles

	printf("after free, it still reads \"my secret\": %s\n",
	       memcmp(stale, "my secret", 10) == 0 ? "yes" : "no");
	char *q = malloc(BLOCK); // someone else's block now
	strcpy(q, "new owner");
	printf("the next malloc returned the same address: %s\n",
	       q == stale ? "yes" : "no");
	strcpy(stale, "overwrite"); // silently corrupts q
	printf("q now reads \"%s\"\n", q);
	free(q);
}
// ANCHOR_END: use_after_free

// ANCHOR: silent
static void silent(void)
{
	char *p = malloc(BLOCK);
	char *copy = launder(p);
	free(p);
	char *q = malloc(BLOCK); // reuses p's block
	free(copy);              // a double free of p, and so a free of q
	char *r = malloc(BLOCK); // gets the same block again
	printf("q and r are the same block: %s\n", q == r ? "yes" : "no");
	free(r);
}
// ANCHOR_END: silent

// Runs one case in a child and reports how the child ended.
static int run_case(void (*body)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		dup2(STDOUT_FILENO, STDERR_FILENO);
		body();
		fflush(stdout);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		printf("[the child was killed by signal %d, %s]\n",
		       WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		printf("[the child exited with status %d]\n",
		       WEXITSTATUS(status));
	return 0;
}

int main(int argc, char *argv[])
{
	static const struct {
		const char *name;
		void (*body)(void);
	} cases[] = {
		{"double-free", double_free},
		{"invalid-free", invalid_free},
		{"use-after-free", use_after_free},
		{"silent", silent},
	};
	const char *mode = argc > 1 ? argv[1] : "";
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (strcmp(mode, cases[i].name) == 0)
			return run_case(cases[i].body);
	fprintf(stderr,
		"usage: %s double-free|invalid-free|use-after-free|silent\n",
		argv[0]);
	return 2;
}
