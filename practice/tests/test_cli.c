/*
 * test_cli.c: the command line. Bad input gets a usage message on stderr
 * and exit status 2; the program prints what the kinds' functions print.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "eat.h"
#include "helpers.h"
#include "replace.h"

/* Runs practice with args, keeping only its standard error; checks that
 * it exits with status 2 and says how to use it. */
static void check_refused(const char *args)
{
	char command[256];
	snprintf(command, sizeof command, PRACTICE " %s 2>&1 >/dev/null", args);
	int status;
	char *err = command_output(command, &status);
	cr_assert_eq(status, 2, "practice %s: exit status %d, not 2", args,
		     status);
	cr_assert_not_null(strstr(err, "usage: practice KIND"),
			   "practice %s: no usage message on stderr:\n%s", args,
			   err);
	free(err);
}

Test(cli, refuses_a_missing_or_unknown_kind)
{
	check_refused("");
	check_refused("pagetables");
	check_refused("--seed 3");
	check_refused("tlb eat");
}

Test(cli, refuses_a_bad_seed)
{
	check_refused("tlb --seed -1");
	check_refused("tlb --seed abc");
	check_refused("tlb --seed 12x");
	check_refused("tlb --seed ''");
	check_refused("tlb --seed 99999999999999999999999");
	check_refused("tlb --seed");
	check_refused("tlb --bogus");
}

Test(cli, help_goes_to_stdout)
{
	int status;
	char *out = command_output(PRACTICE " --help", &status);
	cr_assert_eq(status, 0);
	cr_assert_not_null(strstr(out, "usage: practice KIND"));
	free(out);
}

Test(cli, default_seed_is_1)
{
	int status;
	char *plain = command_output(PRACTICE " replace", &status);
	cr_assert_eq(status, 0);
	char *seeded = command_output(PRACTICE " replace --seed 1", &status);
	cr_assert_str_eq(plain, seeded);
	free(plain);
	free(seeded);
}

Test(cli, prints_what_the_kind_prints)
{
	int status;
	char *out = command_output(PRACTICE " eat --answers --seed 5", &status);
	cr_assert_eq(status, 0);
	char *text = capture(eat_run, 5, true);
	cr_assert_str_eq(out, text);
	free(out);
	free(text);
	out = command_output(PRACTICE " --seed 5 replace", &status);
	text = capture(replace_run, 5, false);
	cr_assert_str_eq(out, text, "options may come before the kind");
	free(out);
	free(text);
}
