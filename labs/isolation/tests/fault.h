/*
 * fault.h: making the lab's calls into the C library fail on purpose.
 *
 * run-tests is linked with `-Wl,--wrap=open,...` (see the Makefile): every
 * call of the functions below from the lab's code (and the tests') goes
 * through a wrapper here, which passes it on to the C library unless a test
 * asked for a fault. Then a test can check what a function does when, say,
 * its third read fails: does it report the error as its header says, and
 * does it leave nothing behind (a descriptor open, a page mapped, a child
 * not waited for)? Criterion runs each test in a process of its own, so a
 * fault armed by one test never reaches another.
 */
#ifndef FAULT_H
#define FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The calls that can be made to fail. */
enum fault_call {
	FAULT_OPEN,
	FAULT_PREAD,
	FAULT_READ,
	FAULT_WRITE,
	FAULT_CLOSE,
	FAULT_PIPE,
	FAULT_FORK,
	FAULT_DUP2,
	FAULT_PERSONALITY,
	FAULT_FOPEN,
	FAULT_FCLOSE,
	FAULT_MMAP,
	FAULT_CALLS, /* how many there are */
};

/* Which processes a fault applies to. */
enum fault_where {
	FAULT_HERE,     /* the test's own process only */
	FAULT_IN_CHILD, /* only the processes it forks (they inherit it) */
};

/*
 * From now on, the nth call (1 = the next) of `call` made in the processes
 * `where` fails with errno err, without doing anything.
 */
void fault_inject(enum fault_call call, int nth, enum fault_where where,
		  int err);

/* From now on, close and fclose that succeed change errno (to ENOTTY), as
 * POSIX allows any call that succeeds to do. */
void fault_clobber_errno(void);

/* From now on, fopen("/proc/self/maps", ...) reads text instead. */
void fault_fake_maps(const char *text);

/*
 * From now on, pread of /proc/self/pagemap shows a frame number in every
 * present page's entry, as if the process had CAP_SYS_ADMIN: the frame of
 * virtual page n is FAULT_FAKE_FRAME_BASE + n.
 */
#define FAULT_FAKE_FRAME_BASE UINT64_C(0x1000000)
void fault_fake_frames(void);

/* From now on, remembers every mapping that mmap makes (up to 64). */
void fault_track_mappings(void);

/* True if some mapping remembered since fault_track_mappings() is still
 * mapped, even in part. */
bool fault_mapping_left(void);

/*
 * From now on, each munmap first stores in fault_unmapped_entry the raw
 * /proc/self/pagemap entry of the first page it is about to unmap.
 */
void fault_watch_unmaps(void);
extern uint64_t fault_unmapped_entry;

/* True if some pread of /proc/self/pagemap since the test began read a
 * descriptor that is not close-on-exec (FD_CLOEXEC). */
bool fault_pagemap_inheritable(void);

/* "" if every fault armed for FAULT_HERE happened, else a sentence (with a
 * leading space) saying which call the code never made. */
const char *fault_missed(void);

/* Ends every fault and fake above. */
void fault_reset(void);

/* The number of descriptors this process has open now. */
int fault_open_fds(void);

/* True if this process has a child it has not waited for (a child still
 * running, or one that exited and was not waited for: then this waits for
 * it). */
bool fault_child_left(void);

#endif
