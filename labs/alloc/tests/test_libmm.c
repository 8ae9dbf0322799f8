/*
 * Stage 8: libmm.so as the malloc of real programs.
 *
 * Each program runs twice, on glibc's malloc and with LD_PRELOAD=libmm.so,
 * and must print exactly the same. libmm-smoke checks the contract of every
 * function libmm.so exports, from threads, across fork.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include "testutil.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

TestSuite(libmm, .init = skip_under_sanitizer, .fini = harness_test_finished,
	  .timeout = 60);

enum { OUTPUT_CAP = 1 << 20 };

static char plain[OUTPUT_CAP], preloaded[OUTPUT_CAP];

/* Returns "LD_PRELOAD=/absolute/path/libmm.so", for a command line. */
static const char *preload(void)
{
	static char text[PATH_MAX + 32];
	char cwd[PATH_MAX];
	cr_assert_not_null(getcwd(cwd, sizeof cwd));
	snprintf(text, sizeof text, "LD_PRELOAD=%s/libmm.so", cwd);
	return text;
}

/* Runs command on glibc's malloc and on libmm.so; both must agree. */
static void same_output(const char *command)
{
	char with[8192];
	snprintf(with, sizeof with, "env %s %s", preload(), command);
	int status = run_capture(command, plain, OUTPUT_CAP);
	int status_mm = run_capture(with, preloaded, OUTPUT_CAP);
	cr_assert_eq(status_mm, status,
		     "'%s' exits with %d on libmm.so, %d on glibc:\n%s",
		     command, status_mm, status, preloaded);
	cr_assert(strcmp(plain, preloaded) == 0,
		  "'%s' prints something else on libmm.so:\n%.2000s", command,
		  preloaded);
	cr_assert(strlen(plain) > 0, "'%s' printed nothing", command);
}

Test(libmm, exports_the_malloc_family)
{
	static const char *const names[] = {
		"malloc",         "free",
		"calloc",         "realloc",
		"posix_memalign", "aligned_alloc",
		"memalign",       "valloc",
		"pvalloc",        "malloc_usable_size",
		"reallocarray"};
	void *lib = dlopen("./libmm.so", RTLD_NOW | RTLD_LOCAL);
	cr_assert_not_null(lib, "cannot load ./libmm.so: %s", dlerror());
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		void *f = dlsym(lib, names[i]);
		Dl_info info;
		cr_assert(f != NULL && dladdr(f, &info) != 0 &&
				  strstr(info.dli_fname, "libmm.so") != NULL,
			  "libmm.so does not define %s", names[i]);
	}
	cr_assert_null(dlsym(lib, "mm_malloc"),
		       "only the malloc family should be exported");
}

Test(libmm, smoke_test_passes)
{
	char command[PATH_MAX + 64];
	snprintf(command, sizeof command, "env %s ./libmm-smoke", preload());
	int status = run_capture(command, preloaded, OUTPUT_CAP);
	cr_assert_eq(status, 0, "libmm-smoke failed:\n%s", preloaded);
	cr_assert(strstr(preloaded, "libmm-smoke: all checks passed") != NULL,
		  "libmm-smoke exited with status 0 but did not finish its "
		  "checks (did malloc exit?):\n%s",
		  preloaded);
}

Test(libmm, ls)
{
	same_output("ls -l /usr/bin");
}

Test(libmm, sort)
{
	char path[] = "/tmp/libmm-sort-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	FILE *f = fdopen(fd, "w");
	uint64_t rng = 3;
	for (int i = 0; i < 50000; i++)
		fprintf(f, "%016llx line %d\n",
			(unsigned long long)test_random(&rng), i);
	fclose(f);
	char command[256];
	snprintf(command, sizeof command, "sort %s | md5sum", path);
	same_output(command);
	unlink(path);
}

Test(libmm, python)
{
	require_program("/usr/bin/python3 -c pass");
	same_output("/usr/bin/python3 -c 'import json, re; d = {str(i): [i] * "
		    "(i % 50)"
		    " for i in range(20000)}; s = json.dumps(d);"
		    " print(len(s), len(re.findall(\"[0-9]+\", s)),"
		    " sorted(json.loads(s).items())[-1][0])'");
}

Test(libmm, perl)
{
	require_program("perl -e 1");
	same_output("perl -e 'my %h; $h{$_} = \"x\" x ($_ % 100) for 1..50000;"
		    " my $n = 0; $n += length $h{$_} for keys %h;"
		    " print scalar(keys %h), \" $n\\n\"'");
}

Test(libmm, git)
{
	require_program("git --version");
	same_output("git --version");
}

Test(libmm, bash)
{
	same_output(
		"bash -c 'a=(); for i in $(seq 1 3000); do a+=(\"item$i\"); "
		"done;"
		" s=${a[*]}; echo ${#a[@]} ${#s}; declare -A m;"
		" for i in $(seq 1 2000); do m[k$i]=$i; done; echo ${#m[@]}'");
}
