/*
 * experiment.c: experiments on the address space. See experiment.h.
 *
 * This is the second file you edit (stages 1, 2, 5, 6 and 7). The helpers
 * above each TODO are given; use them.
 */
#include "experiment.h"

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
	ASLR_TEXT_CAP = 256, /* room for the probe's output line */
};

/* personality(2) with this argument changes nothing and returns the
 * current persona. */
static const unsigned long PERSONALITY_QUERY = 0xffffffff;

/* ---- given helpers ---------------------------------------------------- */

// ANCHOR: fork_flushed
/*
 * fork(), after flushing stdio. The child starts with a copy of all of the
 * parent's memory, and that includes stdio's buffers: text printed but not
 * yet written (stdout is fully buffered when it is a pipe or a file) would
 * be written twice, once by each process. Returns what fork returns.
 */
static pid_t fork_flushed(void)
{
	fflush(NULL);
	return fork();
}
// ANCHOR_END: fork_flushed

// ANCHOR: child_exit
/*
 * Ends a forked child. _exit, not exit: exit would run the parent's atexit
 * handlers (a test framework's, say) a second time. _exit skips stdio too,
 * so the child flushes its own output first.
 */
static _Noreturn void child_exit(int status)
{
	fflush(NULL);
	_exit(status);
}
// ANCHOR_END: child_exit

/*
 * Waits for child pid. Returns 0 if it exited with status 0; -1 with errno
 * set if waitpid failed, or ECHILD if the child failed or was killed.
 */
static int wait_child(pid_t pid)
{
	int status = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_SUCCESS)
		return 0;
	errno = ECHILD;
	return -1;
}

/* Writes all n bytes of buf to fd. Returns 0, or -1 with errno set. */
static int write_full(int fd, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	while (n > 0) {
		ssize_t done = write(fd, p, n);
		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0)
			return -1;
		p += done;
		n -= (size_t)done;
	}
	return 0;
}

/*
 * Reads exactly n bytes from fd into buf. Returns 0, or -1 with errno set
 * (EPIPE if the writer closed its end first).
 */
static int read_full(int fd, void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n > 0) {
		ssize_t done = read(fd, p, n);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0) {
			if (done == 0)
				errno = EPIPE;
			return -1;
		}
		p += done;
		n -= (size_t)done;
	}
	return 0;
}

/* Opens two pipes, a and b, or neither. Returns 0, or -1 with errno set. */
static int pipes_open(int a[2], int b[2])
{
	if (pipe(a) != 0)
		return -1;
	if (pipe(b) == 0)
		return 0;
	int saved_errno = errno;
	close(a[0]);
	close(a[1]);
	errno = saved_errno;
	return -1;
}

/* Maps one read-write anonymous page, MAP_SHARED or MAP_PRIVATE. */
static int *page_map(int sharing)
{
	void *p = mmap(NULL, probe_page_size(), PROT_READ | PROT_WRITE,
		       sharing | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void page_unmap(int *page)
{
	munmap(page, probe_page_size());
}

/* Returns the number of minor page faults this process has taken. */
static long minor_faults(void)
{
	struct rusage usage;
	getrusage(RUSAGE_SELF, &usage);
	return usage.ru_minflt;
}

/* ---- stages 1 and 5: fork, copy-on-write ------------------------------ */

/* The variable of fork_same_address: one address, a copy per process. */
static int fork_value;

/* What this process sees in fork_value now. */
static struct fork_view fork_view_now(void)
{
	return (struct fork_view){
		.pid = getpid(),
		.addr = (uintptr_t)&fork_value,
		.value = fork_value,
	};
}

// ANCHOR: fork_same_address
int fork_same_address(fork_report_fn *report)
{
	// TODO(stage 1): set fork_value, fork (fork_flushed), change the
	// value in the child, and report what each process sees; the parent
	// reports after the child has exited (wait_child).
	// Read 01-address-spaces.md#same-address.
	(void)report;
	(void)fork_flushed;
	(void)fork_view_now;
	(void)child_exit;
	(void)wait_child;
	errno = ENOSYS;
	return -1;
}
// ANCHOR_END: fork_same_address

// ANCHOR: fork_cow
int fork_cow(struct cow_report *out)
{
	// TODO(stage 5): write into a private page (page_map), look at it
	// (pagemap_lookup), fork, and record each step of a cow_report.
	// The parent must look before the child writes: use one pipe for
	// the parent's go and one for the child's report (pipes_open,
	// read_full, write_full), and wait_child at the end.
	// Read 02-inside-a-process.md#copy-on-write.
	(void)out;
	(void)pipes_open;
	(void)read_full;
	(void)write_full;
	errno = ENOSYS;
	return -1;
}
// ANCHOR_END: fork_cow

// ANCHOR: fork_child_writes
int fork_child_writes(int sharing, int *seen)
{
	// TODO(stage 1): map a page with page_map(sharing), store the
	// parent's value, fork; the child stores its value and exits; the
	// parent waits, then reads the page.
	// Read 01-address-spaces.md#sharing-on-purpose.
	(void)sharing;
	(void)seen;
	(void)page_map;
	(void)page_unmap;
	errno = ENOSYS;
	return -1;
}
// ANCHOR_END: fork_child_writes

/* ---- stage 6: lazy allocation ----------------------------------------- */

// ANCHOR: lazy_touch
int lazy_touch(size_t map_bytes, size_t pages, enum probe_access access,
	       struct lazy_report *out)
{
	// TODO(stage 6): map map_bytes of anonymous memory, turn huge pages
	// off for it (madvise MADV_NOHUGEPAGE), then count resident pages
	// (pagemap_count_present) and minor faults (minor_faults) before
	// and after touching each page once, through a volatile pointer.
	// Read 02-inside-a-process.md#lazy-allocation.
	(void)map_bytes;
	(void)pages;
	(void)access;
	(void)out;
	(void)minor_faults;
	errno = ENOSYS;
	return -1;
}
// ANCHOR_END: lazy_touch

/* ---- stage 7: protection faults --------------------------------------- */

/* Where the SIGSEGV handler jumps back to, and what it saw. */
static sigjmp_buf fault_jump;
static void *volatile fault_addr;
static volatile int fault_code;

/* Reads the byte at addr; for ACCESS_WRITE writes it back unchanged. */
static void touch_byte(void *addr, enum probe_access access)
{
	volatile unsigned char *p = addr;
	unsigned char byte = *p;
	if (access == ACCESS_WRITE)
		*p = byte;
}

// ANCHOR: fault_probe
int fault_probe(void *addr, enum probe_access access, struct fault_report *out)
{
	// TODO(stage 7): write a handler, static void segv_handler(int sig,
	// siginfo_t *info, void *context), that records si_addr and si_code
	// in fault_addr and fault_code and siglongjmps to fault_jump. Here,
	// install it with sigaction and SA_SIGINFO, set the sigsetjmp
	// point, touch the byte (touch_byte), and restore the old handler.
	// Read 02-inside-a-process.md#protection-faults.
	(void)addr;
	(void)access;
	(void)out;
	(void)touch_byte;
	(void)fault_jump;
	(void)fault_addr;
	(void)fault_code;
	errno = ENOSYS;
	return -1;
}
// ANCHOR_END: fault_probe

/* ---- stage 2: address-space layout randomization ---------------------- */

void aslr_probe_print(FILE *out)
{
	int local = 0;
	void *block = malloc(1);
	fprintf(out,
		"stack %#" PRIxPTR " heap %#" PRIxPTR " code %#" PRIxPTR "\n",
		(uintptr_t)&local, (uintptr_t)block,
		(uintptr_t)aslr_probe_print);
	free(block);
}

/*
 * Parses the probe's output: a sample line, or "error ERRNO" from a child
 * that could not run the probe. Returns 0, or -1 with errno set to the
 * child's errno, or EPROTO if the text is neither.
 */
static int aslr_parse(const char *text, struct aslr_sample *out)
{
	int child_errno = 0;
	if (sscanf(text, "error %d", &child_errno) == 1) {
		errno = child_errno;
		return -1;
	}
	if (sscanf(text, "stack %" SCNxPTR " heap %" SCNxPTR " code %" SCNxPTR,
		   &out->stack, &out->heap, &out->code) == 3)
		return 0;
	errno = EPROTO;
	return -1;
}

/* Reads fd to its end into text (of size cap, NUL-terminated). */
static int read_text(int fd, char *text, size_t cap)
{
	size_t len = 0;
	while (len + 1 < cap) {
		ssize_t n = read(fd, text + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	text[len] = '\0';
	return 0;
}

/* Ends a child that could not run the probe, telling the parent why. */
static _Noreturn void child_fail(int fd, int child_errno)
{
	dprintf(fd, "error %d\n", child_errno);
	_exit(EXIT_FAILURE);
}

// ANCHOR: aslr_sample
int aslr_sample(const char *program, bool randomize, struct aslr_sample *out)
{
	// TODO(stage 2): fork; in the child set or clear ADDR_NO_RANDOMIZE
	// (personality(2): read the persona with PERSONALITY_QUERY first),
	// point stdout at a pipe (dup2) and execl the program with the
	// argument ASLR_PROBE_COMMAND; on failure child_fail. The parent
	// reads the pipe (read_text), waits, and parses (aslr_parse).
	// Read 01-address-spaces.md#randomized-layout.
	(void)program;
	(void)randomize;
	(void)out;
	(void)PERSONALITY_QUERY;
	(void)aslr_parse;
	(void)read_text;
	(void)child_fail;
	errno = ENOSYS;
	return -1;
}
// ANCHOR_END: aslr_sample
