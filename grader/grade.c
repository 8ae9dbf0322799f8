/*
 * grade: the workbook's grader.
 *
 *     grade [--lab NAME] [--stage N] [--json FILE] [--gradescope FILE]
 *           [--csv FILE [--name NAME]] [--list-files] [--timeout S] [--sandbox auto|on|off]
 *           [--verbose] [--root DIR] [SUBMISSION_DIR]
 *
 * Grades a submission (a folder shaped like labs/; default "labs") against
 * each lab's rubric, prints one line per check and ends with "Score: X/Y".
 * The official files (headers, tests, Makefiles, rubrics) come from the
 * grader's own copies in ROOT/grader/official/, never from the submission.
 * The submission's code is built and run in a bubblewrap sandbox when
 * bwrap works on this machine (sandbox.h); --sandbox on insists on it.
 *
 * Exit status: 0 when the grading ran (whatever the score), 2 for a usage
 * error or a sandbox that --sandbox on asked for and cannot have, 1 when
 * the grader itself could not do its job (a broken rubric, a report it
 * could not write).
 */
#include "lab.h"
#include "proc.h"
#include "report.h"
#include "sandbox.h"

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_LABS = 8, PATH_CAP = 4096 };

struct args {
	const char *lab, *json, *gradescope, *csv, *name, *root, *submission;
	int stage, timeout;
	enum sandbox_mode sandbox;
	bool list_files, verbose;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: grade [--lab NAME] [--stage N] [--json FILE] "
		"[--gradescope FILE]\n"
		"             [--csv FILE [--name NAME]] "
		"[--list-files] [--timeout S]\n"
		"             [--sandbox auto|on|off] [--verbose] [--root DIR]\n"
		"             [SUBMISSION_DIR]\n"
		"Grades SUBMISSION_DIR (default: labs), a folder shaped like "
		"labs/.\n");
}

/* Parses a positive number for option opt; exits with a message if bad. */
static int parse_positive(const char *opt, const char *value)
{
	char *end;
	long v = value ? strtol(value, &end, 10) : 0;
	if (value == NULL || *end != '\0' || v < 1 || v > 100000) {
		fprintf(stderr, "grade: %s needs a positive number\n", opt);
		exit(2);
	}
	return (int)v;
}

static struct args parse_args(int argc, char **argv)
{
	struct args a = {.submission = "labs"};
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes_value = true;
		if (strcmp(arg, "--lab") == 0)
			a.lab = next;
		else if (strcmp(arg, "--json") == 0)
			a.json = next;
		else if (strcmp(arg, "--gradescope") == 0)
			a.gradescope = next;
		else if (strcmp(arg, "--csv") == 0)
			a.csv = next;
		else if (strcmp(arg, "--name") == 0)
			a.name = next;
		else if (strcmp(arg, "--root") == 0)
			a.root = next;
		else if (strcmp(arg, "--stage") == 0)
			a.stage = parse_positive(arg, next);
		else if (strcmp(arg, "--timeout") == 0)
			a.timeout = parse_positive(arg, next);
		else if (strcmp(arg, "--sandbox") == 0) {
			if (next != NULL && !sandbox_parse_mode(next, &a.sandbox)) {
				fprintf(stderr, "grade: --sandbox takes auto, on "
						"or off\n");
				exit(2);
			}
		}
		else if ((takes_value = false), strcmp(arg, "--list-files") == 0)
			a.list_files = true;
		else if (strcmp(arg, "--verbose") == 0 || strcmp(arg, "-v") == 0)
			a.verbose = true;
		else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
			usage(stdout), exit(0);
		else if (arg[0] == '-')
			fprintf(stderr, "grade: unknown option %s\n", arg),
				usage(stderr), exit(2);
		else
			a.submission = arg;
		if (takes_value && next == NULL) {
			fprintf(stderr, "grade: %s needs a value\n", arg);
			exit(2);
		}
		i += takes_value;
	}
	return a;
}

/* The workbook's root: the folder above the one holding this program. */
static const char *find_root(char *buf, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
	if (n <= 0)
		return ".";
	buf[n] = '\0';
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(buf, '/');
		if (slash == NULL)
			return ".";
		*slash = '\0';
	}
	return buf;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fills names with the labs in ROOT/grader/official, sorted; returns n. */
static size_t find_labs(const char *root, char **names)
{
	char path[PATH_CAP];
	snprintf(path, sizeof path, "%s/grader/official", root);
	DIR *d = opendir(path);
	size_t n = 0;
	for (struct dirent *e; d && (e = readdir(d)) && n < MAX_LABS;) {
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof *names, compare_names);
	return n;
}

static int list_files(const char *root, char **labs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char path[PATH_CAP], err[1024];
		struct rubric r;
		snprintf(path, sizeof path, "%s/grader/official/%s/rubric", root,
			 labs[i]);
		if (rubric_load(&r, path, err, sizeof err) != 0) {
			fprintf(stderr, "grade: %s\n", err);
			return 1;
		}
		for (size_t k = 0; k < r.nfiles; k++)
			printf("%s/%s\n", labs[i], r.files[k]);
		rubric_free(&r);
	}
	return 0;
}

/* The scratch folder, for on_signal() to remove. */
static char scratch_path[PATH_CAP];

/*
 * On SIGINT, SIGTERM or SIGHUP: kills the running check, removes the
 * scratch folder (with rm, in a child: fork, exec and waitpid are safe in a
 * signal handler, the grader's own functions are not) and dies of the
 * signal, so that the caller sees how it ended.
 */
static void on_signal(int sig)
{
	proc_kill_running();
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/rm", "rm", "-rf", "--", scratch_path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Removes the scratch folder and everything in it. */
static void remove_tree(const char *dir)
{
	char cmd[2 * PATH_CAP], quoted[2 * PATH_CAP - 16];
	snprintf(cmd, sizeof cmd, "rm -rf -- %s",
		 proc_quote(dir, quoted, sizeof quoted));
	struct proc_limits lim = {.seconds = 120};
	struct proc_result res;
	proc_run(cmd, &lim, &res);
	proc_result_free(&res);
}

static int grade_all(const struct args *a, const char *root, char **labs,
		     size_t n)
{
	struct stat st;
	if (stat(a->submission, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "grade: no submission folder %s\n", a->submission);
		return 2;
	}
	const char *tmp = getenv("TMPDIR");
	char scratch[PATH_CAP];
	snprintf(scratch, sizeof scratch, "%s/grade.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(scratch) == NULL) {
		perror("grade: cannot make a scratch folder");
		return 1;
	}
	snprintf(scratch_path, sizeof scratch_path, "%s", scratch);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	char real_scratch[PATH_MAX], why[512], sandbox[600];
	if (realpath(scratch, real_scratch) == NULL)
		snprintf(real_scratch, sizeof real_scratch, "%s", scratch);
	if (sandbox_start(a->sandbox, root, real_scratch, why, sizeof why)) {
		snprintf(sandbox, sizeof sandbox, "bubblewrap");
	} else if (a->sandbox == SANDBOX_ON) {
		fprintf(stderr, "grade: --sandbox on, but the sandbox does not "
				"work here: %s\n", why);
		remove_tree(scratch);
		return 2;
	} else {
		snprintf(sandbox, sizeof sandbox, "off (%s)%s", why,
			 geteuid() == 0 ? "; the submission's code runs as "
					  "root, unconfined"
					: "");
	}
	struct grade_options opt = {.root = root, .submission = a->submission,
				    .scratch = real_scratch, .stage = a->stage,
				    .timeout = a->timeout};
	static struct lab_result results[MAX_LABS];
	int score = 0, max = 0, rc = 0;
	printf("Grading %s%s\n", a->submission,
	       a->stage ? " (up to the stage asked for)" : "");
	printf("Sandbox: %s\n", strcmp(sandbox, "bubblewrap") == 0
					 ? "bubblewrap (no network; sees only "
					   "the lab and the system's programs)"
					 : sandbox);
	for (size_t i = 0; i < n; i++) {
		fflush(stdout);
		lab_grade(labs[i], &opt, &results[i]);
		report_table(stdout, &results[i], a->verbose);
		score += results[i].score;
		max += results[i].max_score;
		rc |= !results[i].rubric_ok;
	}
	if (a->json && report_json(a->json, results, n, sandbox) != 0)
		fprintf(stderr, "grade: cannot write %s\n", a->json), rc = 1;
	if (a->gradescope && report_gradescope(a->gradescope, results, n) != 0)
		fprintf(stderr, "grade: cannot write %s\n", a->gradescope), rc = 1;
	if (a->csv &&
	    report_csv(a->csv, a->name ? a->name : a->submission, results, n,
		       sandbox) != 0)
		fprintf(stderr, "grade: cannot write %s\n", a->csv), rc = 1;
	printf("\nScore: %d/%d\n", score, max);
	for (size_t i = 0; i < n; i++)
		lab_result_free(&results[i]);
	remove_tree(scratch);
	return rc;
}

int main(int argc, char **argv)
{
	struct args a = parse_args(argc, argv);
	proc_start();
	char rootbuf[PATH_CAP], real_root[PATH_MAX];
	const char *root = a.root ? a.root : find_root(rootbuf, sizeof rootbuf);
	if (realpath(root, real_root) == NULL) {
		fprintf(stderr, "grade: no workbook at %s\n", root);
		return 2;
	}
	char *labs[MAX_LABS];
	size_t n;
	if (a.lab != NULL) {
		char path[PATH_CAP];
		struct stat st;
		snprintf(path, sizeof path, "%s/grader/official/%s", real_root,
			 a.lab);
		if (strchr(a.lab, '/') || stat(path, &st) != 0) {
			fprintf(stderr, "grade: no lab called '%s'\n", a.lab);
			return 2;
		}
		labs[0] = strdup(a.lab);
		n = 1;
	} else {
		n = find_labs(real_root, labs);
	}
	if (n == 0) {
		fprintf(stderr, "grade: no labs in %s/grader/official\n",
			real_root);
		return 2;
	}
	int rc = a.list_files ? list_files(real_root, labs, n)
			      : grade_all(&a, real_root, labs, n);
	for (size_t i = 0; i < n; i++)
		free(labs[i]);
	return rc;
}
