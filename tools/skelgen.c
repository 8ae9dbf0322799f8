/*
 * skelgen: makes a lab's skeleton from its reference solution.
 *
 *     skelgen [--upto K] SOLUTION_DIR SKELETON_DIR
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
 * Each region belongs to a stage of the lab: the N of "BEGIN SOLUTION
 * (stage N)" on its first line, or else of the first "TODO(stage N" in its
 * stub (the "//~" lines right after its END line), the stage in which the
 * student first writes it (a stub may name later stages too, for work
 * those stages do in other functions). With --upto K, skelgen
 * makes the copy of a student who has done stages 1 to K: a region of a
 * stage up to K keeps its code (without the marker lines) and loses its
 * stub; the others become stubs as above. There every region must have a
 * stage; always, a region's tag and its stub's first TODO must agree.
 *
 * A region rewritten in a later stage than the one that first writes it
 * (first fit in stage 2, the segregated lists' search in stage 4) holds its
 * final code, and may give its code as of the earlier stages in interim
 * blocks right after its stub:
 *
 *     // INTERIM (stages 2-3): first fit over the implicit list
 *     //= for (block_t *block = ...
 *     // END INTERIM
 *
 * Each "//=" line is a line of code with the mark and one space after it
 * removed, as for a stub. The blocks' ranges ("(stage N)" or "(stages
 * N-M)") follow one another without a gap from the region's stage; the
 * final code serves the stages after the last one. The plain skeleton drops
 * interim blocks; with --upto K, a block whose range holds K replaces the
 * region's code.
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

enum { PATH_CAP = 4096 };

static const char BEGIN_MARK[] = "BEGIN SOLUTION";
static const char END_MARK[] = "END SOLUTION";
static const char STUB_MARK[] = "//~";
static const char INTERIM_BEGIN[] = "// INTERIM (";
static const char INTERIM_END[] = "// END INTERIM";
static const char INTERIM_MARK[] = "//=";

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

/* One file being transformed: its lines, and where the output stands. */
struct file_gen {
	const char *src; /* the solution's file, for messages */
	char **lines;    /* every line, with its newline */
	size_t count;
	FILE *out;
	int upto;        /* --upto K, or 0 for the plain skeleton */
	bool last_blank; /* the last line written was blank */
	bool dropped;    /* a region was dropped since then */
};

/* Reads every line of in. Returns 0, or -1 after printing what went wrong. */
static int read_lines(FILE *in, struct file_gen *g)
{
	size_t cap = 0;
	char *line = NULL;
	size_t line_cap = 0;
	while (getline(&line, &line_cap, in) != -1) {
		if (g->count == cap) {
			cap = cap ? 2 * cap : 256;
			char **grown = realloc(g->lines, cap * sizeof *grown);
			if (grown == NULL)
				break;
			g->lines = grown;
		}
		g->lines[g->count] = strdup(line);
		if (g->lines[g->count] == NULL)
			break;
		g->count++;
	}
	bool ok = !ferror(in) && feof(in);
	free(line);
	if (!ok)
		fprintf(stderr, "skelgen: cannot read %s: %s\n", g->src,
			strerror(errno));
	return ok ? 0 : -1;
}

/* Returns true if line's first non-blank characters are mark. */
static bool starts_with(const char *line, const char *mark)
{
	size_t indent = strspn(line, " \t");
	return strncmp(line + indent, mark, strlen(mark)) == 0;
}

static bool is_stub(const char *line)
{
	return starts_with(line, STUB_MARK);
}

/* Returns true for any line of an interim block, its markers included. */
static bool is_interim(const char *line)
{
	return starts_with(line, INTERIM_BEGIN) ||
	       starts_with(line, INTERIM_END) ||
	       starts_with(line, INTERIM_MARK);
}

/* Writes line without its mark (a stub's or an interim line's) and the one
 * space after it, keeping its indentation. */
static void put_unmarked(FILE *out, const char *line, const char *mark)
{
	size_t indent = strspn(line, " \t");
	const char *rest = line + indent + strlen(mark);
	if (*rest == ' ')
		rest++;
	fprintf(out, "%.*s%s", (int)indent, line, rest);
}

/*
 * Returns the N of the first "key N" in line (key is "(stage " or
 * "TODO(stage "), 0 if line has no key, or -1 if N is not a number >= 1.
 */
static int stage_after(const char *line, const char *key)
{
	const char *at = strstr(line, key);
	if (at == NULL)
		return 0;
	char *end;
	long n = strtol(at + strlen(key), &end, 10);
	if (end == at + strlen(key) || n < 1 || n > 99)
		return -1;
	return (int)n;
}

/*
 * The stage of the region whose BEGIN is on line begin, END on line end
 * and stub on lines end+1 to stub_end-1 (0-based): its tag, or else the
 * first TODO(stage N) of its stub (a stub may name later stages too, for
 * work done elsewhere). Returns it, 0 if the region names none, or -1
 * after printing a malformed tag or one its stub contradicts.
 */
static int region_stage(const struct file_gen *g, size_t begin, size_t end,
			size_t stub_end)
{
	int tag = stage_after(g->lines[begin], "(stage ");
	int todo = 0;
	size_t i = end + 1;
	while (i < stub_end && todo == 0)
		todo = stage_after(g->lines[i++], "TODO(stage ");
	if (tag < 0 || todo < 0) {
		fprintf(stderr, "%s:%zu: malformed stage number\n", g->src,
			tag < 0 ? begin + 1 : i);
		return -1;
	}
	if (tag != 0 && todo != 0 && tag != todo) {
		fprintf(stderr,
			"%s:%zu: the region is tagged stage %d, but its stub's "
			"first TODO (line %zu) says stage %d\n",
			g->src, begin + 1, tag, i, todo);
		return -1;
	}
	return tag != 0 ? tag : todo;
}

/* Writes one line of the skeleton: rules 2 and 3. */
static void emit(struct file_gen *g, const char *line)
{
	bool blank = line[strspn(line, " \t\n")] == '\0';
	if (blank && g->last_blank && g->dropped)
		return;
	g->last_blank = blank;
	g->dropped = false;
	if (is_stub(line))
		put_unmarked(g->out, line, STUB_MARK);
	else
		fputs(line, g->out);
}

/* Returns the line of the END SOLUTION closing the region opened on line
 * begin, or g->count after printing why there is none. */
static size_t region_end(const struct file_gen *g, size_t begin)
{
	for (size_t i = begin + 1; i < g->count; i++) {
		if (strstr(g->lines[i], END_MARK) != NULL)
			return i;
		if (strstr(g->lines[i], BEGIN_MARK) != NULL) {
			fprintf(stderr,
				"%s:%zu: BEGIN SOLUTION inside the one opened "
				"on line %zu\n",
				g->src, i + 1, begin + 1);
			return g->count;
		}
	}
	fprintf(stderr, "%s:%zu: BEGIN SOLUTION is never closed\n", g->src,
		begin + 1);
	return g->count;
}

enum { INTERIM_CAP = 8 };

/* An interim block: the region's code for stages first to last. */
struct interim {
	int first, last;
	size_t begin, end; /* its "// INTERIM" and "// END INTERIM" lines */
};

/*
 * Reads the interim blocks from line *at on, into blocks (at most
 * INTERIM_CAP), for a region of the given stage; moves *at past them.
 * Returns how many, or -1 after printing what is wrong with them.
 */
static int read_interims(const struct file_gen *g, size_t *at, int stage,
			 struct interim *blocks)
{
	int n = 0;
	while (*at < g->count && starts_with(g->lines[*at], INTERIM_BEGIN)) {
		size_t begin = *at, end = begin + 1;
		while (end < g->count &&
		       starts_with(g->lines[end], INTERIM_MARK))
			end++;
		const char *range = strstr(g->lines[begin], INTERIM_BEGIN) +
				    strlen(INTERIM_BEGIN);
		int first = 0, last = 0, used = 0;
		if (sscanf(range, "stages %d-%d)%n", &first, &last, &used) <
			    2 ||
		    used == 0) {
			if (sscanf(range, "stage %d)%n", &first, &used) < 1 ||
			    used == 0)
				first = 0;
			last = first;
		}
		int want = n == 0 ? stage : blocks[n - 1].last + 1;
		const char *what = NULL;
		if (end == g->count || !starts_with(g->lines[end], INTERIM_END))
			what = "is not closed by // END INTERIM after its "
			       "//= lines";
		else if (first < 1 || last < first || last > 99)
			what = "wants (stage N) or (stages N-M), N <= M";
		else if (first != want)
			what = "must start at the region's stage, or right "
			       "after the block before it";
		else if (n == INTERIM_CAP)
			what = "is one block too many for skelgen";
		if (what != NULL) {
			fprintf(stderr, "%s:%zu: this interim block %s\n",
				g->src, begin + 1, what);
			return -1;
		}
		blocks[n++] = (struct interim){first, last, begin, end};
		*at = end + 1;
	}
	return n;
}

/*
 * Transforms the region opened on line *at: rule 1 (or, with --upto, its
 * code when its stage is done, or an interim block's for an earlier
 * stage), and its stub. Moves *at past the stub and the interim blocks.
 * Returns 0, or -1 after printing what went wrong.
 */
static int transform_region(struct file_gen *g, size_t *at)
{
	size_t begin = *at, end = region_end(g, begin);
	if (end == g->count)
		return -1;
	size_t stub_end = end + 1;
	while (stub_end < g->count && is_stub(g->lines[stub_end]))
		stub_end++;
	int stage = region_stage(g, begin, end, stub_end);
	if (stage < 0)
		return -1;
	if (g->upto > 0 && stage == 0) {
		fprintf(stderr,
			"%s:%zu: this region has no stage: write BEGIN "
			"SOLUTION (stage N), or TODO(stage N) in its stub\n",
			g->src, begin + 1);
		return -1;
	}
	struct interim blocks[INTERIM_CAP];
	*at = stub_end;
	int interims = read_interims(g, at, stage, blocks);
	if (interims < 0)
		return -1;
	for (int b = 0; b < interims && g->upto > 0; b++) {
		if (blocks[b].first <= g->upto && g->upto <= blocks[b].last) {
			for (size_t i = blocks[b].begin + 1; i < blocks[b].end;
			     i++)
				put_unmarked(g->out, g->lines[i], INTERIM_MARK);
			return 0;
		}
	}
	if (g->upto > 0 && stage <= g->upto) {
		for (size_t i = begin + 1; i < end; i++)
			fputs(g->lines[i], g->out);
		return 0;
	}
	g->dropped = true;
	for (size_t i = end + 1; i < stub_end; i++)
		emit(g, g->lines[i]);
	return 0;
}

/* Transforms g's lines into g->out. Returns 0, or -1 on an error. */
static int transform_lines(struct file_gen *g)
{
	size_t i = 0;
	while (i < g->count) {
		const char *line = g->lines[i];
		if (strstr(line, BEGIN_MARK) != NULL) {
			if (transform_region(g, &i) != 0)
				return -1;
		} else if (is_interim(line)) {
			fprintf(stderr,
				"%s:%zu: an interim line that does not follow "
				"a solution region's stub\n",
				g->src, i + 1);
			return -1;
		} else if (strstr(line, END_MARK) != NULL) {
			fprintf(stderr,
				"%s:%zu: END SOLUTION without a BEGIN "
				"SOLUTION\n",
				g->src, i + 1);
			return -1;
		} else {
			emit(g, line);
			i++;
		}
	}
	return 0;
}

/*
 * Copies one file, applying the rules above.
 * Returns 0 on success, -1 after printing what went wrong.
 */
static int transform_file(const char *src, const char *dst, mode_t mode,
			  int upto)
{
	FILE *in = fopen(src, "r");
	if (in == NULL) {
		fprintf(stderr, "skelgen: cannot read %s: %s\n", src,
			strerror(errno));
		return -1;
	}
	struct file_gen g = {.src = src, .upto = upto};
	int rc = read_lines(in, &g);
	fclose(in);
	if (rc == 0) {
		g.out = fopen(dst, "w");
		if (g.out == NULL)
			fprintf(stderr, "skelgen: cannot write %s: %s\n", dst,
				strerror(errno));
	}
	if (g.out != NULL) {
		rc = transform_lines(&g);
		if (fclose(g.out) != 0) {
			fprintf(stderr, "skelgen: cannot write %s\n", dst);
			rc = -1;
		}
		if (rc == 0)
			chmod(dst, mode & 0777);
	} else {
		rc = -1;
	}
	for (size_t i = 0; i < g.count; i++)
		free(g.lines[i]);
	free(g.lines);
	return rc;
}

/* Copies the tree at src into dst. Returns 0 on success, -1 on error. */
static int copy_tree(const char *src, const char *dst, int upto)
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
		rc = is_dir ? copy_tree(from, to, upto)
			    : transform_file(from, to, st.st_mode, upto);
	}
	closedir(dir);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: skelgen [--upto K] SOLUTION_DIR SKELETON_DIR\n"
			"  --upto K: the copy of a student who has done "
			"stages 1 to K (K >= 1)\n");
	return 2;
}

int main(int argc, char **argv)
{
	int upto = 0;
	if (argc == 5 && strcmp(argv[1], "--upto") == 0) {
		char *end;
		long k = strtol(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0' || k < 1 || k > 99) {
			fprintf(stderr,
				"skelgen: --upto wants a stage number from 1 "
				"to 99, not '%s'\n",
				argv[2]);
			return 2;
		}
		upto = (int)k;
		argv += 2;
		argc -= 2;
	}
	if (argc != 3)
		return usage();
	struct stat st;
	if (stat(argv[2], &st) == 0) {
		fprintf(stderr, "skelgen: %s already exists; remove it first\n",
			argv[2]);
		return 2;
	}
	return copy_tree(argv[1], argv[2], upto) == 0 ? 0 : 1;
}
