/*
 * proc.c: a child process under limits. See proc.h.
 *
 * The child gets a session and so a process group of its own, so that on a
 * timeout or a flood the whole group (the command and anything it forked)
 * is killed at once. Its stdout and stderr go to one pipe, which the parent
 * drains with poll(), keeping the first PROC_OUTPUT_KEEP bytes and counting
 * the rest.
 */
#define _GNU_SOURCE /* close_range */
#include "proc.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	FILE_SIZE_CAP = 256 * 1024 * 1024, /* largest file a check may write */
	READ_CHUNK = 64 * 1024,
	SHELL_SIGNAL_BASE = 128,
	EXIT_NOT_FOUND = 127,
};
static const rlim_t ADDRESS_SPACE_CAP = (rlim_t)16 << 30; /* 16 GiB */

enum {
	FIRST_FREE_FD = 100, /* above 3 and whatever stdio uses */
	ORPHAN_ROUNDS = 10,  /* orphans may fork: look again, this often */
};
static volatile pid_t running; /* the child proc_run waits for, or 0 */
static double deadline;        /* see proc_set_deadline(); 0 for none */
static volatile sig_atomic_t stop_signal; /* see proc_stop_on_signals() */
static void (*stop_cleanup)(void);

/* The parent of process name (a folder of /proc), or -1 if none is known. */
static pid_t parent_of(const char *name)
{
	if (name[0] < '1' || name[0] > '9')
		return -1; /* ".", "..", "self" and the like */
	char path[64], stat[512];
	snprintf(path, sizeof path, "/proc/%s/stat", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t len = read(fd, stat, sizeof stat - 1);
	close(fd);
	if (len <= 0)
		return -1;
	stat[len] = '\0';
	/* "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses */
	const char *close_paren = strrchr(stat, ')');
	char state;
	int ppid;
	if (close_paren == NULL ||
	    sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2)
		return -1;
	return ppid;
}

/* Kills and reaps every child of the grader's; returns how many. */
static int kill_children(void)
{
	int dir = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return 0;
	pid_t self = getpid();
	int killed = 0;
	char entries[8192];
	ssize_t n;
	while ((n = getdents64(dir, entries, sizeof entries)) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *e = (struct dirent64 *)(entries + off);
			off += e->d_reclen;
			if (parent_of(e->d_name) != self)
				continue;
			pid_t pid = atoi(e->d_name);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			killed++;
		}
	}
	close(dir);
	return killed;
}

/*
 * Kills every remaining child of the grader: the grader is a subreaper
 * (proc_start), so a process that left the check's process group
 * (Criterion starts each test in a session of its own) is reparented to
 * it once its parent dies. Orphans may fork meanwhile: look again.
 */
static void kill_orphans(void)
{
	for (int round = 0; round < ORPHAN_ROUNDS; round++)
		if (kill_children() == 0)
			return;
}

/*
 * The handler of SIGINT, SIGTERM and SIGHUP. It only notes the signal and
 * kills the running command's group: kill() is async-signal-safe, while
 * fork(), which the clean-up needs, is not in glibc (it takes locks that
 * the interrupted code may hold, and then waits forever). proc_run sees
 * the note as soon as its wait returns and calls stop_if_signalled().
 */
static void on_stop_signal(int sig)
{
	stop_signal = sig;
	pid_t pid = running;
	if (pid > 0 && kill(-pid, SIGKILL) != 0)
		kill(pid, SIGKILL);
}

/* If a stop signal came: kills what is left, cleans up and dies of it. */
static void stop_if_signalled(void)
{
	int sig = stop_signal;
	if (sig == 0)
		return;
	stop_signal = 0; /* the clean-up may run commands of its own */
	kill_orphans();
	if (stop_cleanup != NULL)
		stop_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

void proc_stop_on_signals(void (*cleanup)(void))
{
	stop_cleanup = cleanup;
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void proc_start(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}
/* In a child of proc_each: runs job i and exits, never returning. */
static void run_job(size_t i, void (*job)(size_t, void *), void *arg)
{
	proc_start();        /* its commands' orphans come to it */
	stop_cleanup = NULL; /* the parent cleans up: a child only dies */
	job(i, arg);
	fflush(NULL);
	_exit(0);
}

/*
 * Waits for any child of proc_each's to end, noticing a stop signal at
 * once (a wait that blocked could miss one that came just before it).
 * Returns its pid and status, or -1 if there is no child left.
 */
static pid_t wait_any(int *status)
{
	const struct timespec nap = {.tv_nsec = 20 * 1000 * 1000};
	for (;;) {
		stop_if_signalled();
		pid_t pid = waitpid(-1, status, WNOHANG);
		if (pid != 0)
			return pid;
		nanosleep(&nap, NULL); /* a signal cuts it short */
	}
}

void proc_each(size_t n, int jobs, void (*job)(size_t i, void *arg),
	       void (*ended)(size_t i, int status, void *arg), void *arg)
{
	pid_t *pids = calloc(n > 0 ? n : 1, sizeof *pids);
	size_t started = 0, done = 0;
	int running_jobs = 0;
	while (done < n) {
		while (started < n && running_jobs < jobs) {
			pid_t pid = pids != NULL ? fork() : -1;
			if (pid == 0)
				run_job(started, job, arg);
			if (pid < 0) { /* no child: do it here */
				job(started, arg);
				ended(started, 0, arg);
				done++;
			} else {
				pids[started] = pid;
				running_jobs++;
			}
			started++;
		}
		int status = -1;
		pid_t pid = running_jobs > 0 ? wait_any(&status) : 0;
		for (size_t i = 0; pids != NULL && pid != 0 && i < started;
		     i++) {
			/* pid -1: no child left, though some never ended */
			if (pids[i] == 0 || (pid > 0 && pids[i] != pid))
				continue; /* not ours: an orphan reaped */
			pids[i] = 0;
			running_jobs--;
			ended(i, pid > 0 ? status : -1, arg);
			done++;
		}
	}
	free(pids);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void proc_set_deadline(int seconds)
{
	deadline = seconds > 0 ? now_seconds() + seconds : 0;
}

int proc_seconds_left(void)
{
	if (deadline == 0)
		return INT_MAX;
	double left = deadline - now_seconds();
	return left > 0 ? (int)left : 0;
}

static void set_limit(int resource, rlim_t value)
{
	struct rlimit rl = {.rlim_cur = value, .rlim_max = value};
	setrlimit(resource, &rl);
}

/*
 * In the child: moves the descriptors lim->pass gives to the numbers they
 * are given as, and closes every other descriptor above 2: one left open
 * would reach a file outside the sandbox.
 */
static void pass_descriptors(const struct proc_limits *lim)
{
	int moved[PROC_PASS_MAX], highest = STDERR_FILENO;
	/* out of the way of the target numbers first */
	for (int i = 0; i < PROC_PASS_MAX; i++)
		moved[i] =
			lim->pass[i].fd > 0 && lim->pass[i].as > STDERR_FILENO
				? fcntl(lim->pass[i].fd, F_DUPFD, FIRST_FREE_FD)
				: -1;
	for (int i = 0; i < PROC_PASS_MAX; i++) {
		if (moved[i] < 0)
			continue;
		dup2(moved[i], lim->pass[i].as);
		if (lim->pass[i].as > highest)
			highest = lim->pass[i].as;
	}
	for (int fd = STDERR_FILENO + 1; fd < highest; fd++) {
		bool passed = false;
		for (int i = 0; i < PROC_PASS_MAX; i++)
			passed = passed ||
				 (moved[i] >= 0 && lim->pass[i].as == fd);
		if (!passed)
			close(fd);
	}
	close_range((unsigned)highest + 1, ~0U, 0);
}

/*
 * In the child: environment, directory, output, limits; then exec. One
 * straight sequence, kept whole because its order is the point (the
 * cgroup before anything runs, the limits last).
 */
static void child_exec(char *const argv[], const struct proc_limits *lim,
		       int out_fd)
{
	/* A session of its own: its own process group, and no controlling
	 * terminal, so it cannot type into the terminal of whoever runs the
	 * grader (TIOCSTI). */
	setsid();
	/* into the submission's control group, before anything of it runs */
	for (int i = 0; i < PROC_JOIN_MAX; i++)
		if (lim->join[i] > 0 && write(lim->join[i], "0", 1) != 1)
			_exit(EXIT_NOT_FOUND);
	/* a grader run inside a Criterion test must not make its own children
	 * think they are Criterion's workers, nor inherit the flags of a make
	 * that runs the grader */
	unsetenv("BXFI_MAP");
	unsetenv("MAKEFLAGS");
	unsetenv("MFLAGS");
	unsetenv("MAKELEVEL");
	for (size_t i = 0; lim->env != NULL && lim->env[i] != NULL; i++)
		putenv((char *)lim->env[i]);
	signal(SIGPIPE, SIG_DFL);
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0)
		dup2(devnull, STDIN_FILENO);
	int out = fcntl(out_fd, F_DUPFD, FIRST_FREE_FD);
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	pass_descriptors(lim);
	if (lim->dir != NULL && chdir(lim->dir) != 0) {
		fprintf(stderr, "grader: cannot enter %s: %s\n", lim->dir,
			strerror(errno));
		_exit(EXIT_NOT_FOUND);
	}
	/* limits last: nothing may allocate after them (a sanitizer build of
	 * the grader could not) */
	set_limit(RLIMIT_CORE, 0);
	set_limit(RLIMIT_FSIZE, FILE_SIZE_CAP);
	set_limit(RLIMIT_CPU, (rlim_t)lim->seconds + 1);
	if (lim->limit_memory)
		set_limit(RLIMIT_AS, ADDRESS_SPACE_CAP);
	if (lim->descriptors > 0)
		set_limit(RLIMIT_NOFILE, (rlim_t)lim->descriptors);
	execvp(argv[0], argv);
	_exit(EXIT_NOT_FOUND);
}

/* Appends what is readable on fd to res; returns false at end of file. */
static bool drain(int fd, struct proc_result *res)
{
	char chunk[READ_CHUNK];
	ssize_t n = read(fd, chunk, sizeof chunk);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	size_t room = PROC_OUTPUT_KEEP - res->output_len;
	size_t keep = (size_t)n < room ? (size_t)n : room;
	memcpy(res->output + res->output_len, chunk, keep);
	res->output_len += keep;
	res->output_total += (size_t)n;
	return true;
}

/* Appends what is readable on channel fd i to res, up to its cap. */
static void drain_channel(int fd, int i, struct proc_result *res)
{
	char chunk[READ_CHUNK];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		size_t room = PROC_CHANNEL_KEEP - res->channel_len[i];
		size_t keep = (size_t)n < room ? (size_t)n : room;
		memcpy(res->channel[i] + res->channel_len[i], chunk, keep);
		res->channel_len[i] += keep;
	}
}

/*
 * In the parent: collects output until the pipe closes or a limit hits,
 * and whatever comes on the channels meanwhile (a channel never ends the
 * wait: the command's output closing does). Kept as one loop over poll()
 * so that every way the wait ends is in one place.
 */
static void watch_child(pid_t pid, int fd, const struct proc_limits *lim,
			struct proc_result *res)
{
	double until = now_seconds() + lim->seconds;
	if (deadline != 0 && deadline < until)
		until = deadline; /* the whole lab's budget ends first */
	bool open_pipe = true;
	while (open_pipe && stop_signal == 0) {
		double left = until - now_seconds();
		if (left <= 0) {
			res->timed_out = true;
			break;
		}
		struct pollfd p[1 + PROC_CHANNELS] = {
			{.fd = fd, .events = POLLIN}};
		for (int i = 0; i < PROC_CHANNELS; i++)
			p[1 + i] = (struct pollfd){
				.fd = lim->listen[i] > 0 ? lim->listen[i] : -1,
				.events = POLLIN};
		int ready = poll(p, 1 + PROC_CHANNELS, (int)(left * 1000) + 1);
		for (int i = 0; ready > 0 && i < PROC_CHANNELS; i++)
			if (p[1 + i].revents & POLLIN)
				drain_channel(p[1 + i].fd, i, res);
		if (ready > 0 && p[0].revents != 0)
			open_pipe = drain(fd, res);
		if (res->output_total > PROC_OUTPUT_FLOOD) {
			res->flooded = true;
			break;
		}
	}
	/* the group: stragglers and forked children (the child itself, should
	 * it not have made its group yet) */
	if (kill(-pid, SIGKILL) != 0)
		kill(pid, SIGKILL);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	kill_orphans(); /* what left the group, e.g. Criterion's test processes */
	for (int i = 0; i < PROC_CHANNELS; i++)
		if (lim->listen[i] > 0)
			drain_channel(lim->listen[i], i, res);
	if (WIFEXITED(status) && !res->timed_out && !res->flooded) {
		res->exited = true;
		res->exit_code = WEXITSTATUS(status);
		/* sh reports a command killed by signal N as status 128 + N */
		if (res->exit_code > SHELL_SIGNAL_BASE &&
		    res->exit_code < SHELL_SIGNAL_BASE + NSIG)
			res->signal = res->exit_code - SHELL_SIGNAL_BASE;
	} else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
		res->signal = WTERMSIG(status);
	} else if (WIFSIGNALED(status) && !res->timed_out && !res->flooded) {
		res->signal =
			SIGKILL; /* killed by someone else, e.g. the OOM killer */
	}
}

int proc_run(const char *command, const struct proc_limits *lim,
	     struct proc_result *res)
{
	char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
	return proc_run_argv(argv, lim, res);
}

int proc_run_argv(char *const argv[], const struct proc_limits *lim,
		  struct proc_result *res)
{
	stop_if_signalled(); /* a stop signal came between commands */
	*res = (struct proc_result){.output = calloc(1, PROC_OUTPUT_KEEP + 1)};
	bool ok = res->output != NULL;
	for (int i = 0; i < PROC_CHANNELS; i++)
		if (lim->listen[i] > 0)
			ok = ok && (res->channel[i] =
					    calloc(1, PROC_CHANNEL_KEEP + 1));
	if (!ok) {
		fprintf(stderr, "grader: out of memory\n");
		exit(3);
	}
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		int out = fds[1];
		child_exec(argv, lim, out);
	}
	close(fds[1]);
	res->started = true;
	running = pid;
	watch_child(pid, fds[0], lim, res);
	running = 0;
	close(fds[0]);
	res->output[res->output_len] = '\0';
	stop_if_signalled();
	return 0;
}

void proc_result_free(struct proc_result *res)
{
	free(res->output);
	res->output = NULL;
	for (int i = 0; i < PROC_CHANNELS; i++) {
		free(res->channel[i]);
		res->channel[i] = NULL;
	}
}

bool proc_succeeded(const struct proc_result *res)
{
	return res->started && res->exited && res->exit_code == 0;
}

void proc_describe(const struct proc_result *res, int seconds, char *buf,
		   size_t cap)
{
	if (!res->started)
		snprintf(buf, cap, "could not be started");
	else if (res->timed_out)
		snprintf(buf, cap, "timed out after %d s", seconds);
	else if (res->flooded)
		snprintf(buf, cap, "killed for printing more than %d MiB",
			 PROC_OUTPUT_FLOOD / (1024 * 1024));
	else if (res->signal != 0)
		snprintf(buf, cap, "killed by signal %d (%s)", res->signal,
			 strsignal(res->signal));
	else if (res->exit_code == EXIT_NOT_FOUND)
		snprintf(buf, cap, "exit status 127: command not found");
	else
		snprintf(buf, cap, "exit status %d", res->exit_code);
}

FILE *proc_open_output(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	FILE *f = NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		f = fdopen(fd, "r");
	if (f == NULL)
		close(fd);
	return f;
}

const char *proc_quote(const char *s, char *buf, size_t cap)
{
	size_t n = 0;
	buf[n++] = '\'';
	for (; *s != '\0' && n + 5 < cap; s++) {
		if (*s == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n++] = '\'';
	buf[n] = '\0';
	return buf;
}
