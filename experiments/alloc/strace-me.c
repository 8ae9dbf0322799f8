/*
 * strace-me: a few malloc and free calls, each announced on stderr, for
 * running under strace:
 *
 *     strace -e trace=brk,mmap,munmap ./strace-me
 *
 * The announcements are plain write calls (not traced), so each one lands in
 * strace's output just before the system calls that its step caused. A step
 * that causes none shows that malloc served it from memory it already had.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	SMALL = 100,   // a typical small request
	BIG = 1 << 20, // 1 MiB: above the initial mmap threshold of 128 KiB
	COUNT = 10,    // how many small requests in a row
};

// Visible outside this file, so the compiler keeps every malloc-free pair.
void *strace_me_keep[COUNT];

// Writes one line to stderr without calling malloc (printf would).
static void announce(const char *what)
{
	write(STDERR_FILENO, "-- ", 3);
	write(STDERR_FILENO, what, strlen(what));
	write(STDERR_FILENO, "\n", 1);
}

int main(void)
{
	// ANCHOR: strace_steps
	announce("malloc(100), the first call");
	strace_me_keep[0] = malloc(SMALL);

	announce("malloc(100) nine more times");
	for (int i = 1; i < COUNT; i++)
		strace_me_keep[i] = malloc(SMALL);

	announce("free all ten");
	for (int i = 0; i < COUNT; i++)
		free(strace_me_keep[i]);

	announce("malloc(1 MiB)");
	void *big = malloc(BIG);
	strace_me_keep[0] = big;

	announce("free(1 MiB block)");
	free(big);

	announce("malloc(1 MiB) again");
	big = malloc(BIG);
	strace_me_keep[0] = big;

	announce("free(1 MiB block) again");
	free(big);
	announce("exit");
	// ANCHOR_END: strace_steps
	return 0;
}
