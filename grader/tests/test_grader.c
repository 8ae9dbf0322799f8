/*
 * test_grader.c: the grader's own tests. Each one grades a submission of the
 * fixture lab (tests/fixture), whose checks misbehave on purpose, and checks
 * what the grader's JSON report says about every check.
 *
 * The tests build a small workbook in a temporary folder: mk/ and the
 * harness from the real one, and the fixture lab as the only official lab.
 */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef WORKBOOK_ROOT
#error "build with -DWORKBOOK_ROOT=\"/path/to/the/workbook\""
#endif

enum { CMD_CAP = 8192 };

static char work[256]; /* the temporary folder of one test */

/* Runs a shell command made from fmt; the test fails if it fails. */
static void sh(const char *fmt, ...)
{
	char cmd[CMD_CAP];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	cr_assert_eq(system(cmd), 0, "setup command failed: %s", cmd);
}

/* Makes work/root (a workbook holding the fixture lab) and work/sub. */
static void make_workbook(void)
{
	snprintf(work, sizeof work, "/tmp/grader-test.XXXXXX");
	cr_assert_not_null(mkdtemp(work));
	sh("mkdir -p %s/root/grader/official %s/sub/fixture", work, work);
	sh("ln -s %s/mk %s/root/mk", WORKBOOK_ROOT, work);
	sh("ln -s %s/grader/harness %s/root/grader/harness", WORKBOOK_ROOT, work);
	sh("cp -R %s/grader/tests/fixture %s/root/grader/official/",
	   WORKBOOK_ROOT, work);
}

/* Puts text into the submission's unit.c. */
static void submit(const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/sub/fixture/unit.c", work);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void submit_official_with(const char *extra)
{
	char path[512];
	snprintf(path, sizeof path, "%s/sub/fixture/unit.c", work);
	sh("cp %s/grader/tests/fixture/unit.c %s", WORKBOOK_ROOT, path);
	FILE *f = fopen(path, "a");
	cr_assert_not_null(f);
	fputs(extra, f);
	fclose(f);
}

static void cleanup(void)
{
	sh("rm -rf %s", work);
}

/* Runs the grader; returns its exit status and parses its JSON report. */
static int grade(const char *flags, cJSON **report)
{
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && %s/grader/grade --root root --json report.json %s sub "
		 "> table.txt 2>&1",
		 work, WORKBOOK_ROOT, flags);
	int status = system(cmd);
	char path[512];
	snprintf(path, sizeof path, "%s/report.json", work);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "the grader wrote no JSON report");
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	*report = cJSON_Parse(text);
	cr_assert_not_null(*report, "the JSON report does not parse");
	return WEXITSTATUS(status);
}

/* Finds the check whose name ends with `name` in the report's only lab. */
static cJSON *check_named(cJSON *report, const char *name)
{
	cJSON *lab = cJSON_GetArrayItem(cJSON_GetObjectItem(report, "labs"), 0);
	cJSON *t;
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(lab, "tests"))
	{
		const char *n = cJSON_GetObjectItem(t, "name")->valuestring;
		size_t a = strlen(n), b = strlen(name);
		if (a >= b && strcmp(n + a - b, name) == 0)
			return t;
	}
	cr_assert_fail("no check named %s in the report", name);
	return NULL;
}

static const char *field(cJSON *t, const char *key)
{
	return cJSON_GetObjectItem(t, key)->valuestring;
}

static int number(cJSON *obj, const char *key)
{
	return cJSON_GetObjectItem(obj, key)->valueint;
}

static void expect(cJSON *report, const char *name, const char *status,
		   const char *in_message)
{
	cJSON *t = check_named(report, name);
	cr_expect_str_eq(field(t, "status"), status, "check %s", name);
	if (in_message != NULL)
		cr_expect(strstr(field(t, "message"), in_message) != NULL,
			  "check %s: message '%s' lacks '%s'", name,
			  field(t, "message"), in_message);
}

TestSuite(grader, .init = make_workbook, .fini = cleanup, .timeout = 120);

Test(grader, tells_every_outcome_apart)
{
	submit_official_with("");
	cJSON *r;
	cr_assert_eq(grade("", &r), 0);
	expect(r, "basic/adds", "passed", NULL);
	expect(r, "basic/fails_with_quote", "failed", "a \"quoted\"\nmessage\\n");
	expect(r, "misbehave/exits_early", "failed", "exited before");
	expect(r, "misbehave/underscore_exits_early", "failed", "exited before");
	expect(r, "misbehave/crashes", "crashed", NULL);
	expect(r, "misbehave/hangs", "timeout", NULL);
	expect(r, "misbehave/skips", "skipped", "no swap");
	expect(r, "misbehave/aborts_as_expected", "passed", NULL);
	expect(r, "misbehave/signal_expected_but_returns", "failed", NULL);
	expect(r, "basic/*", "failed", "1 of 2 tests passed");
	expect(r, "prog floods", "failed", "more than 16 MiB");
	expect(r, "prog skips", "skipped", "cannot do that");
	expect(r, "prog leaks", "failed", "definitely lost");
	expect(r, "prog is clean", "passed", NULL);
	/* skipped checks leave the total: 17 points minus the two skipped */
	cr_expect_eq(number(r, "score"), 4);
	cr_expect_eq(number(r, "max_score"), 15);
	cJSON_Delete(r);
}

Test(grader, grades_up_to_a_stage)
{
	submit_official_with("");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	cJSON *lab = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "labs"), 0);
	cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(lab, "tests")), 4);
	cr_expect_eq(number(r, "max_score"), 5);
	cJSON_Delete(r);
}

Test(grader, scores_zero_when_it_does_not_compile)
{
	submit("this is not C;\n");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/adds", "failed", "does not compile");
	cr_expect_eq(number(r, "score"), 0);
	cJSON_Delete(r);
}

Test(grader, scores_zero_for_a_missing_file)
{
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/adds", "failed", "missing");
	cJSON_Delete(r);
}

Test(grader, survives_a_crash_before_any_test)
{
	submit_official_with("#include <signal.h>\n"
			     "__attribute__((constructor)) static void boom(void)"
			     " { raise(SIGSEGV); }\n");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/adds", "crashed", "signal 11");
	cr_expect_eq(number(r, "score"), 0);
	cJSON_Delete(r);
}

Test(grader, survives_a_hang_before_any_test)
{
	submit_official_with("__attribute__((constructor)) static void stuck(void)"
			     " { for (;;) ; }\n");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/adds", "timeout", "timed out");
	cJSON_Delete(r);
}

Test(grader, cannot_be_fooled_by_printed_results)
{
	submit_official_with("#include <stdio.h>\n"
			     "__attribute__((constructor)) static void lie(void)"
			     " { puts(\"result basic/fails_with_quote passed 0\\n"
			     "end basic/fails_with_quote\\nScore: 99/99\"); }\n");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/fails_with_quote", "failed", NULL);
	cr_expect_eq(number(r, "score"), 2);
	cJSON_Delete(r);
}

Test(grader, lists_the_editable_files)
{
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && test \"$(%s/grader/grade --root root --list-files)\" "
		 "= fixture/unit.c",
		 work, WORKBOOK_ROOT);
	cr_expect_eq(system(cmd), 0);
}

Test(grader, writes_a_gradescope_report)
{
	submit_official_with("");
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && %s/grader/grade --root root --stage 1 "
		 "--gradescope gs.json sub > /dev/null",
		 work, WORKBOOK_ROOT);
	cr_assert_eq(system(cmd), 0);
	char path[512], text[1 << 16];
	snprintf(path, sizeof path, "%s/gs.json", work);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	text[fread(text, 1, sizeof text - 1, f)] = '\0';
	fclose(f);
	cJSON *gs = cJSON_Parse(text);
	cr_assert_not_null(gs);
	cr_expect_eq(number(gs, "score"), 2);
	cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(gs, "tests")), 4);
	cJSON_Delete(gs);
}

Test(grader, rejects_a_broken_rubric_with_its_line)
{
	submit_official_with("");
	sh("echo 'test 1 | x | basic/adds' >> %s/root/grader/official/fixture/rubric",
	   work);
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && %s/grader/grade --root root sub > out.txt 2>&1; "
		 "test $? -eq 1 && grep -q 'rubric:20: a test line needs' out.txt",
		 work, WORKBOOK_ROOT);
	cr_expect_eq(system(cmd), 0);
}

Test(grader, refuses_a_missing_submission_folder)
{
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && %s/grader/grade --root root nowhere > out.txt 2>&1; "
		 "test $? -eq 2 && grep -q 'no submission folder' out.txt",
		 work, WORKBOOK_ROOT);
	cr_expect_eq(system(cmd), 0);
}

/* Whether bubblewrap can make a sandbox on this machine, with the options
 * that grader/sandbox.c relies on. */
static bool sandbox_works(void)
{
	return system("bwrap --unshare-all --unshare-user --disable-userns "
		      "--cap-drop ALL --die-with-parent --ro-bind / / "
		      "--size 1048576 --tmpfs /tmp --clearenv true "
		      ">/dev/null 2>&1") == 0;
}

Test(grader, sandbox_hides_files_and_keeps_writes_in)
{
	if (!sandbox_works())
		cr_skip_test("bubblewrap cannot make a sandbox here");
	/* A submission that reads a file outside its lab, writes one, and
	 * reads the grader's environment: it leaves a file behind if it can
	 * write outside, and crashes if it can read the secret file or the
	 * token. */
	sh("echo secret > %s/secret", work);
	char code[2048], secret[512], escape[512];
	snprintf(secret, sizeof secret, "%s/secret", work);
	snprintf(escape, sizeof escape, "%s/escaped", work);
	snprintf(code, sizeof code,
		 "#include <signal.h>\n"
		 "#include <stdio.h>\n"
		 "#include <stdlib.h>\n"
		 "__attribute__((constructor)) static void peek(void) {\n"
		 "  FILE *g = fopen(\"%s\", \"w\");\n"
		 "  if (g != NULL) fclose(g);\n"
		 "  FILE *f = fopen(\"%s\", \"r\");\n"
		 "  if (f != NULL) raise(SIGSEGV);\n"
		 "  if (getenv(\"GRADER_TEST_TOKEN\") != NULL) raise(SIGSEGV);\n"
		 "}\n",
		 escape, secret);
	submit_official_with(code);
	setenv("GRADER_TEST_TOKEN", "a secret of the grader's", 1);
	cJSON *r;
	cr_assert_eq(grade("--stage 1 --sandbox on", &r), 0);
	cr_expect_str_eq(cJSON_GetObjectItem(r, "sandbox")->valuestring,
			 "bubblewrap");
	expect(r, "basic/adds", "passed", NULL);
	cr_expect_neq(access(escape, F_OK), 0,
		      "the submission wrote %s, outside its sandbox", escape);
	cJSON_Delete(r);

	/* The same submission, unsandboxed, does both: the test is real. */
	cr_assert_eq(grade("--stage 1 --sandbox off", &r), 0);
	expect(r, "basic/adds", "crashed", NULL);
	cr_expect_eq(access(escape, F_OK), 0);
	cJSON_Delete(r);
}

Test(grader, sandbox_on_refuses_without_bubblewrap)
{
	/* No bwrap on this PATH: --sandbox on must refuse, and say why. */
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && mkdir -p sub && PATH=/nonexistent "
		 "%s/grader/grade --root root --sandbox on sub > out.txt 2>&1; "
		 "test $? -eq 2 && grep -q 'bwrap) is not installed' out.txt",
		 work, WORKBOOK_ROOT);
	cr_expect_eq(system(cmd), 0);
}

Test(grader, appends_a_csv_row_per_submission)
{
	submit_official_with("");
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && for n in first 'o\"neil, jr'; do "
		 "%s/grader/grade --root root --stage 1 --csv class.csv "
		 "--name \"$n\" sub > /dev/null || exit 1; done",
		 work, WORKBOOK_ROOT);
	cr_assert_eq(system(cmd), 0);
	char path[512], text[4096];
	snprintf(path, sizeof path, "%s/class.csv", work);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	text[fread(text, 1, sizeof text - 1, f)] = '\0';
	fclose(f);
	/* One header, then a row each; stage 1 is worth 5, and the official
	 * unit.c scores 2 of them (see tells_every_outcome_apart). */
	const char *start = "submission,fixture,fixture_max,score,max_score,"
			    "sandbox\n\"first\",2,5,2,5,\"";
	cr_expect(strncmp(text, start, strlen(start)) == 0,
		  "unexpected CSV:\n%s", text);
	cr_expect(strstr(text, "\n\"o\"\"neil, jr\",2,5,2,5,\"") != NULL,
		  "the second row is missing or badly quoted:\n%s", text);
}

Test(grader, sandbox_cannot_remount_or_replace_programs)
{
	if (!sandbox_works())
		cr_skip_test("bubblewrap cannot make a sandbox here");
	/* Root in a sandbox that kept its capabilities could remount the
	 * workbook's mk/ writable; any run could replace the programs the
	 * next checks run. Both must fail, and the checks grade as usual. */
	char code[2048], target[512];
	snprintf(target, sizeof target, "%s/mk/pwned-by-a-submission",
		 WORKBOOK_ROOT);
	snprintf(code, sizeof code,
		 "#include <stdio.h>\n"
		 "#include <stdlib.h>\n"
		 "__attribute__((constructor)) static void tamper(void) {\n"
		 "  if (system(\"mount -o remount,rw,bind %s/root/mk 2>/dev/null;"
		 " touch %s/root/mk/pwned-by-a-submission 2>/dev/null;"
		 " mount -o remount,rw,bind \\\"$PWD\\\" 2>/dev/null;"
		 " printf 'exit 0' > unit-prog 2>/dev/null\") < 0) abort();\n"
		 "}\n",
		 work, work);
	submit_official_with(code);
	cJSON *r;
	cr_assert_eq(grade("--sandbox on", &r), 0);
	bool planted = access(target, F_OK) == 0;
	if (planted)
		remove(target);
	cr_expect_not(planted, "the submission wrote %s", target);
	expect(r, "prog leaks", "failed", "definitely lost");
	expect(r, "prog floods", "failed", "more than 16 MiB");
	cJSON_Delete(r);
}

Test(grader, refuses_a_symbolic_link_for_an_editable_file)
{
	/* A link to the official file (a stand-in for the solutions). */
	sh("ln -sf %s/root/grader/official/fixture/unit.c %s/sub/fixture/unit.c",
	   work, work);
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/adds", "failed", "symbolic link is not taken");
	cr_expect_eq(number(r, "score"), 0);
	cJSON_Delete(r);
}

Test(grader, catches_results_written_into_the_report)
{
	/* Every test process appends passing results for all tests as it
	 * exits; the harness's own results then come twice. */
	submit_official_with(
		"#include <stdio.h>\n"
		"#include <stdlib.h>\n"
		"static void forge(void) {\n"
		"  const char *path = getenv(\"GRADER_REPORT\");\n"
		"  FILE *f = path ? fopen(path, \"a\") : NULL;\n"
		"  if (f == NULL) return;\n"
		"  const char *t[] = {\"basic/adds\", \"basic/fails_with_quote\","
		" \"misbehave/exits_early\", \"misbehave/underscore_exits_early\"};\n"
		"  for (int i = 0; i < 4; i++)\n"
		"    fprintf(f, \"result %s passed 0 1\\nend %s\\n\", t[i], t[i]);\n"
		"  fclose(f);\n"
		"}\n"
		"__attribute__((constructor)) static void arm(void) {"
		" atexit(forge); }\n");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/fails_with_quote", "failed", "results for this test");
	expect(r, "misbehave/exits_early", "failed", NULL);
	cr_expect_leq(number(r, "score"), 2);
	cJSON_Delete(r);
}

Test(grader, catches_a_replaced_report)
{
	/* The runner swaps the report for a file of its own, then writes
	 * passing results into it and makes it read-only. */
	submit_official_with(
		"#include <stdio.h>\n"
		"#include <stdlib.h>\n"
		"#include <sys/stat.h>\n"
		"#include <unistd.h>\n"
		"__attribute__((constructor)) static void swap(void) {\n"
		"  const char *path = getenv(\"GRADER_REPORT\");\n"
		"  if (path == NULL || unlink(path) != 0) return;\n"
		"  FILE *f = fopen(path, \"w\");\n"
		"  if (f == NULL) return;\n"
		"  fputs(\"result basic/fails_with_quote passed 0 1\\n"
		"end basic/fails_with_quote\\n\", f);\n"
		"  fclose(f);\n"
		"  chmod(path, 0444);\n"
		"}\n");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/fails_with_quote", "failed", "report file");
	cJSON_Delete(r);
}

Test(grader, catches_a_test_list_without_the_failing_tests)
{
	/* When asked for the list, print one without the tests that fail,
	 * so that the group of basic tests would seem to pass. */
	submit_official_with(
		"#include <stdio.h>\n"
		"#include <stdlib.h>\n"
		"#include <string.h>\n"
		"__attribute__((constructor)) static void lie(int argc,"
		" char **argv) {\n"
		"  for (int i = 1; i < argc; i++)\n"
		"    if (strcmp(argv[i], \"--list\") == 0) {\n"
		"      puts(\"basic: 1 test\\n└── adds\");\n"
		"      exit(0);\n"
		"    }\n"
		"}\n");
	cJSON *r;
	cr_assert_eq(grade("", &r), 0);
	expect(r, "basic/*", "failed", "list lacks");
	expect(r, "basic/adds", "failed", "list lacks");
	cJSON_Delete(r);
}

Test(grader, cleans_up_when_interrupted)
{
	/* Stop the grader with SIGTERM while the test program hangs: it must
	 * die of the signal and leave no scratch folder and no process
	 * behind. Without the sandbox, which would take its processes down
	 * with it anyway. */
	submit_official_with("#include <unistd.h>\n"
			     "__attribute__((constructor)) static void slow(void)"
			     " { sleep(30); }\n");
	char path[512];
	snprintf(path, sizeof path, "%s/interrupt.sh", work);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f,
		"cd %s && mkdir tmp || exit 1\n"
		"TMPDIR=$PWD/tmp %s/grader/grade --root root --sandbox off sub"
		" > out.txt 2>&1 &\n"
		"grader=$!\n"
		"# the processes whose folder is in tmp/, one pid a line\n"
		"inside() {\n"
		"  for d in /proc/[0-9]*; do\n"
		"    case $(readlink $d/cwd 2>/dev/null) in\n"
		"      \"$PWD/tmp/\"*) echo ${d#/proc/} ;;\n"
		"    esac\n"
		"  done\n"
		"}\n"
		"# wait for the test program to start (it sleeps 30 s)\n"
		"for i in $(seq 200); do\n"
		"  for p in $(inside); do\n"
		"    grep -q run-tests /proc/$p/cmdline 2>/dev/null && break 2\n"
		"  done\n"
		"  sleep 0.1\n"
		"done\n"
		"kill -TERM $grader\n"
		"wait $grader\n"
		"status=$?\n"
		"sleep 0.5\n"
		"left=$(inside)\n"
		"[ -n \"$left\" ] && kill -KILL $left\n"
		"echo \"status $status, left: $left, tmp: $(ls tmp)\"\n"
		"[ $status -eq 143 ] && [ -z \"$left\" ] && [ -z \"$(ls tmp)\" ]\n",
		work, WORKBOOK_ROOT);
	fclose(f);
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd, "sh %s > %s/interrupt.out 2>&1", path, work);
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof cmd, "cat %s/interrupt.out >&2", work);
		cr_expect(system(cmd) < 0, "the grader left something behind");
		cr_expect_fail("the grader left something behind");
	}
}

Test(grader, survives_a_fifo_among_the_valgrind_logs)
{
	/* A FIFO where the grader reads Valgrind's logs would block a plain
	 * fopen() forever. The program finds the check's own folder next to
	 * the lab's and plants one there. */
	submit_official_with(
		"#include <limits.h>\n"
		"#include <stdio.h>\n"
		"#include <sys/stat.h>\n"
		"#include <unistd.h>\n"
		"__attribute__((constructor)) static void trap(void) {\n"
		"  char cwd[PATH_MAX], path[PATH_MAX + 64];\n"
		"  if (getcwd(cwd, sizeof cwd) == NULL) return;\n"
		"  for (int i = 0; i < 40; i++) {\n"
		"    snprintf(path, sizeof path, \"%s.check%d/vg.trap.log\","
		" cwd, i);\n"
		"    mkfifo(path, 0600);\n"
		"  }\n"
		"}\n");
	cJSON *r;
	cr_assert_eq(grade("--sandbox off", &r), 0);
	expect(r, "prog is clean", "passed", NULL);
	cJSON_Delete(r);
}
