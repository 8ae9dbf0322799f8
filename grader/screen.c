/*
 * screen.c: what a student's object files may not hold. See screen.h.
 *
 * Why each rule (the channel it would open is in harness.h):
 *   - .init_array, .fini_array, .ctors, .dtors, .preinit_array, .init and
 *     .fini sections, IFUNC symbols (nm type i) and atexit-like calls run
 *     code in the test program's runner, which must run none of a
 *     student's code, or after a test has ended;
 *   - a global definition of a name the C library, Criterion or the
 *     harness defines would replace it in the whole program (a write()
 *     that rewrites "failed" to "passed", a main of one's own);
 *   - references to the harness, Criterion or BoxFort, to the environment
 *     (getenv, environ), to the dynamic linker (dlsym, dl_iterate_phdr,
 *     linker-made symbols) or to raw system calls and tracing reach what
 *     the harness hides.
 * What stays possible is in CONTRIBUTING.md ("What the grader guarantees").
 */
#include "screen.h"

#include "proc.h"
#include "sandbox.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { NAME_CAP = 512, PATH_CAP = 4096, SCREEN_SECONDS = 60 };

static const char *const BANNED_SECTIONS[] = {
	".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors",
};
static const char *const BANNED_SECTION_TYPES[] = {
	"INIT_ARRAY",
	"FINI_ARRAY",
	"PREINIT_ARRAY",
};
static const char *const BANNED_PREFIXES[] = {
	"harness_", "criterion_", "cr_", "bxf", "__start_", "__stop_",
};
static const char *const BANNED_NAMES[] = {
	"getenv",
	"secure_getenv",
	"environ",
	"__environ",
	"_environ",
	"syscall",
	"dlsym",
	"dlvsym",
	"dlopen",
	"dlmopen",
	"dladdr",
	"dladdr1",
	"dlinfo",
	"dl_iterate_phdr",
	"_r_debug",
	"_DYNAMIC",
	"__ehdr_start",
	"__executable_start",
	"program_invocation_name",
	"program_invocation_short_name",
	"__progname",
	"__progname_full",
	"ptrace",
	"process_vm_readv",
	"process_vm_writev",
	"atexit",
	"on_exit",
	"at_quick_exit",
	"__cxa_atexit",
	"__cxa_thread_atexit_impl",
	"main",
};

/* The names the C library and Criterion define, sorted, for bsearch. */
static char **reserved;
static size_t nreserved;

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Reads the dynamic symbols libc.so.6 and libcriterion.so define (trusted
 * system files, read outside the sandbox once per grading run).
 */
static void load_reserved(void)
{
	if (reserved != NULL)
		return;
	FILE *p = popen(
		"nm -D --defined-only \"$(cc -print-file-name=libc.so.6)\" "
		"\"$(cc -print-file-name=libcriterion.so)\" 2>/dev/null",
		"r");
	size_t cap = 4096;
	reserved = malloc(cap * sizeof *reserved);
	char line[NAME_CAP], name[NAME_CAP];
	while (p != NULL && reserved != NULL && fgets(line, sizeof line, p)) {
		char *word = strrchr(line, ' ');
		if (word == NULL || sscanf(word + 1, "%511[^@\n]", name) != 1)
			continue;
		if (nreserved == cap) {
			cap *= 2;
			char **grown =
				realloc(reserved, cap * sizeof *reserved);
			if (grown == NULL)
				break;
			reserved = grown;
		}
		reserved[nreserved++] = strdup(name);
	}
	if (p != NULL)
		pclose(p);
	if (reserved == NULL) {
		fprintf(stderr, "grader: out of memory\n");
		exit(3);
	}
	qsort(reserved, nreserved, sizeof *reserved, compare_names);
}

static bool is_reserved(const char *name)
{
	return bsearch(&name, reserved, nreserved, sizeof *reserved,
		       compare_names) != NULL;
}

static bool is_banned_reference(const char *name)
{
	for (size_t i = 0; i < sizeof BANNED_PREFIXES / sizeof *BANNED_PREFIXES;
	     i++)
		if (strncmp(name, BANNED_PREFIXES[i],
			    strlen(BANNED_PREFIXES[i])) == 0)
			return true;
	for (size_t i = 0; i < sizeof BANNED_NAMES / sizeof *BANNED_NAMES; i++)
		if (strcmp(name, BANNED_NAMES[i]) == 0)
			return true;
	return false;
}

/* Checks one line of `nm -P`: "NAME TYPE [VALUE SIZE]". */
static bool symbol_ok(const char *line, const char *file, char *why, size_t cap)
{
	char name[NAME_CAP], type;
	if (sscanf(line, "%511s %c", name, &type) != 2) {
		snprintf(why, cap, "%s: a symbol nm cannot name (\"%.80s\")",
			 file, line);
		return false;
	}
	bool undefined = type == 'U' || type == 'w' || type == 'v';
	bool global = (type >= 'A' && type <= 'Z') || type == 'u';
	if (type == 'i' || type == 'I') {
		snprintf(why, cap,
			 "%s: %s is an IFUNC, code that runs before "
			 "main",
			 file, name);
		return false;
	}
	if (undefined && is_banned_reference(name)) {
		snprintf(why, cap, "%s uses %s, which graded code may not use",
			 file, name);
		return false;
	}
	if (!undefined && global &&
	    (is_reserved(name) || is_banned_reference(name))) {
		snprintf(why, cap,
			 "%s defines %s, a name of the C library, of "
			 "Criterion or of the grader's harness: "
			 "rename it or make it static",
			 file, name);
		return false;
	}
	return true;
}

/* Checks one line of `readelf -SW`: "  [ N] NAME TYPE ...". */
static bool section_ok(const char *line, const char *file, char *why,
		       size_t cap)
{
	const char *bracket = strstr(line, "] ");
	char name[NAME_CAP], type[64];
	if (line[strspn(line, " ")] != '[' || bracket == NULL ||
	    sscanf(bracket + 2, "%511s %63s", name, type) != 2)
		return true; /* a heading or a key, not a section */
	bool banned = strcmp(name, ".init") == 0 || strcmp(name, ".fini") == 0;
	for (size_t i = 0; i < sizeof BANNED_SECTIONS / sizeof *BANNED_SECTIONS;
	     i++)
		banned |= strncmp(name, BANNED_SECTIONS[i],
				  strlen(BANNED_SECTIONS[i])) == 0;
	for (size_t i = 0;
	     i < sizeof BANNED_SECTION_TYPES / sizeof *BANNED_SECTION_TYPES;
	     i++)
		banned |= strcmp(type, BANNED_SECTION_TYPES[i]) == 0;
	if (banned)
		snprintf(why, cap,
			 "%s has a %s section: code that runs before "
			 "or after main (a constructor or destructor)",
			 file, name);
	return !banned;
}

/* Screens one object, dir/object. Returns 0, or -1 with why. */
static int screen_one(const struct sandbox *sb, const char *dir,
		      const char *object, char *why, size_t cap)
{
	char cmd[2 * PATH_CAP], quoted[PATH_CAP];
	proc_quote(object, quoted, sizeof quoted);
	snprintf(cmd, sizeof cmd,
		 "LC_ALL=C nm -P %s && echo '%%sections' && LC_ALL=C readelf "
		 "-SW %s",
		 quoted, quoted);
	struct proc_limits lim = {
		.seconds = SCREEN_SECONDS, .dir = dir, .limit_memory = true};
	struct sandbox_binds binds = {0};
	struct proc_result res;
	sandbox_run(sb, cmd, &lim, &binds, &res);
	int rc = 0;
	if (!proc_succeeded(&res) || res.output_total > res.output_len) {
		snprintf(why, cap,
			 "%s could not be screened (nm or readelf "
			 "failed, or it has too many symbols)",
			 object);
		rc = -1;
	}
	bool sections = false;
	char line[2 * NAME_CAP];
	for (const char *p = res.output; rc == 0 && *p != '\0';) {
		size_t len = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		if (strcmp(line, "%sections") == 0)
			sections = true;
		else if (!sections && !symbol_ok(line, object, why, cap))
			rc = -1;
		else if (sections && !section_ok(line, object, why, cap))
			rc = -1;
	}
	proc_result_free(&res);
	return rc;
}

int screen_objects(const struct sandbox *sb, const char *dir,
		   const struct rubric *r, char *why, size_t cap)
{
	load_reserved();
	for (size_t i = 0; i < r->nfiles; i++) {
		const char *file = r->files[i];
		size_t len = strlen(file);
		if (len < 3 || strcmp(file + len - 2, ".c") != 0)
			continue;
		const char *suffixes[] = {".o", ".pic.o"};
		int found = 0;
		for (size_t k = 0; k < 2; k++) {
			char object[PATH_CAP], path[2 * PATH_CAP];
			struct stat st;
			snprintf(object, sizeof object, "%.*s%s",
				 (int)(len - 2), file, suffixes[k]);
			snprintf(path, sizeof path, "%s/%s", dir, object);
			if (lstat(path, &st) != 0)
				continue;
			found++;
			if (screen_one(sb, dir, object, why, cap) != 0)
				return -1;
		}
		if (found == 0) {
			snprintf(why, cap,
				 "grader error: the lab's Makefile "
				 "built no object from %s to screen",
				 file);
			return -1;
		}
	}
	return 0;
}
