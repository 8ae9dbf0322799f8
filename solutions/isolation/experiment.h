/*
 * experiment.h: experiments on a process's address space.
 *
 *   fork       two processes, one virtual address, two values (stage 1),
 *              copied on write (stage 5)
 *   lazy       pages get frames only when first touched (stage 6)
 *   protect    what a forbidden access looks like: SIGSEGV (stage 7)
 *   aslr       where things land with and without randomization (stage 2)
 *
 * The experiments that fork return in the parent only; their children leave
 * with _exit. Each returns 0 on success and -1 with errno set on failure
 * (the errno of the call that failed, unless it says otherwise), and
 * either way leaves nothing behind: every descriptor it opened is closed,
 * every page it mapped is unmapped, every child it forked was waited for.
 */
#ifndef EXPERIMENT_H
#define EXPERIMENT_H

#include "probe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* ---- stage 1: fork --------------------------------------------------- */

enum {
	FORK_PARENT_VALUE = 1, /* what the parent stores before forking */
	FORK_CHILD_VALUE = 2,  /* what the child stores after the fork */
};

/* What one process saw at one address. */
struct fork_view {
	pid_t pid;      /* the process that looked */
	uintptr_t addr; /* the virtual address it looked at */
	int value;      /* the value it read there */
};

/* Called in each process of fork_same_address: who is "parent" or "child". */
typedef void fork_report_fn(const char *who, const struct fork_view *view);

/*
 * Stores FORK_PARENT_VALUE in a global variable and forks. The child stores
 * FORK_CHILD_VALUE in the variable, calls report("child", ...) and exits;
 * the parent waits for it, then calls report("parent", ...). Returns 0 in
 * the parent; -1 with errno set if fork or waitpid failed, or ECHILD if the
 * child did not exit with status 0.
 */
int fork_same_address(fork_report_fn *report);

/* One private page's pagemap entries at each step of copy-on-write. */
struct cow_report {
	struct pagemap_entry before_fork;   /* parent: written, not forked */
	struct pagemap_entry parent_shared; /* parent: just after the fork */
	struct pagemap_entry child_shared;  /* child: just after the fork */
	struct pagemap_entry child_written; /* child: after it wrote the page */
	struct pagemap_entry parent_after;  /* parent: after the child exited */
	int child_value;  /* what the child read after its write */
	int parent_value; /* what the parent read at the end */
};

/*
 * Writes FORK_PARENT_VALUE into a fresh private page, forks, and records
 * the page's pagemap entry in both processes before and after the child
 * writes FORK_CHILD_VALUE into it. The child sends its part of the report
 * through a pipe. Returns 0 on success, -1 with errno set on failure
 * (ECHILD if the child failed).
 */
int fork_cow(struct cow_report *out);

/*
 * Maps an anonymous page with `sharing` (MAP_SHARED or MAP_PRIVATE), stores
 * FORK_PARENT_VALUE in it and forks; the child stores FORK_CHILD_VALUE and
 * exits. Stores in *seen what the parent reads afterwards. Returns 0 on
 * success; -1 with errno set on failure (EINVAL for another `sharing`).
 */
int fork_child_writes(int sharing, int *seen);

/* ---- stage 6: lazy allocation ---------------------------------------- */

/* How an experiment touches memory. */
enum probe_access {
	ACCESS_READ,
	ACCESS_WRITE,
};

/* What touching pages of a fresh mapping cost. */
struct lazy_report {
	size_t pages_mapped;    /* size of the mapping in pages */
	size_t pages_touched;   /* pages touched, from the first one on */
	size_t resident_before; /* present pages of the mapping before */
	size_t resident_after;  /* and after the touch loop */
	long minor_faults;      /* minor faults during the touch loop */
	uint64_t first_frame;   /* frame of the first touched page (or 0) */
	uint64_t last_frame;    /* frame of the last touched page (or 0) */
};

/*
 * Maps map_bytes of private anonymous memory without huge pages, then
 * touches (reads or writes one byte of) each of its first `pages` pages and
 * reports what that did. Returns 0 on success; -1 with errno set on failure
 * (EINVAL if `pages` is 0 or does not fit in map_bytes).
 */
int lazy_touch(size_t map_bytes, size_t pages, enum probe_access access,
	       struct lazy_report *out);

/* ---- stage 7: protection faults -------------------------------------- */

/* What one access did. */
struct fault_report {
	bool faulted;   /* the access raised SIGSEGV */
	uintptr_t addr; /* si_addr: the address that faulted */
	int code;       /* si_code: SEGV_MAPERR or SEGV_ACCERR */
};

/*
 * Reads the byte at addr (ACCESS_READ), or reads it and writes it back
 * unchanged (ACCESS_WRITE). If that raises SIGSEGV, catches the signal,
 * records it in *out and carries on. Returns 0 whether or not the access
 * faulted; -1 with errno set if the handler could not be installed. The
 * SIGSEGV handler in place before the call is restored.
 */
int fault_probe(void *addr, enum probe_access access, struct fault_report *out);

/* ---- stage 2: address-space layout randomization --------------------- */

/* The argument that makes isolation-demo print one aslr_sample line. */
#define ASLR_PROBE_COMMAND "aslr-probe"

/* Where one run of a program put its stack, heap and code. */
struct aslr_sample {
	uintptr_t stack; /* a local variable */
	uintptr_t heap;  /* a malloc'd block */
	uintptr_t code;  /* a function */
};

/* Prints this process's sample as one line; what aslr-probe runs. */
void aslr_probe_print(FILE *out);

/*
 * Runs `program ASLR_PROBE_COMMAND` in a child process with randomization
 * on or off (personality ADDR_NO_RANDOMIZE) and stores the sample it
 * printed in *out. Returns 0 on success; -1 with errno set on failure:
 * EPERM if the kernel refused personality() (as seccomp filters in some
 * containers do), the exec's errno if the program could not be run, or
 * EPROTO if its output could not be parsed.
 */
int aslr_sample(const char *program, bool randomize, struct aslr_sample *out);

#endif
