/*
 * Stage 2: address-space layout randomization, on and off.
 */
#include "experiment.h"
#include "fault.h"
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(aslr, .fini = harness_test_finished);
TestSuite(aslr_errors, .fini = harness_test_finished);

enum { PATH_CAP = 4096 };

/* Stores the path of isolation-demo, built next to run-tests, in path. */
static void demo_path(char *path)
{
	ssize_t len = readlink("/proc/self/exe", path, PATH_CAP - 32);
	cr_assert_gt(len, 0, "cannot read /proc/self/exe");
	path[len] = '\0';
	char *slash = strrchr(path, '/');
	strcpy(slash + 1, "isolation-demo");
	cr_assert_eq(access(path, X_OK), 0, "%s is missing: run make", path);
}

/*
 * Skips the test if this machine refuses personality(ADDR_NO_RANDOMIZE), as
 * a seccomp filter may (Docker's default profile does). The test asks the
 * kernel itself, in a child of its own, rather than trusting an EPERM from
 * aslr_sample: code that fails with EPERM must lose the points, not skip.
 */
static void skip_if_aslr_switch_refused(void)
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int persona = personality(0xffffffff);
		bool ok = persona != -1 && personality((unsigned)persona |
						       ADDR_NO_RANDOMIZE) != -1;
		_exit(ok ? 0 : 1);
	}
	int status = 0;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		cr_skip_test("personality(ADDR_NO_RANDOMIZE) is refused here "
			     "(a seccomp filter?)");
}

/* Takes one sample; skips the test where personality() is refused. */
static struct aslr_sample sample_ok(bool randomize)
{
	skip_if_aslr_switch_refused();
	char path[PATH_CAP];
	demo_path(path);
	struct aslr_sample s = {0};
	errno = 0;
	int rc = aslr_sample(path, randomize, &s);
	cr_assert_eq(rc, 0, "aslr_sample failed: %s", strerror(errno));
	return s;
}

/* Returns kernel.randomize_va_space, or -1 if it cannot be read. */
static int randomize_setting(void)
{
	FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "r");
	int setting = -1;
	if (f == NULL)
		return -1;
	if (fscanf(f, "%d", &setting) != 1)
		setting = -1;
	fclose(f);
	return setting;
}

Test(aslr, sample_is_plausible)
{
	struct aslr_sample s = sample_ok(true);
	cr_assert(s.stack != 0 && s.heap != 0 && s.code != 0);
	cr_assert_gt(s.stack, s.code, "the stack is above the code");
	cr_assert_gt(s.stack, s.heap, "the stack is above the heap");
}

Test(aslr, fixed_without_randomization)
{
	struct aslr_sample a = sample_ok(false);
	struct aslr_sample b = sample_ok(false);
	cr_assert_eq(a.stack, b.stack, "ADDR_NO_RANDOMIZE: same stack");
	cr_assert_eq(a.heap, b.heap, "ADDR_NO_RANDOMIZE: same heap");
	cr_assert_eq(a.code, b.code, "ADDR_NO_RANDOMIZE: same code");
}

Test(aslr, moves_with_randomization)
{
	if (randomize_setting() == 0)
		cr_skip_test("randomization is off: randomize_va_space is 0");
	struct aslr_sample a = sample_ok(true);
	struct aslr_sample b = sample_ok(true);
	cr_assert_neq(a.stack, b.stack, "each run gets its own stack address");
}

Test(aslr, missing_program_fails)
{
	struct aslr_sample s;
	errno = 0;
	cr_assert_eq(aslr_sample("/nonexistent/isolation-demo", true, &s), -1);
	cr_assert_eq(errno, ENOENT, "the exec's errno reaches the caller");
}

/*
 * Writes a probe script ("#!/bin/sh", then body, printf-style) to a
 * temporary file, runs aslr_sample on it, and removes it. Returns what
 * aslr_sample returned, with errno as aslr_sample left it.
 */
__attribute__((format(printf, 3, 4))) static int
sample_script(bool randomize, struct aslr_sample *s, const char *body, ...)
{
	char script[PATH_CAP];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(script, sizeof script, "%s/probe-XXXXXX", tmp);
	int fd = mkstemp(script);
	cr_assert_geq(fd, 0, "cannot make a script in %s", tmp);
	dprintf(fd, "#!/bin/sh\n");
	va_list args;
	va_start(args, body);
	vdprintf(fd, body, args);
	va_end(args);
	close(fd);
	cr_assert_eq(chmod(script, 0700), 0);
	errno = 0;
	int rc = aslr_sample(script, randomize, s);
	int saved = errno;
	unlink(script);
	errno = saved;
	return rc;
}

Test(aslr, failing_probe_fails)
{
	/* A probe that prints its addresses and then exits with status 3:
	 * what it printed cannot be trusted, so the sample is an error. */
	skip_if_aslr_switch_refused();
	char demo[PATH_CAP];
	demo_path(demo);
	struct aslr_sample s;
	int rc = sample_script(true, &s, "\"%s\" \"$@\"\nexit 3\n", demo);
	int saved = errno;
	cr_assert_eq(rc, -1,
		     "the probe exited with status 3, yet the sample "
		     "was taken as good");
	cr_assert_eq(saved, ECHILD, "errno: %s, not ECHILD", strerror(saved));
}

Test(aslr, failing_overflowing_probe_fails)
{
	/* A probe that prints an address too big for 64 bits (sscanf then
	 * sets errno to ERANGE) and exits with status 3: still ECHILD. */
	skip_if_aslr_switch_refused();
	struct aslr_sample s;
	int rc = sample_script(true, &s,
			       "echo stack 0x1%s heap 0x1 code 0x1\nexit 3\n",
			       "0000000000000000");
	int saved = errno;
	cr_assert_eq(rc, -1,
		     "the probe exited with status 3, yet the sample "
		     "was taken as good");
	cr_assert_eq(saved, ECHILD,
		     "errno: %s, not ECHILD (set it when the child failed: "
		     "parsing its output may have changed errno)",
		     strerror(saved));
}

/*
 * Runs aslr_sample on a script that exits with status 5 unless its persona
 * is `persona`, then runs the probe. Returns what aslr_sample returned
 * (errno as it left it).
 */
static int sample_with_persona(bool randomize, unsigned persona)
{
	char demo[PATH_CAP];
	demo_path(demo);
	struct aslr_sample s;
	return sample_script(
		randomize, &s,
		"[ \"$(cat /proc/self/personality)\" = %08x ] || exit 5\n"
		"exec \"%s\" \"$@\"\n",
		persona, demo);
}

Test(aslr, only_randomization_changes)
{
	skip_if_aslr_switch_refused();
	int persona = personality(0xffffffff);
	cr_assert_neq(persona, -1, "personality(0xffffffff): %s",
		      strerror(errno));
	for (int i = 0; i < 2; i++) {
		bool randomize = i == 0;
		unsigned wanted =
			randomize ? (unsigned)persona & ~ADDR_NO_RANDOMIZE
				  : (unsigned)persona | ADDR_NO_RANDOMIZE;
		int rc = sample_with_persona(randomize, wanted);
		cr_assert_eq(rc, 0,
			     "the probe did not run with persona %#x (the "
			     "caller's, with ADDR_NO_RANDOMIZE %s and no other "
			     "bit changed): %s",
			     wanted, randomize ? "cleared" : "set",
			     strerror(errno));
	}
}

/* ---- how aslr_sample fails, and what it leaves behind ----------------- */

/* Makes the nth call of `call` fail with err where, then checks that
 * aslr_sample fails with errno err and leaves nothing behind. */
static void sample_fails(enum fault_call call, int nth, enum fault_where where,
			 int err, bool randomize, const char *what)
{
	char path[PATH_CAP];
	demo_path(path);
	struct aslr_sample s;
	int fds = fault_open_fds();
	fault_inject(call, nth, where, err);
	errno = 0;
	int rc = aslr_sample(path, randomize, &s);
	int saved = errno;
	const char *missed = fault_missed();
	fault_reset();
	cr_assert_eq(rc, -1, "%s, yet aslr_sample succeeded%s", what, missed);
	cr_assert_eq(saved, err, "%s: errno is %s, not %s", what,
		     strerror(saved), strerror(err));
	cr_assert_eq(fault_open_fds(), fds, "%s: a pipe end was left open",
		     what);
	cr_assert_not(fault_child_left(), "%s: the child was not waited for",
		      what);
}

Test(aslr_errors, parent_fails)
{
	sample_fails(FAULT_PIPE, 1, FAULT_HERE, EMFILE, true, "pipe failed");
	sample_fails(FAULT_FORK, 1, FAULT_HERE, EAGAIN, true, "fork failed");
}

Test(aslr_errors, child_fails)
{
	sample_fails(FAULT_PERSONALITY, 1, FAULT_IN_CHILD, EINVAL, true,
		     "the child's personality query failed");
	sample_fails(FAULT_DUP2, 1, FAULT_IN_CHILD, EBUSY, true,
		     "the child's dup2 failed");
}

Test(aslr_errors, personality_change_fails)
{
	/* The persona this process has, and the child starts with. */
	int persona = personality(0xffffffff);
	if (persona == -1)
		cr_skip_test("personality() is refused here (a seccomp "
			     "filter?)");
	/* Ask for the other setting, so that the child has to change it. */
	bool randomize = (persona & ADDR_NO_RANDOMIZE) != 0;
	sample_fails(FAULT_PERSONALITY, 2, FAULT_IN_CHILD, EINVAL, randomize,
		     "the child's personality change failed");
}

Test(aslr_errors, nothing_left_behind)
{
	char path[PATH_CAP];
	demo_path(path);
	struct aslr_sample s;
	int fds = fault_open_fds();
	(void)aslr_sample(path, true, &s); /* fails if personality is refused */
	cr_assert_eq(fault_open_fds(), fds, "aslr_sample left a pipe end open");
	cr_assert_not(fault_child_left(), "aslr_sample left a child");
}

Test(aslr_errors, probe_inherits_no_pipe)
{
	/* pipe() takes the lowest free descriptors: its read end will be
	 * fd. A probe that finds fd open exits with status 4. */
	skip_if_aslr_switch_refused();
	int fd = dup(STDIN_FILENO);
	cr_assert_geq(fd, 0);
	close(fd);
	char demo[PATH_CAP];
	demo_path(demo);
	struct aslr_sample s;
	int rc = sample_script(true, &s,
			       "[ -e /proc/self/fd/%d ] && exit 4\n"
			       "exec \"%s\" \"$@\"\n",
			       fd, demo);
	int saved = errno;
	cr_assert_eq(rc, 0,
		     "the probe inherited the read end of the pipe (close it "
		     "in the child before exec): %s",
		     strerror(saved));
}
