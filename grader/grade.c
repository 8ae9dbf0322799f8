/*
 * grade: the workbook's grader.
 *
 *     grade [--lab NAME] [--stage N | --stages A-B] [--json FILE]
 *           [--gradescope FILE] [--prairielearn FILE] [--autolab]
 *           [--csv FILE [--name NAME]] [--list-files] [--timeout S]
 *           [--sandbox auto|on|off] [--fail-fast] [--jobs N] [--verbose]
 *           [--root DIR] [SUBMISSION_DIR]
 *
 * Grades a submission (a folder shaped like labs/; default "labs") against
 * each lab's rubric, prints one line per check and ends with "Score: X/Y"
 * (then, with --autolab, Autolab's autoresult line). --stage N grades
 * stages 1 to N, --stages A-B stages A to B. The platforms' result files
 * are Gradescope's and PrairieLearn's results.json (report.h).
 * The official files (headers, tests, Makefiles, rubrics) come from the
 * grader's own copies in ROOT/grader/official/, never from the submission.
 * The submission's code is built and run in a bubblewrap sandbox
 * (sandbox.h). Where bwrap does not work, --sandbox auto (the default)
 * grades only this workbook's own labs/ without it and refuses any other
 * folder; --sandbox on refuses all; --sandbox off grades without it.
 * --fail-fast stops grading a lab at its first check that loses points (the
 * checks after it are not run and score 0): mutation testing needs to know
 * only whether a mutant loses a point, and where first. --jobs N grades N
 * labs at once, each in a process of its own (default: one per core); the
 * tables still come out in the labs' order.
 *
 * Exit status: 0 when the grading ran (whatever the score), 2 for a usage
 * error or a sandbox that is needed and does not work here, 1 when
 * the grader itself could not do its job (a broken rubric, a report it
 * could not write).
 */
#include "lab.h"
#include "proc.h"
#include "report.h"
#include "sandbox.h"

#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_LABS = 8, PATH_CAP = 4096 };

struct args {
	const char *lab, *json, *gradescope, *prairielearn, *csv, *name, *root,
		*submission;
	int first_stage, stage, timeout, jobs;
	enum sandbox_mode sandbox;
	bool list_files, verbose, autolab, fail_fast;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: grade [--lab NAME] [--stage N | --stages A-B] "
		"[--json FILE]\n"
		"             [--gradescope FILE] [--prairielearn FILE] "
		"[--autolab]\n"
		"             [--csv FILE [--name NAME]] "
		"[--list-files] [--timeout S]\n"
		"             [--sandbox auto|on|off] [--fail-fast] "
		"[--jobs N] [--verbose]\n"
		"             [--root DIR] [SUBMISSION_DIR]\n"
		"Grades SUBMISSION_DIR (default: labs), a folder shaped like "
		"labs/.\n");
}

/* Says what is wrong with the command line (fmt takes at most one %s,
 * what), shows the usage and exits with status 2. */
static void fail_usage(const char *fmt, const char *what)
{
	fprintf(stderr, "grade: ");
	fprintf(stderr, fmt, what ? what : "");
	fprintf(stderr, "\n");
	usage(stderr);
	exit(2);
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

/* Parses --stages A-B (or N, for stage N alone) into a; exits if bad. */
static void parse_stages(const char *value, struct args *a)
{
	int first, last, end = 0;
	if (sscanf(value, "%d-%d%n", &first, &last, &end) == 2 &&
	    value[end] == '\0' && first >= 1 && first <= last) {
		a->first_stage = first;
		a->stage = last;
		return;
	}
	a->first_stage = a->stage = parse_positive("--stages", value);
}

static struct args parse_args(int argc, char **argv)
{
	enum {
		LAB = 256,
		STAGE,
		JSON,
		GRADESCOPE,
		PRAIRIELEARN,
		AUTOLAB,
		STAGES,
		CSV,
		NAME,
		LIST_FILES,
		TIMEOUT,
		SANDBOX,
		ROOT,
		FAIL_FAST,
		JOBS
	};
	static const struct option options[] = {
		{"lab", required_argument, NULL, LAB},
		{"stage", required_argument, NULL, STAGE},
		{"json", required_argument, NULL, JSON},
		{"gradescope", required_argument, NULL, GRADESCOPE},
		{"prairielearn", required_argument, NULL, PRAIRIELEARN},
		{"autolab", no_argument, NULL, AUTOLAB},
		{"stages", required_argument, NULL, STAGES},
		{"csv", required_argument, NULL, CSV},
		{"name", required_argument, NULL, NAME},
		{"list-files", no_argument, NULL, LIST_FILES},
		{"timeout", required_argument, NULL, TIMEOUT},
		{"sandbox", required_argument, NULL, SANDBOX},
		{"root", required_argument, NULL, ROOT},
		{"fail-fast", no_argument, NULL, FAIL_FAST},
		{"jobs", required_argument, NULL, JOBS},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct args a = {.submission = "labs"};
	opterr = 0;
	for (int c;
	     (c = getopt_long(argc, argv, ":vh", options, NULL)) != -1;) {
		switch (c) {
		case LAB:
			a.lab = optarg;
			break;
		case STAGE:
			a.first_stage = 1;
			a.stage = parse_positive("--stage", optarg);
			break;
		case JSON:
			a.json = optarg;
			break;
		case GRADESCOPE:
			a.gradescope = optarg;
			break;
		case PRAIRIELEARN:
			a.prairielearn = optarg;
			break;
		case AUTOLAB:
			a.autolab = true;
			break;
		case STAGES:
			parse_stages(optarg, &a);
			break;
		case CSV:
			a.csv = optarg;
			break;
		case NAME:
			a.name = optarg;
			break;
		case LIST_FILES:
			a.list_files = true;
			break;
		case TIMEOUT:
			a.timeout = parse_positive("--timeout", optarg);
			break;
		case SANDBOX:
			if (!sandbox_parse_mode(optarg, &a.sandbox))
				fail_usage("--sandbox takes auto, on or off",
					   NULL);
			break;
		case ROOT:
			a.root = optarg;
			break;
		case FAIL_FAST:
			a.fail_fast = true;
			break;
		case JOBS:
			a.jobs = parse_positive("--jobs", optarg);
			break;
		case 'v':
			a.verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			fail_usage("%s needs a value", argv[optind - 1]);
			break;
		default:
			fail_usage("unknown option %s", argv[optind - 1]);
			break;
		}
	}
	if (optind < argc)
		a.submission = argv[optind++];
	if (optind < argc)
		fail_usage("one submission folder at a time, not also %s",
			   argv[optind]);
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
		snprintf(path, sizeof path, "%s/grader/official/%s/rubric",
			 root, labs[i]);
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

/* The scratch folder and the sandbox, for clean_up_on_stop(). */
static char scratch_path[PATH_CAP];
static struct sandbox *open_box;

/*
 * After SIGINT, SIGTERM or SIGHUP (see proc_stop_on_signals): removes the
 * sandbox's cgroups and the scratch folder (with rm, in a child of its own:
 * remove_tree's proc_run is what noticed the signal).
 */
static void clean_up_on_stop(void)
{
	sandbox_stop(open_box);
	open_box = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/rm", "rm", "-rf", "--", scratch_path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
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

/* Makes the scratch folder (its real path into scratch) and removes it
 * again on a signal. Returns 0, or -1 with a message. */
static int make_scratch(char *scratch, size_t cap)
{
	const char *tmp = getenv("TMPDIR");
	char made[PATH_CAP];
	snprintf(made, sizeof made, "%s/grade.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(made) == NULL) {
		perror("grade: cannot make a scratch folder");
		return -1;
	}
	if (realpath(made, scratch_path) == NULL)
		snprintf(scratch_path, sizeof scratch_path, "%s", made);
	snprintf(scratch, cap, "%s", scratch_path);
	proc_stop_on_signals(clean_up_on_stop);
	return 0;
}

/* True if the submission is this workbook's own labs/ folder: the code of
 * whoever runs the grader, not someone else's. */
static bool is_own_labs(const char *submission, const char *root)
{
	char labs[PATH_CAP], real_labs[PATH_MAX], real_sub[PATH_MAX];
	snprintf(labs, sizeof labs, "%s/labs", root);
	return realpath(labs, real_labs) != NULL &&
	       realpath(submission, real_sub) != NULL &&
	       strcmp(real_labs, real_sub) == 0;
}

/*
 * Starts the sandbox that --sandbox asks for into *sb (NULL: none) and
 * describes it into what. Without a working sandbox, `auto` grades only
 * the workbook's own labs/ (a student grading their own code on a machine
 * without user namespaces) and refuses anyone else's code, which would run
 * unconfined. Returns 0, or 2 with a message when it refuses.
 */
static int open_sandbox(const struct args *a, const char *root,
			const char *scratch, struct sandbox **sb, char *what,
			size_t cap)
{
	char why[512] = "--sandbox off";
	*sb = a->sandbox == SANDBOX_OFF
		      ? NULL
		      : sandbox_start(root, scratch, why, sizeof why);
	if (*sb != NULL) {
		snprintf(what, cap, "bubblewrap");
		return 0;
	}
	if (a->sandbox == SANDBOX_ON ||
	    (a->sandbox == SANDBOX_AUTO && !is_own_labs(a->submission, root))) {
		fprintf(stderr,
			"grade: the sandbox does not work here: %s\n"
			"grade: refusing to run %s's code unconfined; "
			"pass --sandbox off to grade code you trust without "
			"it\n",
			why, a->submission);
		return 2;
	}
	snprintf(what, cap, "off (%s)%s", why,
		 geteuid() == 0 ? "; the submission's code runs as root, "
				  "unconfined"
				: "");
	return 0;
}

/* What the processes that grade the labs share with the grader. */
struct lab_jobs {
	const struct args *a;
	const struct grade_options *opt;
	struct lab_result *results; /* mapped shared */
	bool *ended;
	size_t printed; /* the labs whose tables are out, in order */
	size_t n;
	int score, max, rc;
};

/* proc_each's job, in a process of its own: grades lab i. */
static void grade_one(size_t i, void *arg)
{
	struct lab_jobs *j = arg;
	lab_run(j->opt, &j->results[i]);
}

/* proc_each's ended: takes lab i's result, prints the tables that are
 * now next in order, and adds up the scores. */
static void lab_ended(size_t i, int status, void *arg)
{
	struct lab_jobs *j = arg;
	if (status != 0) {
		char why[256];
		snprintf(why, sizeof why,
			 "grader error: the process grading this lab %s %d",
			 WIFSIGNALED(status) ? "was killed by signal"
					     : "ended with status",
			 WIFSIGNALED(status) ? WTERMSIG(status)
					     : WEXITSTATUS(status));
		lab_fail(j->opt, why, &j->results[i]);
	}
	j->ended[i] = true;
	for (; j->printed < j->n && j->ended[j->printed]; j->printed++) {
		const struct lab_result *res = &j->results[j->printed];
		report_table(stdout, res, j->a->verbose);
		fflush(stdout);
		j->score += res->score;
		j->max += res->max_score;
		j->rc |= !res->rubric_ok;
	}
}

/* Labs graded at once: --jobs, else one per core, at most one per lab. */
static int lab_jobs(const struct args *a, size_t n)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	long jobs = a->jobs > 0 ? a->jobs : cores > 0 ? cores : 1;
	return jobs > (long)n ? (int)n : (int)jobs;
}

/* Grades every lab into results (mapped shared), several at once,
 * printing each lab's table in order; returns the total score into
 * *score and *max, and 1 if a rubric was broken. */
static int grade_labs(const struct args *a, const struct grade_options *opt,
		      char **labs, size_t n, struct lab_result *results,
		      int *score, int *max)
{
	bool ended[MAX_LABS] = {false};
	struct lab_jobs j = {
		.a = a, .opt = opt, .results = results, .ended = ended, .n = n};
	for (size_t i = 0; i < n; i++)
		lab_load(labs[i], opt, &results[i]);
	fflush(stdout);
	fflush(stderr);
	proc_each(n, lab_jobs(a, n), grade_one, lab_ended, &j);
	*score = j.score;
	*max = j.max;
	return j.rc;
}

/* Writes the report files asked for; returns 1 if one could not be. */
static int write_reports(const struct args *a, const struct lab_result *results,
			 size_t n, const struct report_run *run)
{
	const char *sandbox = run->sandbox;
	int rc = 0;
	if (a->json && report_json(a->json, results, n, sandbox) != 0)
		fprintf(stderr, "grade: cannot write %s\n", a->json), rc = 1;
	if (a->gradescope &&
	    report_gradescope(a->gradescope, results, n, run) != 0)
		fprintf(stderr, "grade: cannot write %s\n", a->gradescope),
			rc = 1;
	if (a->prairielearn &&
	    report_prairielearn(a->prairielearn, results, n, run) != 0)
		fprintf(stderr, "grade: cannot write %s\n", a->prairielearn),
			rc = 1;
	const char *name = a->name ? a->name : a->submission;
	if (a->csv && report_csv(a->csv, name, results, n, sandbox) != 0)
		fprintf(stderr, "grade: cannot write %s\n", a->csv), rc = 1;
	return rc;
}

static double seconds_since(struct timespec start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start.tv_sec) +
	       (double)(now.tv_nsec - start.tv_nsec) / 1e9;
}

static int grade_all(const struct args *a, const char *root, char **labs,
		     size_t n)
{
	struct stat st;
	if (stat(a->submission, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "grade: no submission folder %s\n",
			a->submission);
		return 2;
	}
	struct timespec started;
	clock_gettime(CLOCK_MONOTONIC, &started);
	char scratch[PATH_MAX], sandbox[600];
	if (make_scratch(scratch, sizeof scratch) != 0)
		return 1;
	struct sandbox *sb;
	int rc = open_sandbox(a, root, scratch, &sb, sandbox, sizeof sandbox);
	if (rc != 0) {
		remove_tree(scratch);
		return rc;
	}
	open_box = sb;
	printf("Grading %s", a->submission);
	if (a->stage > 0)
		printf(" (stages %d to %d)", a->first_stage, a->stage);
	printf("\n");
	printf("Sandbox: %s\n", sb != NULL
					? "bubblewrap (no network; sees only "
					  "the lab and the system's programs)"
					: sandbox);
	printf("Caps: %s\n", sandbox_caps(sb));
	struct grade_options opt = {.root = root,
				    .submission = a->submission,
				    .scratch = scratch,
				    .sandbox = sb,
				    .first_stage = a->first_stage,
				    .stage = a->stage,
				    .timeout = a->timeout,
				    .fail_fast = a->fail_fast};
	/* shared with the processes that grade the labs */
	struct lab_result *results =
		mmap(NULL, MAX_LABS * sizeof *results, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (results == MAP_FAILED) {
		perror("grade: cannot map the results");
		open_box = NULL;
		sandbox_stop(sb);
		remove_tree(scratch);
		return 1;
	}
	int score, max;
	rc = grade_labs(a, &opt, labs, n, results, &score, &max);
	struct report_run run = {.sandbox = sandbox,
				 .seconds = seconds_since(started)};
	rc |= write_reports(a, results, n, &run);
	printf("\nScore: %d/%d\n", score, max);
	if (a->autolab && report_autolab(stdout, results, n) != 0)
		rc = 1; /* the autoresult: Autolab reads the last line */
	for (size_t i = 0; i < n; i++)
		lab_result_free(&results[i]);
	munmap(results, MAX_LABS * sizeof *results);
	open_box = NULL;
	sandbox_stop(sb);
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
	report_load_sections(real_root);
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
