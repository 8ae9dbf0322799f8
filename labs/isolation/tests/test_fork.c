/*
 * Stage 1: fork gives the child a copy of the address space; stage 5: the
 * copy is made lazily, on the first write.
 */
#include "experiment.h"
#include "fault.h"
#include "harness.h"
#include "support.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

TestSuite(fork, .fini = harness_test_finished);
TestSuite(fork_errors, .fini = harness_test_finished);
TestSuite(cow_errors, .fini = harness_test_finished);

/* One call of the report function, as it travels through report_pipe. */
struct report_record {
	char who[8];
	struct fork_view view;
};

static int report_pipe[2];

/* A fork_report_fn that sends its arguments to the test's process. */
static void record_report(const char *who, const struct fork_view *view)
{
	struct report_record r = {.view = *view};
	strncpy(r.who, who, sizeof r.who - 1);
	ssize_t n = write(report_pipe[1], &r, sizeof r);
	(void)n;
}

Test(fork, same_address_different_values)
{
	cr_assert_eq(pipe(report_pipe), 0);
	cr_assert_eq(fork_same_address(record_report), 0,
		     "fork_same_address failed: %s", strerror(errno));
	close(report_pipe[1]);
	struct report_record child, parent;
	cr_assert_eq(read(report_pipe[0], &child, sizeof child),
		     (ssize_t)sizeof child, "no report from the child");
	cr_assert_eq(read(report_pipe[0], &parent, sizeof parent),
		     (ssize_t)sizeof parent, "no report from the parent");
	cr_assert_str_eq(child.who, "child", "the child reports first");
	cr_assert_str_eq(parent.who, "parent");
	cr_assert_eq(parent.view.pid, getpid(), "the parent reports last");
	cr_assert_neq(child.view.pid, parent.view.pid, "two processes");
	cr_assert_eq(child.view.addr, parent.view.addr,
		     "both look at the same virtual address");
	cr_assert_eq(child.view.value, FORK_CHILD_VALUE);
	cr_assert_eq(parent.view.value, FORK_PARENT_VALUE,
		     "the child's store must not reach the parent");
	close(report_pipe[0]);
}

/* A fork_report_fn that prints nothing. */
static void quiet_report(const char *who, const struct fork_view *view)
{
	(void)who;
	(void)view;
}

Test(fork, stdout_flushed_before_fork, .init = cr_redirect_stdout)
{
	/* stdout is a pipe here: fully buffered. Unflushed, this line would be
	 * copied into the child and printed by both processes. */
	printf("printed once, before the fork\n");
	cr_assert_eq(fork_same_address(quiet_report), 0);
	fflush(stdout);
	cr_assert_stdout_eq_str("printed once, before the fork\n");
}

Test(fork, cow_exclusive_bit)
{
	struct cow_report r = {0};
	cr_assert_eq(fork_cow(&r), 0, "fork_cow failed: %s", strerror(errno));
	cr_assert(r.before_fork.present && r.before_fork.exclusive,
		  "before fork, the written page is ours alone");
	cr_assert(r.parent_shared.present && !r.parent_shared.exclusive,
		  "after fork, the parent shares the page with the child");
	cr_assert(r.child_shared.present && !r.child_shared.exclusive,
		  "after fork, the child shares the page with the parent");
	cr_assert(r.child_written.present && r.child_written.exclusive,
		  "the child's write gave it a page of its own");
	cr_assert(r.parent_after.present && r.parent_after.exclusive,
		  "with the child gone, the page is the parent's alone");
	cr_assert_eq(r.child_value, FORK_CHILD_VALUE);
	cr_assert_eq(r.parent_value, FORK_PARENT_VALUE,
		     "the child's write must not reach the parent");
}

Test(fork, cow_frames)
{
	if (!support_frames_visible())
		cr_skip_test("frame numbers read as 0 without CAP_SYS_ADMIN");
	struct cow_report r;
	cr_assert_eq(fork_cow(&r), 0, "fork_cow failed: %s", strerror(errno));
	uint64_t frame = r.before_fork.frame;
	cr_assert_neq(frame, 0);
	cr_assert_eq(r.parent_shared.frame, frame, "fork copies no frame");
	cr_assert_eq(r.child_shared.frame, frame, "the child maps it too");
	cr_assert_neq(r.child_written.frame, frame,
		      "the child's write copied the page to a new frame");
	cr_assert_eq(r.parent_after.frame, frame, "the parent keeps its own");
}

Test(fork, shared_write_visible)
{
	int seen = 0;
	cr_assert_eq(fork_child_writes(MAP_SHARED, &seen), 0,
		     "fork_child_writes failed: %s", strerror(errno));
	cr_assert_eq(seen, FORK_CHILD_VALUE,
		     "MAP_SHARED: the parent sees the child's write");
}

Test(fork, private_write_invisible)
{
	int seen = 0;
	cr_assert_eq(fork_child_writes(MAP_PRIVATE, &seen), 0,
		     "fork_child_writes failed: %s", strerror(errno));
	cr_assert_eq(seen, FORK_PARENT_VALUE,
		     "MAP_PRIVATE: the child wrote its own copy");
}

Test(fork, bad_sharing_rejected)
{
	int seen = 0;
	/* A valid call succeeds (a stub that always fails must not pass). */
	cr_assert_eq(fork_child_writes(MAP_PRIVATE, &seen), 0);
	errno = 0;
	cr_assert_eq(fork_child_writes(MAP_SHARED | MAP_PRIVATE, &seen), -1);
	cr_assert_eq(errno, EINVAL, "only MAP_SHARED or MAP_PRIVATE");
}

/* ---- what the experiments leave behind, and how they fail ------------- */

/* What a process holds that an experiment could leave behind. */
struct holdings {
	int fds; /* open descriptors */
};

/* Starts watching: remembers the open descriptors and every mapping. */
static struct holdings holdings_now(void)
{
	fault_track_mappings();
	return (struct holdings){.fds = fault_open_fds()};
}

/* Fails the test if `what` left a descriptor, a mapping or a child. */
static void assert_nothing_left(struct holdings before, const char *what)
{
	cr_assert_eq(fault_open_fds(), before.fds,
		     "%s left a descriptor open (close every pipe end, in "
		     "each process)",
		     what);
	cr_assert_not(fault_mapping_left(), "%s left its page mapped (munmap)",
		      what);
	cr_assert_not(fault_child_left(), "%s left a child not waited for",
		      what);
}

Test(fork_errors, fork_fails)
{
	fault_inject(FAULT_FORK, 1, FAULT_HERE, EAGAIN);
	errno = 0;
	cr_assert_eq(fork_same_address(quiet_report), -1,
		     "fork failed, yet fork_same_address succeeded%s",
		     fault_missed());
	cr_assert_eq(errno, EAGAIN, "errno is fork's, not %s", strerror(errno));
	int seen = 0;
	struct holdings before = holdings_now();
	fault_inject(FAULT_FORK, 1, FAULT_HERE, EAGAIN);
	errno = 0;
	cr_assert_eq(fork_child_writes(MAP_SHARED, &seen), -1,
		     "fork failed, yet fork_child_writes succeeded%s",
		     fault_missed());
	cr_assert_eq(errno, EAGAIN, "errno is fork's, not %s", strerror(errno));
	assert_nothing_left(before, "fork_child_writes, when fork failed,");
}

Test(fork_errors, mmap_fails)
{
	int seen = 0;
	fault_inject(FAULT_MMAP, 1, FAULT_HERE, ENOMEM);
	errno = 0;
	cr_assert_eq(fork_child_writes(MAP_PRIVATE, &seen), -1,
		     "mmap failed, yet fork_child_writes succeeded%s",
		     fault_missed());
	cr_assert_eq(errno, ENOMEM, "errno is mmap's, not %s", strerror(errno));
}

Test(fork_errors, nothing_left_behind)
{
	struct holdings before = holdings_now();
	cr_assert_eq(fork_same_address(quiet_report), 0);
	assert_nothing_left(before, "fork_same_address");
	int seen = 0;
	cr_assert_eq(fork_child_writes(MAP_SHARED, &seen), 0);
	assert_nothing_left(before, "fork_child_writes(MAP_SHARED)");
	cr_assert_eq(fork_child_writes(MAP_PRIVATE, &seen), 0);
	assert_nothing_left(before, "fork_child_writes(MAP_PRIVATE)");
}

Test(cow_errors, nothing_left_behind)
{
	struct cow_report r;
	struct holdings before = holdings_now();
	cr_assert_eq(fork_cow(&r), 0, "fork_cow failed: %s", strerror(errno));
	assert_nothing_left(before, "fork_cow");
}

/* Makes the nth call of `call` fail where, then checks that fork_cow fails
 * with errno `expected` (0: any) and leaves nothing behind. */
static void cow_fails(enum fault_call call, int nth, enum fault_where where,
		      int expected, const char *what)
{
	/* A child that fails early may close the pipe before the parent's
	 * write: without this, that write would kill the test (SIGPIPE). */
	signal(SIGPIPE, SIG_IGN);
	struct cow_report r;
	fault_reset(); /* the fault of the call before, if it never came */
	struct holdings before = holdings_now();
	fault_inject(call, nth, where, EIO);
	errno = 0;
	cr_assert_eq(fork_cow(&r), -1, "%s, yet fork_cow succeeded%s", what,
		     fault_missed());
	int err = errno;
	if (expected != 0)
		cr_assert_eq(err, expected, "%s: errno is %s, not %s", what,
			     strerror(err), strerror(expected));
	else
		cr_assert_neq(err, 0, "%s: errno is not set", what);
	char when[200];
	snprintf(when, sizeof when, "fork_cow, when %s,", what);
	assert_nothing_left(before, when);
}

Test(cow_errors, parent_fails)
{
	cow_fails(FAULT_MMAP, 1, FAULT_HERE, EIO, "mmap failed");
	cow_fails(FAULT_OPEN, 1, FAULT_HERE, EIO,
		  "the look at the page before the fork failed");
	cow_fails(FAULT_PIPE, 1, FAULT_HERE, EIO, "the first pipe failed");
	cow_fails(FAULT_PIPE, 2, FAULT_HERE, EIO, "the second pipe failed");
	cow_fails(FAULT_FORK, 1, FAULT_HERE, EIO, "fork failed");
	cow_fails(FAULT_OPEN, 2, FAULT_HERE, 0,
		  "the parent's look after the fork failed");
	cow_fails(FAULT_WRITE, 1, FAULT_HERE, 0,
		  "the parent's go to the child failed");
	cow_fails(FAULT_READ, 1, FAULT_HERE, 0,
		  "reading the child's report failed");
	cow_fails(FAULT_OPEN, 3, FAULT_HERE, EIO,
		  "the parent's last look failed");
}

Test(cow_errors, child_fails)
{
	cow_fails(FAULT_OPEN, 1, FAULT_IN_CHILD, ECHILD,
		  "the child's look before its write failed");
	cow_fails(FAULT_READ, 1, FAULT_IN_CHILD, ECHILD,
		  "the child's read of the parent's go failed");
	cow_fails(FAULT_OPEN, 2, FAULT_IN_CHILD, ECHILD,
		  "the child's look after its write failed");
	cow_fails(FAULT_WRITE, 1, FAULT_IN_CHILD, ECHILD,
		  "the child's report to the parent failed");
}
