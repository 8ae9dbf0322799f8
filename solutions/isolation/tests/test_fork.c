/*
 * Stage 1: fork gives the child a copy of the address space; stage 5: the
 * copy is made lazily, on the first write.
 */
#include "experiment.h"
#include "harness.h"
#include "support.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

TestSuite(fork, .fini = harness_test_finished);

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
	struct cow_report r;
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
