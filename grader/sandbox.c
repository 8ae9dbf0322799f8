/*
 * sandbox.c: the bubblewrap sandbox for a submission's code. See sandbox.h.
 *
 * bwrap builds a new mount namespace from nothing: only the folders bound
 * below exist in it, and sandbox_run adds the lab's folder (read-only once
 * it is built) and, for some checks, a folder of their own. It also
 * gets new user, process, network, IPC and UTS namespaces (--unshare-all),
 * so the code sees no other process and has only a loopback network; it
 * has no capabilities even when the grader runs as root (--cap-drop ALL:
 * otherwise root in the sandbox could remount the read-only folders), may
 * not make user namespaces of its own, and dies with the grader
 * (--die-with-parent). Its process group is the one proc.c made, so a
 * timeout still kills all of it. Its environment is rebuilt from nothing
 * but PATH, HOME, TMPDIR and LANG (and the variables a check asks for).
 * /tmp is a private tmpfs of at most TMP_BYTES. bwrap reads its options
 * from a descriptor (--args), so that its command line, which the checks
 * see as /proc/1/cmdline, holds no path of the grader's machine.
 */
#define _GNU_SOURCE /* memfd_create */
#include "sandbox.h"

#include "cgroup.h"
#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum {
	WORDS_CAP = 120,
	ENV_CAP = 8,
	PATH_CAP = 4096,
	ARGS_FD = 4,
	PROCESSES_CAP = 512
};
/* Memory for all of a submission's processes at once, /tmp included. */
static const long long MEMORY_CAP = 4LL << 30;
static const char TMP_BYTES[] = "1073741824"; /* 1 GiB */

/* System folders the checks read: compilers, libraries, Valgrind. */
static const char *const SYSTEM_DIRS[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
};

/* The few files of /etc that programs read (the dynamic linker's cache,
 * the alternatives behind cc, user names, time zone, Python's and Perl's
 * settings); not the rest of /etc. */
static const char *const ETC_FILES[] = {
	"/etc/alternatives",  "/etc/ld.so.cache",  "/etc/ld.so.conf",
	"/etc/ld.so.conf.d",  "/etc/passwd",       "/etc/group",
	"/etc/nsswitch.conf", "/etc/localtime",    "/etc/python3",
	"/etc/perl",          "/etc/locale.alias",
};

struct sandbox {
	char *words[WORDS_CAP]; /* bwrap's fixed options, then NULL */
	size_t nwords;
	struct cgroup cgroup; /* the submission's caps, if capped */
	bool capped;
	char caps[200]; /* the caps, or why there are none */
};

/* Appends one word to the bwrap command line (a copy of it). */
static void add(struct sandbox *sb, const char *word)
{
	if (sb->nwords + 1 >= WORDS_CAP) {
		fprintf(stderr, "grade: too many sandbox arguments\n");
		exit(3);
	}
	sb->words[sb->nwords] = strdup(word);
	if (sb->words[sb->nwords] == NULL) {
		fprintf(stderr, "grade: out of memory\n");
		exit(3);
	}
	sb->words[++sb->nwords] = NULL;
}

/* Appends "option from to", with to the same path as from. */
static void bind(struct sandbox *sb, const char *option, const char *path)
{
	add(sb, option);
	add(sb, path);
	add(sb, path);
}

/* Appends "--setenv name value". */
static void set_env(struct sandbox *sb, const char *name, const char *value)
{
	add(sb, "--setenv");
	add(sb, name);
	add(sb, value);
}

/* The options every command of this workbook root runs under. */
static void build_words(struct sandbox *sb, const char *root)
{
	static const char *const options[] = {
		"--unshare-all",
		"--unshare-user",
		"--disable-userns",
		"--cap-drop",
		"ALL",
		"--die-with-parent",
	};
	char path[PATH_CAP];
	for (size_t i = 0; i < sizeof options / sizeof *options; i++)
		add(sb, options[i]);
	for (size_t i = 0; i < sizeof SYSTEM_DIRS / sizeof *SYSTEM_DIRS; i++)
		bind(sb, "--ro-bind-try", SYSTEM_DIRS[i]);
	for (size_t i = 0; i < sizeof ETC_FILES / sizeof *ETC_FILES; i++)
		bind(sb, "--ro-bind-try", ETC_FILES[i]);
	/* /usr/local holds what this machine's admin installed by hand, not
	 * what a check needs: an empty folder hides it */
	add(sb, "--tmpfs");
	add(sb, "/usr/local");
	add(sb, "--dev");
	add(sb, "/dev");
	add(sb, "--proc");
	add(sb, "/proc");
	add(sb, "--size");
	add(sb, TMP_BYTES);
	add(sb, "--tmpfs");
	add(sb, "/tmp");
	snprintf(path, sizeof path, "%s/mk", root);
	bind(sb, "--ro-bind", path);
	snprintf(path, sizeof path, "%s/grader/harness", root);
	bind(sb, "--ro-bind", path);
	/* A clean environment: the grader's may hold tokens and passwords. */
	add(sb, "--clearenv");
	set_env(sb, "PATH", "/usr/local/bin:/usr/bin:/bin");
	set_env(sb, "HOME", "/tmp");
	set_env(sb, "TMPDIR", "/tmp");
	set_env(sb, "LANG", "C.UTF-8");
}

void sandbox_stop(struct sandbox *sb)
{
	if (sb != NULL && sb->capped)
		cgroup_close(&sb->cgroup);
	for (size_t i = 0; sb != NULL && i < sb->nwords; i++)
		free(sb->words[i]);
	free(sb);
}

const char *sandbox_caps(const struct sandbox *sb)
{
	return sb != NULL ? sb->caps : "none: the code runs unconfined";
}

/* Writes word and its terminating NUL to fd; returns false if it cannot. */
static bool put_word(int fd, const char *word)
{
	size_t len = strlen(word) + 1;
	return write(fd, word, len) == (ssize_t)len;
}

/*
 * Writes the options of one command to a new memory file, as bwrap's
 * --args reads them: NUL-terminated words. Returns its descriptor, or -1.
 */
static int write_options(const struct sandbox *sb,
			 const struct proc_limits *lim,
			 const struct sandbox_binds *binds)
{
	int fd = memfd_create("bwrap-args", MFD_CLOEXEC);
	bool ok = fd >= 0;
	for (size_t i = 0; ok && i < sb->nwords; i++)
		ok = put_word(fd, sb->words[i]);
	const char *dir_bind = binds->dir_writable ? "--bind" : "--ro-bind";
	ok = ok && put_word(fd, dir_bind) && put_word(fd, lim->dir) &&
	     put_word(fd, lim->dir);
	if (binds->writable != NULL)
		ok = ok && put_word(fd, "--bind") &&
		     put_word(fd, binds->writable) &&
		     put_word(fd, binds->writable);
	if (binds->readable != NULL)
		ok = ok && put_word(fd, "--ro-bind") &&
		     put_word(fd, binds->readable) &&
		     put_word(fd, binds->readable);
	/* NAME=VALUE words become --setenv NAME VALUE (cut at the '=') */
	for (size_t i = 0; ok && lim->env != NULL && lim->env[i] != NULL; i++) {
		const char *word = lim->env[i];
		size_t len = strcspn(word, "=");
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)len, word);
		ok = put_word(fd, "--setenv") && put_word(fd, name) &&
		     put_word(fd, word + len + (word[len] == '='));
	}
	ok = ok && put_word(fd, "--chdir") && put_word(fd, lim->dir) &&
	     lseek(fd, 0, SEEK_SET) == 0;
	if (!ok && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int sandbox_run(const struct sandbox *sb, const char *command,
		const struct proc_limits *lim,
		const struct sandbox_binds *binds, struct proc_result *res)
{
	if (sb == NULL)
		return proc_run(command, lim, res);
	int options = write_options(sb, lim, binds);
	struct proc_limits with_options = *lim;
	size_t free_slot = 0;
	while (free_slot < PROC_PASS_MAX && lim->pass[free_slot].fd > 0)
		free_slot++;
	if (options < 0 || free_slot == PROC_PASS_MAX) {
		*res = (struct proc_result){0};
		if (options >= 0)
			close(options);
		return -1;
	}
	with_options.pass[free_slot] = (struct proc_pass){options, ARGS_FD};
	for (int i = 0; sb->capped && i < CGROUP_PROCS_MAX && i < PROC_JOIN_MAX;
	     i++)
		with_options.join[i] = sb->cgroup.procs[i];
	char args_fd[16];
	snprintf(args_fd, sizeof args_fd, "%d", ARGS_FD);
	char *argv[] = {"bwrap", "--args",        args_fd, "/bin/sh",
			"-c",    (char *)command, NULL};
	int rc = proc_run_argv(argv, &with_options, res);
	close(options);
	return rc;
}

/* Puts the first line of text (or what) into why. */
static void first_line(const char *text, const char *what, char *why,
		       size_t cap)
{
	size_t len = strcspn(text, "\n");
	if (len == 0)
		snprintf(why, cap, "%s", what);
	else
		snprintf(why, cap, "%.*s", (int)len, text);
}

/* (See sandbox.h.) Longer than 40 lines: the setting up and its trial run,
 * with a reason for every way either can fail. */
struct sandbox *sandbox_start(const char *root, const char *scratch, char *why,
			      size_t cap)
{
	struct sandbox *sb = calloc(1, sizeof *sb);
	if (sb == NULL) {
		snprintf(why, cap, "out of memory");
		return NULL;
	}
	build_words(sb, root);
	/* Try it: the sandbox must start, find the shell, write the folder it
	 * was given and nothing else. */
	struct proc_limits lim = {.seconds = 30, .dir = scratch};
	struct sandbox_binds binds = {.dir_writable = true};
	struct proc_result res;
	int rc = sandbox_run(sb,
			     "test -w . && test -r /usr/bin/env && "
			     "! test -w /usr",
			     &lim, &binds, &res);
	if (rc == 0 && proc_succeeded(&res)) {
		char why_not[160];
		sb->capped = cgroup_open(&sb->cgroup, MEMORY_CAP, PROCESSES_CAP,
					 why_not, sizeof why_not) == 0;
		if (sb->capped)
			snprintf(sb->caps, sizeof sb->caps,
				 "%lld GiB of memory and %d processes for the "
				 "whole submission",
				 MEMORY_CAP >> 30, PROCESSES_CAP);
		else
			snprintf(sb->caps, sizeof sb->caps, "%s", why_not);
	} else {
		char how[128], line[256];
		proc_describe(&res, lim.seconds, how, sizeof how);
		if (res.exited && res.exit_code == 127 && res.output_len == 0)
			snprintf(line, sizeof line,
				 "bubblewrap (bwrap) is not installed; "
				 "sh tools/bootstrap.sh grade installs it");
		else
			first_line(res.output, how, line, sizeof line);
		snprintf(why, cap, "%s", line);
		sandbox_stop(sb);
		sb = NULL;
	}
	proc_result_free(&res);
	return sb;
}

bool sandbox_parse_mode(const char *text, enum sandbox_mode *mode)
{
	if (strcmp(text, "auto") == 0)
		*mode = SANDBOX_AUTO;
	else if (strcmp(text, "on") == 0)
		*mode = SANDBOX_ON;
	else if (strcmp(text, "off") == 0)
		*mode = SANDBOX_OFF;
	else
		return false;
	return true;
}
