/*
 * sandbox.c: the bubblewrap sandbox for a submission's code. See sandbox.h.
 *
 * bwrap builds a new mount namespace from nothing: only the folders bound
 * below exist in it, and proc.c adds the lab's folder (read-only once it
 * is built) and, for some checks, a folder of their own to write. It also
 * gets new user, process, network, IPC and UTS namespaces (--unshare-all),
 * so the code sees no other process and has only a loopback network; it
 * has no capabilities even when the grader runs as root (--cap-drop ALL:
 * otherwise root in the sandbox could remount the read-only folders), may
 * not make user namespaces of its own, and dies with the grader
 * (--die-with-parent). Its process group is the one proc.c made, so a
 * timeout still kills all of it. Its environment is rebuilt from nothing
 * but PATH, HOME, TMPDIR and LANG (and GRADER_REPORT, which proc.c adds).
 * /tmp is a private tmpfs of at most TMP_BYTES.
 */
#include "sandbox.h"

#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WORDS_CAP = 120, PATH_CAP = 4096 };
static const char TMP_BYTES[] = "1073741824"; /* 1 GiB */

/* System folders the checks read: compilers, libraries, Valgrind. */
static const char *const SYSTEM_DIRS[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
};

/* The few files of /etc that programs read (the dynamic linker's cache,
 * the alternatives behind cc, user names, time zone, Python's and Perl's
 * settings); not the rest of /etc. */
static const char *const ETC_FILES[] = {
	"/etc/alternatives", "/etc/ld.so.cache",  "/etc/ld.so.conf",
	"/etc/ld.so.conf.d", "/etc/passwd",	  "/etc/group",
	"/etc/nsswitch.conf", "/etc/localtime",	  "/etc/python3",
	"/etc/perl",	     "/etc/locale.alias",
};

static char *words[WORDS_CAP];
static size_t nwords;

/* Appends one word to the bwrap command line (a copy of it). */
static void add(const char *word)
{
	if (nwords + 1 >= WORDS_CAP) {
		fprintf(stderr, "grade: too many sandbox arguments\n");
		exit(3);
	}
	words[nwords] = strdup(word);
	if (words[nwords] == NULL) {
		fprintf(stderr, "grade: out of memory\n");
		exit(3);
	}
	words[++nwords] = NULL;
}

/* Appends "option from to", with to the same path as from. */
static void bind(const char *option, const char *path)
{
	add(option);
	add(path);
	add(path);
}

/* Builds the bwrap command line for this workbook root. */
static void build_words(const char *root)
{
	char path[PATH_CAP];
	nwords = 0;
	add("bwrap");
	add("--unshare-all");
	add("--unshare-user");
	add("--disable-userns");
	add("--cap-drop");
	add("ALL");
	add("--die-with-parent");
	for (size_t i = 0; i < sizeof SYSTEM_DIRS / sizeof *SYSTEM_DIRS; i++)
		bind("--ro-bind-try", SYSTEM_DIRS[i]);
	for (size_t i = 0; i < sizeof ETC_FILES / sizeof *ETC_FILES; i++)
		bind("--ro-bind-try", ETC_FILES[i]);
	/* /usr/local holds what this machine's admin installed by hand, not
	 * what a check needs: an empty folder hides it */
	add("--tmpfs");
	add("/usr/local");
	add("--dev");
	add("/dev");
	add("--proc");
	add("/proc");
	add("--size");
	add(TMP_BYTES);
	add("--tmpfs");
	add("/tmp");
	snprintf(path, sizeof path, "%s/mk", root);
	bind("--ro-bind", path);
	snprintf(path, sizeof path, "%s/grader/harness", root);
	bind("--ro-bind", path);
	/* A clean environment: the grader's may hold tokens and passwords. */
	add("--clearenv");
	add("--setenv");
	add("PATH");
	add("/usr/local/bin:/usr/bin:/bin");
	add("--setenv");
	add("HOME");
	add("/tmp");
	add("--setenv");
	add("TMPDIR");
	add("/tmp");
	add("--setenv");
	add("LANG");
	add("C.UTF-8");
}

/* Frees the words and forgets them. */
static void drop_words(void)
{
	proc_set_wrapper(NULL);
	for (size_t i = 0; i < nwords; i++)
		free(words[i]);
	nwords = 0;
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

bool sandbox_start(enum sandbox_mode mode, const char *root,
		   const char *scratch, char *why, size_t cap)
{
	if (mode == SANDBOX_OFF) {
		snprintf(why, cap, "--sandbox off");
		return false;
	}
	build_words(root);
	proc_set_wrapper(words);
	/* Try it: the sandbox must start, find the shell, write the folder it
	 * was given and nothing else. */
	struct proc_limits lim = {.seconds = 30, .dir = scratch,
				  .sandboxed = true};
	struct proc_result res;
	int rc = proc_run("test -w . && test -r /usr/bin/env && "
			  "! test -w /usr",
			  &lim, &res);
	bool works = rc == 0 && proc_succeeded(&res);
	if (!works) {
		char how[128], line[256];
		proc_describe(&res, lim.seconds, how, sizeof how);
		if (res.exited && res.exit_code == 127 && res.output_len == 0)
			snprintf(line, sizeof line,
				 "bubblewrap (bwrap) is not installed; "
				 "sh tools/bootstrap.sh grade installs it");
		else
			first_line(res.output, how, line, sizeof line);
		snprintf(why, cap, "%s", line);
		drop_words();
	}
	proc_result_free(&res);
	return works;
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
