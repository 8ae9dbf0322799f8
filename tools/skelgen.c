/*
 * skelgen: makes a lab's skeleton from its reference solution.
 *
 *     skelgen SOLUTION_DIR SKELETON_DIR
 *
 * Copies every source file of SOLUTION_DIR into SKELETON_DIR (which must not
 * exist yet), transforming each text file line by line:
 *
 *   1. Lines from one holding "BEGIN SOLUTION" to the next holding
 *      "END SOLUTION" (both included) are dropped: that is the answer.
 *   2. A line whose first non-blank characters are the stub mark "//~" keeps
 *      its indentation and loses the mark and one space after it: that is the
 *      stub the student starts from (in the solution it is a comment).
 *   3. Every other line is copied as it is, except a blank line that would
 *      follow another blank line across a dropped region (so the skeleton
 *      keeps the solution's format: never two blank lines in a row).
 *
 * Build products are not copied: ELF files, *.o, *.d, *.a, *.so, and the
 * folders build/ and out/. A BEGIN without its END, or an END without its
 * BEGIN, is an error naming the file and the line; skelgen then exits with
 * status 1 and removes nothing it did not create.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { PATH_CAP = 4096, LINE_CAP = 8192 };

static const char BEGIN_MARK[] = "BEGIN SOLUTION";
static const char END_MARK[] = "END SOLUTION";
static const char STUB_MARK[] = "//~";

/* Returns true if the file's first four bytes are ELF's magic number. */
static bool is_elf(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	char magic[4] = {0};
	size_t n = fread(magic, 1, sizeof magic, f);
	fclose(f);
	return n == 4 && memcmp(magic, "\177ELF", 4) == 0;
}

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);
	return n >= s && strcmp(name + n - s, suffix) == 0;
}

/* Returns true for files and folders that a build makes, not a person. */
static bool is_build_product(const char *path, const char *name, bool is_dir)
{
	if (is_dir)
		return strcmp(name, "build") == 0 || strcmp(name, "out") == 0;
	return has_suffix(name, ".o") || has_suffix(name, ".d") ||
	       has_suffix(name, ".a") || has_suffix(name, ".so") ||
	       is_elf(path);
}

/*
 * Copies one file, applying the three rules above.
 * Returns 0 on success, -1 after printing what went wrong.
 */
static int transform_file(const char *src, const char *dst, mode_t mode)
{
	FILE *in = fopen(src, "r");
	if (in == NULL) {
		fprintf(stderr, "skelgen: cannot read %s: %s\n", src,
			strerror(errno));
		return -1;
	}
	FILE *out = fopen(dst, "w");
	if (out == NULL) {
		fprintf(stderr, "skelgen: cannot write %s: %s\n", dst,
			strerror(errno));
		fclose(in);
		return -1;
	}
	char line[LINE_CAP];
	long lineno = 0, begin_line = 0;
	bool in_solution = false;
	bool last_blank = false; /* the last line written was blank */
	bool dropped = false;    /* a region was dropped since then */
	int rc = 0;
	while (fgets(line, sizeof line, in) != NULL) {
		lineno++;
		if (strstr(line, BEGIN_MARK) != NULL) {
			if (in_solution) {
				fprintf(stderr,
					"%s:%ld: BEGIN SOLUTION inside the one "
					"opened on line %ld\n",
					src, lineno, begin_line);
				rc = -1;
				break;
			}
			in_solution = true;
			begin_line = lineno;
			continue;
		}
		if (strstr(line, END_MARK) != NULL) {
			if (!in_solution) {
				fprintf(stderr,
					"%s:%ld: END SOLUTION without a BEGIN "
					"SOLUTION\n",
					src, lineno);
				rc = -1;
				break;
			}
			in_solution = false;
			dropped = true;
			continue;
		}
		if (in_solution)
			continue;
		bool blank = line[strspn(line, " \t\n")] == '\0';
		if (blank && last_blank && dropped)
			continue;
		last_blank = blank;
		dropped = false;
		size_t indent = strspn(line, " \t");
		if (strncmp(line + indent, STUB_MARK, strlen(STUB_MARK)) == 0) {
			const char *rest = line + indent + strlen(STUB_MARK);
			if (*rest == ' ')
				rest++;
			fprintf(out, "%.*s%s", (int)indent, line, rest);
			continue;
		}
		fputs(line, out);
	}
	if (rc == 0 && in_solution) {
		fprintf(stderr, "%s:%ld: BEGIN SOLUTION is never closed\n", src,
			begin_line);
		rc = -1;
	}
	fclose(in);
	if (fclose(out) != 0) {
		fprintf(stderr, "skelgen: cannot write %s\n", dst);
		rc = -1;
	}
	if (rc == 0)
		chmod(dst, mode & 0777);
	return rc;
}

/* Copies the tree at src into dst. Returns 0 on success, -1 on error. */
static int copy_tree(const char *src, const char *dst)
{
	if (mkdir(dst, 0755) != 0) {
		fprintf(stderr, "skelgen: cannot create %s: %s\n", dst,
			strerror(errno));
		return -1;
	}
	DIR *dir = opendir(src);
	if (dir == NULL) {
		fprintf(stderr, "skelgen: cannot open %s: %s\n", src,
			strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *entry;
	while (rc == 0 && (entry = readdir(dir)) != NULL) {
		const char *name = entry->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		char from[PATH_CAP], to[PATH_CAP];
		snprintf(from, sizeof from, "%s/%s", src, name);
		snprintf(to, sizeof to, "%s/%s", dst, name);
		struct stat st;
		if (lstat(from, &st) != 0)
			continue;
		bool is_dir = S_ISDIR(st.st_mode);
		if (!is_dir && !S_ISREG(st.st_mode))
			continue; /* links, sockets: not lab sources */
		if (is_build_product(from, name, is_dir))
			continue;
		rc = is_dir ? copy_tree(from, to)
			    : transform_file(from, to, st.st_mode);
	}
	closedir(dir);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: skelgen SOLUTION_DIR SKELETON_DIR\n");
		return 2;
	}
	struct stat st;
	if (stat(argv[2], &st) == 0) {
		fprintf(stderr, "skelgen: %s already exists; remove it first\n",
			argv[2]);
		return 2;
	}
	return copy_tree(argv[1], argv[2]) == 0 ? 0 : 1;
}
