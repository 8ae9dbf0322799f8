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
#include <time.h>
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
	sh("ln -s %s/grader/harness %s/root/grader/harness", WORKBOOK_ROOT,
	   work);
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

/*
 * Submits the official unit.c with code appended that defines
 * `static void payload(void)`, called at the start of unit_add: the
 * payload runs inside the tests that add (a constructor no longer would
 * run at all: the grader refuses it).
 */
static void submit_with_payload(const char *code)
{
	char path[512];
	snprintf(path, sizeof path, "%s/sub/fixture/unit.c", work);
	sh("{ echo 'static void payload(void);'; sed 's/return a + "
	   "b;/payload(); return a + b;/' "
	   "%s/grader/tests/fixture/unit.c; } > %s",
	   WORKBOOK_ROOT, path);
	FILE *f = fopen(path, "a");
	cr_assert_not_null(f);
	fputs(code, f);
	fclose(f);
}

static void cleanup(void)
{
	sh("rm -rf %s", work);
}

/* Runs the grader; returns its exit status and parses its JSON report. */
static bool sandbox_works(void);

/* Flags for grading the tests' own fixtures: --sandbox off where bubblewrap
 * cannot work (the grader refuses other code unconfined). */
static const char *trusted(void)
{
	return sandbox_works() ? "" : " --sandbox off";
}

/*
 * Grades the submission sub with the fixture's root and these flags; reads
 * the JSON report into *report and returns the grader's exit status. On a
 * machine where bubblewrap cannot work, the tests grade their own trusted
 * fixtures with --sandbox off (the grader refuses other code unconfined).
 */
static int grade(const char *flags, cJSON **report)
{
	char cmd[CMD_CAP];
	bool unconfined =
		strstr(flags, "--sandbox") == NULL && !sandbox_works();
	snprintf(cmd, sizeof cmd,
		 "cd %s && %s/grader/grade --root root --json report.json %s%s "
		 "sub "
		 "> table.txt 2>&1",
		 work, WORKBOOK_ROOT, flags,
		 unconfined ? " --sandbox off" : "");
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
	expect(r, "basic/fails_with_quote", "failed",
	       "a \"quoted\"\nmessage\\n");
	expect(r, "misbehave/exits_early", "failed", "exited before");
	expect(r, "misbehave/underscore_exits_early", "failed",
	       "exited before");
	expect(r, "misbehave/crashes", "crashed", NULL);
	expect(r, "misbehave/hangs", "timeout", NULL);
	expect(r, "misbehave/skips", "skipped", "no swap");
	expect(r, "misbehave/aborts_as_expected", "passed", NULL);
	expect(r, "misbehave/signal_expected_but_returns", "failed", NULL);
	expect(r, "basic/*", "failed", "1 of 2 tests passed");
	expect(r, "prog floods", "failed", "more than 16 MiB");
	expect(r, "prog skips", "skipped", "cannot do that");
	expect(r, "prog leaks", "failed", "definitely lost");
	expect(r, "prog is clean", "passed", "unit-prog did=add");
	expect(r, "prog adds", "passed", "unit-prog did=add");
	/* skipped checks leave the total: 18 points minus the two skipped */
	cr_expect_eq(number(r, "score"), 5);
	cr_expect_eq(number(r, "max_score"), 16);
	cJSON_Delete(r);
}

Test(grader, grades_labs_side_by_side_in_order)
{
	/* Three labs graded two at a time, the second with a code that does
	 * not compile: the reports list them in order, each with its own
	 * score, just as when they are graded one after the other. */
	submit_official_with("");
	sh("cd %s && cp -R root/grader/official/fixture "
	   "root/grader/official/fixture2 && "
	   "cp -R root/grader/official/fixture root/grader/official/fixture3 "
	   "&& cp -R sub/fixture sub/fixture2 && cp -R sub/fixture "
	   "sub/fixture3 && echo 'not C' >> sub/fixture2/unit.c",
	   work);
	cJSON *runs[2];
	cr_assert_eq(grade("--jobs 2", &runs[0]), 0);
	sh("cd %s && grep -o '^  fixture[0-9]*:' table.txt | tr -d ' ' "
	   "> order.txt && printf '%%s\n' fixture: fixture2: fixture3: | "
	   "cmp - order.txt",
	   work);
	cr_assert_eq(grade("--jobs 1", &runs[1]), 0);
	for (int run = 0; run < 2; run++) {
		cJSON *labs = cJSON_GetObjectItem(runs[run], "labs");
		cr_assert_eq(cJSON_GetArraySize(labs), 3);
		static const char *const names[] = {"fixture", "fixture2",
						    "fixture3"};
		static const int scores[] = {5, 0, 5};
		for (int i = 0; i < 3; i++) {
			cJSON *lab = cJSON_GetArrayItem(labs, i);
			cr_expect_str_eq(field(lab, "name"), names[i]);
			cr_expect_eq(number(lab, "score"), scores[i],
				     "--jobs %d: lab %s", 2 - run, names[i]);
		}
		cr_expect_eq(number(runs[run], "score"), 10);
		cJSON_Delete(runs[run]);
	}
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

Test(grader, grades_a_range_of_stages)
{
	sh("printf 'editable unit.c\\ntimeout 5\\n"
	   "stage 1 | A\\ntest 1 | 2 | basic/adds | 00-introduction.md\\n"
	   "stage 2 | B\\ntest 2 | 1 | misbehave/exits_early | "
	   "00-introduction.md\\n"
	   "stage 3 | C\\nrun 3 | 1 | prog adds | 00-introduction.md | "
	   "./unit-prog add\\n' > %s/root/grader/official/fixture/rubric",
	   work);
	submit_official_with("");
	cJSON *r;
	cr_assert_eq(grade("--stages 2-3", &r), 0);
	cJSON *lab = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "labs"), 0);
	cJSON *tests = cJSON_GetObjectItem(lab, "tests");
	cr_assert_eq(cJSON_GetArraySize(tests), 2);
	cr_expect(strstr(field(cJSON_GetArrayItem(tests, 0), "name"),
			 "exits_early") != NULL);
	cr_expect_eq(number(r, "max_score"), 2);
	cr_expect_eq(number(r, "score"), 1);
	cJSON_Delete(r);
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && %s/grader/grade --root root --stages 3-1 sub "
		 ">/dev/null 2>&1",
		 work, WORKBOOK_ROOT);
	int status = system(cmd);
	cr_expect_eq(WEXITSTATUS(status), 2, "--stages 3-1 is refused");
}

/* The reread line names the section by number, title and page of the site
 * when grader/sections.tsv maps it (make sections), else by chapter file. */
Test(grader, names_the_section_to_reread)
{
	submit_official_with("");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	cr_expect_null(cJSON_GetObjectItem(
		check_named(r, "basic/fails_with_quote"), "reread"));
	cJSON_Delete(r);
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "grep -q 'reread   chapters/00-introduction.md$' "
		 "%s/table.txt",
		 work);
	cr_expect_eq(system(cmd), 0, "no fallback to the chapter file");

	sh("printf '# SECTION\\tNUMBER\\tTITLE\\tPAGE\\n"
	   "00-introduction.md\\t3.2\\tSplitting an address\\t"
	   "intro.html#split\\n' > %s/root/grader/sections.tsv",
	   work);
	cr_assert_eq(grade("--stage 1", &r), 0);
	cJSON *t = check_named(r, "basic/fails_with_quote");
	cr_expect_str_eq(field(t, "reread"), "3.2 Splitting an address");
	cr_expect_str_eq(field(t, "page"), "intro.html#split");
	cJSON_Delete(r);
	snprintf(cmd, sizeof cmd,
		 "grep -q 'reread   3.2 Splitting an address$' %s/table.txt && "
		 "grep -q '(site page intro.html#split)$' %s/table.txt",
		 work, work);
	cr_expect_eq(system(cmd), 0, "the reread line lacks the section");
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
	/* A constructor would crash the runner before any test: refused. */
	submit_official_with(
		"#include <signal.h>\n"
		"__attribute__((constructor)) static void boom(void)"
		" { raise(SIGSEGV); }\n");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/adds", "failed", ".init_array");
	cr_expect_eq(number(r, "score"), 0);
	cJSON_Delete(r);
}

Test(grader, survives_a_hang_before_any_test)
{
	/* A constructor would hang the runner before any test: refused. */
	submit_official_with(
		"__attribute__((constructor)) static void stuck(void)"
		" { for (;;) ; }\n");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/adds", "failed", ".init_array");
	cJSON_Delete(r);
}

Test(grader, cannot_be_fooled_by_printed_results)
{
	submit_with_payload(
		"#include <stdio.h>\n"
		"static void payload(void)"
		" { puts(\"result basic/fails_with_quote passed 0 1\\n"
		"end basic/fails_with_quote 0123456789abcdef\\n"
		"Score: 99/99\"); }\n");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/fails_with_quote", "failed", NULL);
	cr_expect_eq(number(r, "score"), 2);
	cJSON_Delete(r);
}

Test(grader, lists_the_editable_files)
{
	char cmd[CMD_CAP];
	snprintf(
		cmd, sizeof cmd,
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
		 "cd %s && %s/grader/grade --root root%s --stage 1 "
		 "--gradescope gs.json sub > /dev/null",
		 work, WORKBOOK_ROOT, trusted());
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
	sh("echo 'test 1 | x | basic/adds' >> "
	   "%s/root/grader/official/fixture/rubric",
	   work);
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && %s/grader/grade --root root%s sub > out.txt 2>&1; "
		 "test $? -eq 1 && grep -q 'rubric:[0-9]*: a test line needs' "
		 "out.txt",
		 work, WORKBOOK_ROOT, trusted());
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
		 "#include <string.h>\n"
		 "static void payload(void) {\n"
		 "  FILE *g = fopen(\"%s\", \"w\");\n"
		 "  if (g != NULL) fclose(g);\n"
		 "  FILE *f = fopen(\"%s\", \"r\");\n"
		 "  if (f != NULL) raise(SIGSEGV);\n"
		 "  char env[65536] = {0};\n"
		 "  FILE *e = fopen(\"/proc/self/environ\", \"r\");\n"
		 "  size_t n = e ? fread(env, 1, sizeof env - 1, e) : 0;\n"
		 "  if (e) fclose(e);\n"
		 "  for (size_t i = 0; i < n; i += strlen(env + i) + 1)\n"
		 "    if (strncmp(env + i, \"GRADER_TEST_TOKEN=\", 18) == 0) "
		 "raise(SIGSEGV);\n"
		 "  FILE *l = fopen(\"%s/usr-local-probe\", \"r\");\n"
		 "  if (l != NULL) raise(SIGSEGV);\n"
		 "}\n",
		 escape, secret, "/usr/local");
	/* /usr/local is hidden too: plant a file there while the test runs */
	sh("touch /usr/local/usr-local-probe 2>/dev/null || true");
	submit_with_payload(code);
	setenv("GRADER_TEST_TOKEN", "a secret of the grader's", 1);
	cJSON *r;
	cr_assert_eq(grade("--stage 1 --sandbox on", &r), 0);
	cr_expect_str_eq(cJSON_GetObjectItem(r, "sandbox")->valuestring,
			 "bubblewrap");
	expect(r, "basic/adds", "passed", NULL);
	cr_expect_neq(access(escape, F_OK), 0,
		      "the submission wrote %s, outside its sandbox", escape);
	cJSON_Delete(r);

	/* The same submission, unsandboxed, does all of it: the test is real. */
	cr_assert_eq(grade("--stage 1 --sandbox off", &r), 0);
	expect(r, "basic/adds", "crashed", NULL);
	cr_expect_eq(access(escape, F_OK), 0);
	cJSON_Delete(r);
	remove("/usr/local/usr-local-probe");
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

Test(grader, auto_refuses_someone_elses_code_without_a_sandbox)
{
	/* No bwrap on this PATH: `auto` grades the workbook's own labs/ (a
	 * student's own code) without it, and refuses any other folder. */
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && mkdir -p sub root/labs && PATH=/nonexistent "
		 "%s/grader/grade --root root sub > out.txt 2>&1; "
		 "test $? -eq 2 && grep -q 'refusing to run sub' out.txt && "
		 "grep -q 'pass --sandbox off' out.txt && PATH=/nonexistent "
		 "%s/grader/grade --root root root/labs > own.txt 2>&1; "
		 "test $? -eq 0 && grep -q '^Sandbox: off (bubblewrap' own.txt",
		 work, WORKBOOK_ROOT, WORKBOOK_ROOT);
	cr_expect_eq(system(cmd), 0);
}

Test(grader, appends_a_csv_row_per_submission)
{
	submit_official_with("");
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && for n in first 'o\"neil, jr'; do "
		 "%s/grader/grade --root root%s --stage 1 --csv class.csv "
		 "--name \"$n\" sub > /dev/null || exit 1; done",
		 work, WORKBOOK_ROOT, trusted());
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
		 "static void payload(void) {\n"
		 "  if (system(\"mount -o remount,rw,bind %s/root/mk "
		 "2>/dev/null;"
		 " touch %s/root/mk/pwned-by-a-submission 2>/dev/null;"
		 " mount -o remount,rw,bind \\\"$PWD\\\" 2>/dev/null;"
		 " printf 'exit 0' > unit-prog 2>/dev/null\") < 0) abort();\n"
		 "}\n",
		 work, work);
	submit_with_payload(code);
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
	sh("ln -sf %s/root/grader/official/fixture/unit.c "
	   "%s/sub/fixture/unit.c",
	   work, work);
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/adds", "failed", "symbolic link is not taken");
	cr_expect_eq(number(r, "score"), 0);
	cJSON_Delete(r);
}

/*
 * The hostile suite: each payload below took a skeleton to points it had
 * not earned before the grader closed its way in. Each expects what an
 * untouched skeleton scores: here, stage 1 of the fixture with a unit_add
 * that is wrong, so 0.
 */
static const char WRONG_ADD[] =
	"int unit_add(int a, int b) { return a - b; }\n"
	"void unit_behave(const char *how) { (void)how; }\n";

/* Grades sub with WRONG_ADD plus payload up to stage; returns the score. */
static int hostile(const char *payload, const char *flags, cJSON **r)
{
	char text[8192];
	snprintf(text, sizeof text, "%s%s", WRONG_ADD, payload);
	submit(text);
	cr_assert_eq(grade(flags, r), 0);
	return number(*r, "score");
}

Test(grader, a_forged_end_record_fails)
{
	/* The test's process finds the end FIFO in /proc/self/environ, claims
	 * both tests finished, and exits 0 before its assertion can fail. */
	submit("#include <fcntl.h>\n#include <stdio.h>\n#include <string.h>\n"
	       "#include <unistd.h>\n"
	       "int unit_add(int a, int b) {\n"
	       "  char env[8192] = {0}; int fd = open(\"/proc/self/environ\", "
	       "O_RDONLY);\n"
	       "  ssize_t n = read(fd, env, sizeof env - 1); close(fd);\n"
	       "  for (char *p = env; n > 0 && p < env + n; p += strlen(p) + "
	       "1) {\n"
	       "    if (strncmp(p, \"GRADER_ENDS=\", 12) != 0) continue;\n"
	       "    int w = open(p + 12, O_WRONLY | O_NONBLOCK);\n"
	       "    const char *t[] = {\"basic/adds\", "
	       "\"basic/fails_with_quote\"};\n"
	       "    for (int i = 0; i < 2; i++)\n"
	       "      dprintf(w, \"end %s 0123456789abcdef\\n\", t[i]);\n"
	       "    close(w);\n"
	       "  }\n"
	       "  _exit(0);\n"
	       "  return a - b;\n"
	       "}\n"
	       "void unit_behave(const char *how) { (void)how; }\n");
	cJSON *r;
	cr_assert_eq(grade("--stage 1", &r), 0);
	expect(r, "basic/adds", "failed", "forged");
	cr_expect_eq(number(r, "score"), 0);
	cJSON_Delete(r);
}

/* Grades a payload that the screen must refuse; checks the reason. */
static void expect_refused(const char *payload, const char *reason)
{
	cJSON *r;
	int score = hostile(payload, "--stage 1", &r);
	cr_expect_eq(score, 0, "a refused submission scored %d", score);
	expect(r, "basic/adds", "failed", "refused before running anything");
	expect(r, "basic/adds", "failed", reason);
	cJSON_Delete(r);
}

Test(grader, a_program_that_exits_0_early_earns_nothing)
{
	/* Code that exits with status 0 before the program's work is done:
	 * every run and Valgrind row sees status 0, but no proof of work. */
	cJSON *r;
	int skeleton = hostile("", "", &r);
	cJSON_Delete(r);
	submit("#include <unistd.h>\n"
	       "int unit_add(int a, int b) { (void)a; (void)b; _exit(0); }\n"
	       "void unit_behave(const char *how) { (void)how; _exit(0); }\n");
	cr_assert_eq(grade("", &r), 0);
	cr_expect_leq(number(r, "score"), skeleton);
	expect(r, "prog adds", "failed", "never finished its work");
	expect(r, "prog is clean", "failed", "never finished its work");
	cJSON_Delete(r);
}

Test(grader, a_forged_proof_of_work_fails)
{
	/* A proof line with a made-up token, written to every descriptor. */
	submit("#include <string.h>\n#include <unistd.h>\n"
	       "static void forge(void) {\n"
	       "  const char *line = \"proof unit-prog did=add "
	       "0123456789abcdef\\n\";\n"
	       "  for (int fd = 3; fd < 1100; fd++)\n"
	       "    (void)!write(fd, line, strlen(line));\n"
	       "  _exit(0);\n}\n"
	       "int unit_add(int a, int b) { forge(); return a + b; }\n"
	       "void unit_behave(const char *how) { (void)how; forge(); }\n");
	cJSON *r;
	cr_assert_eq(grade("", &r), 0);
	expect(r, "prog adds", "failed", "was forged");
	cJSON_Delete(r);
}

Test(grader, valgrind_log_cannot_be_forged)
{
	/* A leak, then a forged clean summary written to every descriptor:
	 * Valgrind's log is a socket at the top of the descriptor table, where
	 * Valgrind refuses the program any use, and a socket cannot be opened
	 * again through /proc/self/fd. */
	submit("#include <stdio.h>\n#include <stdlib.h>\n#include <unistd.h>\n"
	       "int unit_add(int a, int b) { return a + b; }\n"
	       "void unit_behave(const char *how) {\n"
	       "  char *volatile lost = malloc(64);\n"
	       "  snprintf(lost, 64, \"%s\", how);\n"
	       "  lost = NULL;\n"
	       "  char line[128];\n"
	       "  int n = snprintf(line, sizeof line, \"==%d== ERROR SUMMARY: "
	       "0 "
	       "errors from 0 contexts\\n\", (int)getpid());\n"
	       "  for (int fd = 3; fd < 1100; fd++)\n"
	       "    (void)!write(fd, line, (size_t)n);\n"
	       "}\n");
	cJSON *r;
	cr_assert_eq(grade("", &r), 0);
	expect(r, "prog leaks", "failed", "memcheck found 1 error");
	cJSON_Delete(r);
}

Test(grader, bombs_stay_in_their_caps)
{
	/* Memory, disk (/tmp) and process bombs, each bounded so that this
	 * test cannot hurt a machine without cgroups: the submission scores
	 * no more than the skeleton, within the fixture's budget (20 s), and
	 * leaves no process behind. */
	cJSON *r;
	int skeleton = hostile("", "", &r);
	cJSON_Delete(r);
	submit("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
	       "#include <unistd.h>\n"
	       "int unit_add(int a, int b) {\n"
	       "  for (int i = 0; i < 24; i++) {\n"
	       "    char *p = malloc(256 << 20);\n"
	       "    if (p != NULL) memset(p, 1, 256 << 20);\n"
	       "  }\n"
	       "  FILE *f = fopen(\"/tmp/fill\", \"w\");\n"
	       "  static char block[1 << 20];\n"
	       "  for (int i = 0; f != NULL && i < 2048; i++)\n"
	       "    fwrite(block, 1, sizeof block, f);\n"
	       "  return a - b;\n}\n"
	       "void unit_behave(const char *how) {\n"
	       "  (void)how;\n"
	       "  int n = 0;\n"
	       "  for (pid_t p; n < 3000 && (p = fork()) >= 0; n++)\n"
	       "    if (p == 0) { sleep(60); _exit(0); }\n"
	       "  printf(\"forked %d\\n\", n);\n"
	       "  fflush(stdout);\n"
	       "  sleep(60);\n}\n");
	time_t start = time(NULL);
	cr_assert_eq(grade("", &r), 0);
	time_t took = time(NULL) - start;
	cr_expect_leq(number(r, "score"), skeleton);
	cr_expect_leq(took, 20 + 15, "grading took %ld s", (long)took);
	cJSON_Delete(r);
	cr_expect_neq(system("pgrep -x unit-prog > /dev/null"), 0,
		      "a process of the bomb outlived the grading");
}

Test(grader, a_process_bomb_meets_the_submissions_cap)
{
	/* Where the grader can make its control group, a submission has 512
	 * tasks in all, however it forks. */
	submit("#include <stdio.h>\n#include <string.h>\n#include <unistd.h>\n"
	       "int unit_add(int a, int b) { return a - b; }\n"
	       "void unit_behave(const char *how) {\n"
	       "  int n = 0;\n"
	       "  for (pid_t p; strcmp(how, \"flood\") == 0 && n < 3000 &&\n"
	       "       (p = fork()) >= 0; n++)\n"
	       "    if (p == 0) { sleep(60); _exit(0); }\n"
	       "  printf(\"forked %d\\n\", n);\n"
	       "  fflush(stdout);\n"
	       "  _exit(1);\n"
	       "}\n");
	cJSON *r;
	cr_assert_eq(grade("", &r), 0);
	char capped[CMD_CAP];
	snprintf(capped, sizeof capped, "grep -q '^Caps: 4 GiB' %s/table.txt",
		 work);
	if (system(capped) != 0)
		cr_skip_test("no control group here: the caps are per process");
	const char *message = field(check_named(r, "prog floods"), "message");
	const char *forked = strstr(message, "forked ");
	cr_expect(forked != NULL && atoi(forked + 7) < 512,
		  "the process bomb was not capped: %s", message);
	cJSON_Delete(r);
}

Test(grader, a_child_that_hides_its_valgrind_errors_fails)
{
	/* A child process makes a memory error, writes a forged clean summary
	 * to every descriptor but the proof's, and is killed by its parent
	 * with SIGKILL before Valgrind can write the real one: the log shows
	 * the child's error but no end, which fails the row. */
	submit("#include <signal.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
	       "#include <sys/wait.h>\n#include <unistd.h>\n"
	       "int unit_add(int a, int b) { return a + b; }\n"
	       "void unit_behave(const char *how) {\n"
	       "  (void)how;\n"
	       "  pid_t child = fork();\n"
	       "  if (child == 0) {\n"
	       "    char *volatile p = malloc(8);\n"
	       "    free(p);\n"
	       "    free(p);\n"
	       "    char line[128];\n"
	       "    int n = snprintf(line, sizeof line, \"==%d== ERROR "
	       "SUMMARY: 0 "
	       "errors from 0 contexts\\n\", (int)getpid());\n"
	       "    for (int fd = 4; fd < 1100; fd++)\n"
	       "      (void)!write(fd, line, (size_t)n);\n"
	       "    pause();\n"
	       "  }\n"
	       "  sleep(1);\n"
	       "  kill(child, SIGKILL);\n"
	       "  waitpid(child, NULL, 0);\n"
	       "}\n");
	cJSON *r;
	cr_assert_eq(grade("", &r), 0);
	expect(r, "prog leaks", "failed", "without Valgrind's error summary");
	cJSON_Delete(r);
}

Test(grader, the_sandbox_shows_no_host_path_in_proc_1)
{
	if (!sandbox_works())
		cr_skip_test("bubblewrap cannot make a sandbox here");
	/* /proc/1 in the sandbox is bubblewrap: its command line must not
	 * tell the code where the grader keeps its files. */
	submit("#include <stdio.h>\n#include <unistd.h>\n"
	       "int unit_add(int a, int b) { return a - b; }\n"
	       "void unit_behave(const char *how) {\n"
	       "  (void)how;\n"
	       "  FILE *f = fopen(\"/proc/1/cmdline\", \"r\");\n"
	       "  for (int c; f != NULL && (c = fgetc(f)) != EOF;)\n"
	       "    putchar(c == 0 ? ' ' : c);\n"
	       "  puts(\"<end>\");\n"
	       "  fflush(stdout);\n"
	       "  _exit(1);\n"
	       "}\n");
	cJSON *r;
	cr_assert_eq(grade("", &r), 0);
	const char *message = field(check_named(r, "prog floods"), "message");
	cr_assert(strstr(message, "<end>") != NULL, "no command line: %s",
		  message);
	/* the scratch folder is in $TMPDIR or /tmp, the fixture in work */
	const char *tmpdir = getenv("TMPDIR");
	cr_expect(strstr(message, "bwrap") != NULL &&
			  strstr(message, "/tmp/") == NULL &&
			  strstr(message, work) == NULL &&
			  (tmpdir == NULL || strstr(message, tmpdir) == NULL),
		  "/proc/1/cmdline shows the grader's paths: %s", message);
	cJSON_Delete(r);
}

Test(grader, refuses_a_call_of_the_harness)
{
	expect_refused("extern void harness_test_finished(void) "
		       "__attribute__((weak));\n"
		       "#include <unistd.h>\n"
		       "int unit_twice(int a) { if (harness_test_finished) "
		       "harness_test_finished(); _exit(0); return a; }\n",
		       "uses harness_test_finished");
}

Test(grader, refuses_a_write_of_its_own)
{
	expect_refused("#include <unistd.h>\n"
		       "ssize_t write(int fd, const void *b, size_t n) "
		       "{ (void)fd; (void)b; return (ssize_t)n; }\n",
		       "defines write");
}

Test(grader, refuses_a_constructor_and_a_destructor)
{
	/* (an empty one would be optimised away, so each does something) */
	expect_refused("volatile int touched;\n"
		       "__attribute__((constructor)) static void early(void)"
		       " { touched = 1; }\n",
		       ".init_array");
	expect_refused("volatile int touched;\n"
		       "__attribute__((destructor)) static void late(void)"
		       " { touched = 1; }\n",
		       ".fini_array");
}

Test(grader, refuses_the_environment_and_the_linker)
{
	expect_refused("#include <stdlib.h>\n"
		       "const char *unit_env(void) { return getenv(\"X\"); }\n",
		       "uses getenv");
	expect_refused("#include <dlfcn.h>\n"
		       "void *unit_sym(void) { return dlsym(0, \"x\"); }\n",
		       "uses dlsym");
}

Test(grader, a_skip_asked_for_by_the_code_fails)
{
	/* exit status 77 means "skipped" only on a row the rubric lets skip:
	 * "prog floods" may not, so it fails and stays in the total */
	submit("#include <unistd.h>\n"
	       "int unit_add(int a, int b) { return a - b; }\n"
	       "void unit_behave(const char *how) { (void)how; _exit(77); }\n");
	cJSON *r;
	cr_assert_eq(grade("", &r), 0);
	expect(r, "prog floods", "failed", NULL);
	expect(r, "prog skips", "skipped", NULL);
	cr_expect_eq(number(r, "max_score"), 16,
		     "only the skippable rows "
		     "leave the total");
	cJSON_Delete(r);
}

Test(grader, no_descriptor_of_the_grader_reaches_a_check)
{
	/* A descriptor the grader's caller left open (9, on a host file) must
	 * not be inherited by the code it grades. */
	/* (the run rows matter: Criterion closes descriptors in tests) */
	submit("#include <unistd.h>\n"
	       "static void pwn(void) {\n"
	       "  for (int fd = 3; fd < 64; fd++) (void)!write(fd, "
	       "\"pwned\\n\", 6); }\n"
	       "int unit_add(int a, int b) { pwn(); return a - b; }\n"
	       "void unit_behave(const char *how) { (void)how; pwn(); }\n");
	char cmd[CMD_CAP];
	snprintf(cmd, sizeof cmd,
		 "cd %s && exec 9>>host.txt && %s/grader/grade --root root%s "
		 "sub > table.txt 2>&1",
		 work, WORKBOOK_ROOT, trusted());
	cr_assert_eq(system(cmd), 0);
	char path[512];
	snprintf(path, sizeof path, "%s/host.txt", work);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_expect_eq(fgetc(f), EOF,
		     "a check wrote into the grader's descriptor");
	fclose(f);
}

Test(grader, grade_class_follows_no_link_to_the_solutions)
{
	if (!sandbox_works())
		cr_skip_test("bubblewrap cannot make a sandbox here");
	/* A student's labs/ that links to the solutions (read by the TA's
	 * grader as root) must earn nothing. */
	sh("mkdir -p %s/class/eve && ln -s %s/solutions %s/class/eve/labs",
	   work, WORKBOOK_ROOT, work);
	char cmd[CMD_CAP];
	snprintf(
		cmd, sizeof cmd,
		"cd %s && sh %s/tools/grade-class.sh class out --lab isolation "
		"> class.txt 2>&1 && grep -q '^Score: 0/' out/eve.txt",
		work, WORKBOOK_ROOT);
	cr_expect_eq(system(cmd), 0, "the linked solutions were graded");
}

Test(grader, bad_bytes_are_escaped_in_every_report)
{
	/* A run row that prints an invalid UTF-8 byte and a terminal escape
	 * before it fails: the JSON must parse, and the table must hold no
	 * escape character. */
	submit("#include <stdio.h>\n#include <unistd.h>\n"
	       "int unit_add(int a, int b) { return a - b; }\n"
	       "void unit_behave(const char *how) { (void)how;\n"
	       "  fputs(\"bad \\xff\\xfe bytes "
	       "\\x1b[2J\\x1b]0;owned\\x07\\n\", stdout);\n"
	       "  fflush(stdout); _exit(1); }\n");
	cJSON *r;
	cr_assert_eq(grade("", &r),
		     0); /* grade() fails if the JSON does not parse */
	expect(r, "prog floods", "failed", "\\xff\\xfe bytes \\x1b[2J");
	cJSON_Delete(r);
	char path[512];
	snprintf(path, sizeof path, "%s/table.txt", work);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	int c, escapes = 0;
	while ((c = fgetc(f)) != EOF)
		escapes += c == 0x1b || c == 0x07;
	fclose(f);
	cr_expect_eq(escapes, 0, "the table holds raw control characters");
}

Test(grader, a_submission_that_hangs_everywhere_stays_in_the_budget)
{
	/* Every check hangs; the fixture's budget (20 s) bounds the lab, and
	 * the score is what the fixture's "skeleton" (WRONG_ADD) scores. */
	cJSON *r;
	int skeleton = hostile("", "", &r);
	cJSON_Delete(r);
	submit("int unit_add(int a, int b) { for (;;) {} return a + b; }\n"
	       "void unit_behave(const char *how) { (void)how; for (;;) {} "
	       "}\n");
	time_t start = time(NULL);
	cr_assert_eq(grade("", &r), 0);
	time_t took = time(NULL) - start;
	cr_expect_leq(number(r, "score"), skeleton);
	cr_expect_leq(took, 20 + 15, "grading took %ld s", (long)took);
	cJSON_Delete(r);
}

Test(grader, stops_a_lab_whose_code_hangs_before_any_test)
{
	/* A suite whose set-up (.init) runs the student's code, which hangs
	 * there, before any test body: the first row times out (3 s) and the
	 * lab's other rows fail at once, instead of each waiting 3 s. */
	sh("cat >> %s/root/grader/official/fixture/tests/test_unit.c <<'EOF'\n"
	   "static void stuck(void) { unit_behave(\"hang\"); }\n"
	   "TestSuite(setup, .init = stuck, .fini = harness_test_finished);\n"
	   "Test(setup, first) { cr_assert_eq(unit_add(1, 1), 2); }\n"
	   "Test(setup, second) { cr_assert_eq(unit_add(1, 2), 3); }\n"
	   "EOF",
	   work);
	sh("printf 'editable unit.c\\ntimeout 3\\nstage 1 | Set up\\n' > "
	   "%s/root/grader/official/fixture/rubric",
	   work);
	for (int i = 0; i < 8; i++)
		sh("echo 'test 1 | 1 | %s | 00-introduction.md' >> "
		   "%s/root/grader/official/fixture/rubric",
		   i % 2 ? "setup/second" : "setup/first", work);
	sh("echo 'run 1 | 1 | prog adds | 00-introduction.md | ./unit-prog "
	   "add' >> %s/root/grader/official/fixture/rubric",
	   work);
	submit_official_with("");
	cJSON *r;
	time_t start = time(NULL);
	cr_assert_eq(grade("", &r), 0);
	time_t took = time(NULL) - start;
	cJSON *lab = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "labs"), 0);
	cJSON *tests = cJSON_GetObjectItem(lab, "tests");
	cr_assert_eq(cJSON_GetArraySize(tests), 9);
	cJSON *first = cJSON_GetArrayItem(tests, 0);
	cr_expect_str_eq(field(first, "status"), "timeout");
	cr_expect(strstr(field(first, "message"), "set-up") != NULL,
		  "first row: %s", field(first, "message"));
	for (int i = 1; i < 9; i++) {
		cJSON *t = cJSON_GetArrayItem(tests, i);
		cr_expect_str_eq(field(t, "status"), "failed", "row %d", i);
		cr_expect(strstr(field(t, "message"), "hung before its first "
						      "test began") != NULL,
			  "row %d: %s", i, field(t, "message"));
	}
	cr_expect_eq(number(r, "score"), 0);
	/* without the stop: 8 rows of 3 s at least */
	cr_expect_lt(took, 3 + 15, "grading took %ld s", (long)took);
	cJSON_Delete(r);
}

Test(grader, stops_a_lab_whose_checks_keep_timing_out)
{
	/* Every test body hangs (after it began, so the early stop above
	 * does not apply): rows of 3 s, a budget of 18 s. Once timed-out rows
	 * add up to half the budget (three rows, 9 s or a little more; two
	 * take less), the rest are not run. */
	sh("cat >> %s/root/grader/official/fixture/tests/test_unit.c <<'EOF'\n"
	   "Test(stuck, body) { unit_behave(\"hang\"); }\n"
	   "EOF",
	   work);
	sh("printf 'editable unit.c\\ntimeout 3\\nbudget 18\\nstage 1 | "
	   "Stuck\\n' > %s/root/grader/official/fixture/rubric",
	   work);
	for (int i = 0; i < 8; i++)
		sh("echo 'test 1 | 1 | stuck/body | 00-introduction.md' >> "
		   "%s/root/grader/official/fixture/rubric",
		   work);
	submit_official_with("");
	cJSON *r;
	cr_assert_eq(grade("", &r), 0);
	cJSON *lab = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "labs"), 0);
	cJSON *tests = cJSON_GetObjectItem(lab, "tests");
	cr_assert_eq(cJSON_GetArraySize(tests), 8);
	for (int i = 0; i < 8; i++) {
		cJSON *t = cJSON_GetArrayItem(tests, i);
		if (i < 3) {
			cr_expect_str_eq(field(t, "status"), "timeout",
					 "row %d", i);
			continue;
		}
		cr_expect_str_eq(field(t, "status"), "failed", "row %d", i);
		cr_expect(strstr(field(t, "message"), "timed out for") != NULL,
			  "row %d: %s", i, field(t, "message"));
	}
	cr_expect_eq(number(r, "score"), 0);
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
	/* only a constructor could do it, and the grader refuses those */
	expect(r, "basic/*", "failed", ".init_array");
	expect(r, "basic/adds", "failed", ".init_array");
	cJSON_Delete(r);
}

Test(grader, cleans_up_when_interrupted)
{
	/* Stop the grader with SIGTERM while the test programs hang: it must
	 * die of the signal and leave no scratch folder and no process
	 * behind. Without the sandbox, which would take its processes down
	 * with it anyway. The test program says it started by making a file:
	 * looking for it among /proc's processes from the shell took minutes
	 * on a busy machine, and the grader had finished before the signal
	 * came (3 time-outs in 7 runs). */
	char payload[1024];
	snprintf(payload, sizeof payload,
		 "#include <fcntl.h>\n"
		 "#include <unistd.h>\n"
		 "static void payload(void)\n"
		 "{ close(creat(\"%s/started\", 0600)); sleep(30); }\n",
		 work);
	submit_with_payload(payload);
	/* Two labs graded at once, both hanging: the grader's process for
	 * each must go too, with all it started. */
	sh("cd %s && cp -R root/grader/official/fixture "
	   "root/grader/official/fixture2 && cp -R sub/fixture sub/fixture2",
	   work);
	char path[512];
	snprintf(path, sizeof path, "%s/interrupt.sh", work);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f,
		"cd %s && mkdir tmp || exit 1\n"
		"TMPDIR=$PWD/tmp %s/grader/grade --root root --sandbox off "
		"--jobs 2 sub"
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
		"# wait for the test program to start (it sleeps 30 s); on a\n"
		"# busy machine the build may take a while\n"
		"started=no\n"
		"for i in $(seq 900); do\n"
		"  [ -e started ] && { started=yes; break; }\n"
		"  sleep 0.1\n"
		"done\n"
		"kill -TERM $grader\n"
		"# it must die of the signal within 10 s\n"
		"for i in $(seq 100); do\n"
		"  kill -0 $grader 2>/dev/null || break\n"
		"  sleep 0.1\n"
		"done\n"
		"kill -0 $grader 2>/dev/null && { echo 'still alive 10 s after"
		" SIGTERM'; kill -KILL $grader; }\n"
		"wait $grader\n"
		"status=$?\n"
		"[ $started = yes ] || echo 'the test program never started'\n"
		"sleep 0.5\n"
		"left=$(inside)\n"
		"[ -n \"$left\" ] && kill -KILL $left\n"
		"echo \"status $status, left: $left, tmp: $(ls tmp)\"\n"
		"[ $started = yes ] && [ $status -eq 143 ] &&\n"
		"  [ -z \"$left\" ] && [ -z \"$(ls tmp)\" ]\n",
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
	submit_with_payload(
		"#include <limits.h>\n"
		"#include <stdio.h>\n"
		"#include <sys/stat.h>\n"
		"#include <unistd.h>\n"
		"static void payload(void) {\n"
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
