/*
 * mutate: plants one small bug at a time in the solution regions of a C file,
 * for mutation testing (tools/mutants.sh, `make mutants`).
 *
 *     mutate FILE          lists the mutants of FILE, one a line:
 *                          ID FIRST LAST LINE OPERATOR DESCRIPTION
 *                          (tab-separated; FIRST and LAST: the stages of
 *                          the region holding it)
 *     mutate FILE ID       writes FILE with mutant ID applied to stdout
 *
 * Only code between "BEGIN SOLUTION" and "END SOLUTION" lines is mutated: the
 * code a student writes. A region's stages are the N of "BEGIN SOLUTION (stage
 * N)", or else the first and the last N of the "TODO(stage N" in the //~
 * stub lines after it (a region may hold the code of two stages).
 * Comments, strings, character constants and preprocessor lines are left
 * alone. The operators, each a plausible slip a student makes:
 *
 *   rel     < <= > >= == != swapped for their neighbour (< for <=, == for !=)
 *   arith   binary + and -, << and >>, & and |, ++ and --, += and -= swapped
 *   logic   && and || swapped
 *   negate  the condition of an if or while negated
 *   const   an integer constant one more or one less
 *   delete  an expression statement that fills its line dropped
 *   swap    the first two arguments of a call swapped when both are names
 *
 * Not mutated: assertions, the error value -1 and the lengths in array
 * declarations (see is_error_value and is_array_length): their mutants
 * could only be equivalent or seen by a memory checker.
 * A mutant's ID is a hash of the file's name, the operator, the text of the
 * line and which occurrence on that line it changes, so it stays the same
 * while the rest of the file is edited: the reviewed list of equivalent
 * mutants (tests/mutants-equivalent) names mutants by ID.
 *
 * A region with no stage is left alone, with a warning. Exits 0 on success, 1
 * if the file cannot be read or has no mutant ID, 2 on a usage error.
 */
#include "readall.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TOKEN_CAP = 1 << 16, TEXT_CAP = 64 };

/* One token of a code line inside a solution region. */
struct token {
	size_t start;   /* offset in the file's text */
	size_t length;  /* bytes */
	int line;       /* 1-based line number */
	int stage;      /* first stage of the region holding it */
	int last;       /* last stage of that region */
	bool in_assert; /* part of an assert(...): not mutated */
};

/* The file as read, and its tokens in solution regions. */
struct source {
	const char *name; /* as given on the command line */
	char *text;
	size_t size;
	struct token tokens[TOKEN_CAP];
	size_t count;
};

/* One mutant: replace [start, start + length) by replacement. */
struct mutant {
	const char *op;
	size_t start, length;
	char replacement[TEXT_CAP];
	/* A second edit, for "negate" (the closing parenthesis): */
	size_t start2;
	char replacement2[TEXT_CAP];
	bool has_second;
	int line, stage, last;
};

/* Returns the end of the line starting at offset i (its '\n' or the end). */
static size_t line_end(const struct source *src, size_t i)
{
	const char *nl = strchr(src->text + i, '\n');
	return nl == NULL ? src->size : (size_t)(nl - src->text);
}

/* Returns true if the line [i, end) contains needle. */
static bool line_has(const struct source *src, size_t i, size_t end,
		     const char *needle)
{
	size_t n = strlen(needle);
	for (; i + n <= end; i++)
		if (memcmp(src->text + i, needle, n) == 0)
			return true;
	return false;
}

/* Returns the N of the first "after" in [i, end), or 0. */
static int number_after(const struct source *src, size_t i, size_t end,
			const char *after)
{
	size_t n = strlen(after);
	for (; i + n < end; i++)
		if (memcmp(src->text + i, after, n) == 0)
			return atoi(src->text + i + n);
	return 0;
}

/*
 * Reads the stages named by the //~ stub lines after the END line that ends
 * at offset i: the first and the last N of their "TODO(stage N", or 0.
 */
static void stages_from_stub(const struct source *src, size_t i, int *first,
			     int *last)
{
	*first = *last = 0;
	while (i < src->size) {
		i++; /* past the '\n' */
		size_t end = line_end(src, i), j = i;
		while (j < end && isspace((unsigned char)src->text[j]))
			j++;
		if (end - j < 3 || memcmp(src->text + j, "//~", 3) != 0)
			return;
		int stage = number_after(src, j, end, "TODO(stage ");
		if (stage > 0 && *first == 0)
			*first = stage;
		if (stage > *last)
			*last = stage;
		i = end;
	}
}

static const char *const PUNCTUATORS[] = {
	"<<=", ">>=", "...", "->", "++", "--", "<<", ">>",
	"<=",  ">=",  "==",  "!=", "&&", "||", "+=", "-=",
	"*=",  "/=",  "%=",  "&=", "|=", "^=", NULL,
};

/* Returns the length of the token starting at p (p is not a blank). */
static size_t token_length(const char *p)
{
	const char *q = p;
	if (isalnum((unsigned char)*q) || *q == '_') {
		while (isalnum((unsigned char)*q) || *q == '_' || *q == '.')
			q++;
		return (size_t)(q - p);
	}
	for (int k = 0; PUNCTUATORS[k] != NULL; k++) {
		size_t n = strlen(PUNCTUATORS[k]);
		if (strncmp(p, PUNCTUATORS[k], n) == 0)
			return n;
	}
	return 1;
}

/* Skips a string or character constant starting at text[i]; returns its end. */
static size_t skip_quoted(const char *text, size_t i, size_t end)
{
	char quote = text[i++];
	while (i < end && text[i] != quote)
		i += text[i] == '\\' ? 2 : 1;
	return i < end ? i + 1 : end;
}

/* Adds the tokens of the code line [i, end), skipping comments and strings. */
static void tokenize_line(struct source *src, size_t i, size_t end, int line,
			  int stage, bool *in_comment)
{
	while (i < end) {
		if (*in_comment) {
			if (src->text[i] == '*' && i + 1 < end &&
			    src->text[i + 1] == '/') {
				*in_comment = false;
				i++;
			}
			i++;
			continue;
		}
		char c = src->text[i];
		if (isspace((unsigned char)c)) {
			i++;
		} else if (c == '/' && i + 1 < end && src->text[i + 1] == '/') {
			return;
		} else if (c == '/' && i + 1 < end && src->text[i + 1] == '*') {
			*in_comment = true;
			i += 2;
		} else if (c == '"' || c == '\'') {
			i = skip_quoted(src->text, i, end);
		} else if (src->count < TOKEN_CAP) {
			size_t n = token_length(src->text + i);
			src->tokens[src->count++] = (struct token){
				.start = i,
				.length = n,
				.line = line,
				.stage = stage,
			};
			i += n;
		} else {
			return;
		}
	}
}

/* Collects the tokens of every solution region that has a stage. */
static void tokenize(struct source *src)
{
	bool in_region = false, in_comment = false;
	int line = 0, stage = 0, last = 0;
	size_t region_start = 0;
	for (size_t i = 0; i < src->size; i++) {
		size_t end = line_end(src, i);
		line++;
		if (line_has(src, i, end, "BEGIN SOLUTION")) {
			in_region = true;
			region_start = src->count;
			stage = number_after(src, i, end, "(stage ");
		} else if (line_has(src, i, end, "END SOLUTION")) {
			in_region = false;
			if (stage == 0)
				stages_from_stub(src, end, &stage, &last);
			else
				last = stage;
			if (stage == 0) {
				/* Not mutated: its stage is unknown. */
				fprintf(stderr,
					"mutate: %s:%d: warning: a solution "
					"region with no stage (no TODO(stage "
					"N) in its stub, no (stage N) tag) is "
					"left alone\n",
					src->name, line);
				src->count = region_start;
			}
			for (size_t k = region_start; k < src->count; k++) {
				src->tokens[k].stage = stage;
				src->tokens[k].last = last;
			}
		} else if (in_region) {
			size_t j = i;
			while (j < end && isspace((unsigned char)src->text[j]))
				j++;
			if (j < end && src->text[j] != '#')
				tokenize_line(src, j, end, line, stage,
					      &in_comment);
		}
		i = end;
	}
}

static bool token_is(const struct source *src, size_t k, const char *text)
{
	const struct token *t = &src->tokens[k];
	return t->length == strlen(text) &&
	       memcmp(src->text + t->start, text, t->length) == 0;
}

static bool is_name(const struct source *src, size_t k)
{
	char c = src->text[src->tokens[k].start];
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_number(const struct source *src, size_t k)
{
	return isdigit((unsigned char)src->text[src->tokens[k].start]);
}

/* True if tokens a and b read the same (swapping them changes nothing). */
static bool same_text(const struct source *src, size_t a, size_t b)
{
	return src->tokens[a].length == src->tokens[b].length &&
	       memcmp(src->text + src->tokens[a].start,
		      src->text + src->tokens[b].start,
		      src->tokens[a].length) == 0;
}

/* True if token k ends an operand, so that an operator after it is binary. */
static bool ends_operand(const struct source *src, size_t k)
{
	return (is_name(src, k) && !token_is(src, k, "return")) ||
	       is_number(src, k) || token_is(src, k, ")") ||
	       token_is(src, k, "]");
}

static struct mutant at_token(const struct source *src, size_t k,
			      const char *op, const char *replacement)
{
	struct mutant m = {
		.op = op,
		.start = src->tokens[k].start,
		.length = src->tokens[k].length,
		.line = src->tokens[k].line,
		.stage = src->tokens[k].stage,
		.last = src->tokens[k].last,
	};
	snprintf(m.replacement, sizeof m.replacement, "%s", replacement);
	return m;
}

/* Pairs of operators a slip turns into each other. */
static const char *const SWAPS[][3] = {
	{"<", "<=", "rel"},    {"<=", "<", "rel"},    {">", ">=", "rel"},
	{">=", ">", "rel"},    {"==", "!=", "rel"},   {"!=", "==", "rel"},
	{"&&", "||", "logic"}, {"||", "&&", "logic"}, {"<<", ">>", "arith"},
	{">>", "<<", "arith"}, {"++", "--", "arith"}, {"--", "++", "arith"},
	{"+=", "-=", "arith"}, {"-=", "+=", "arith"}, {"+", "-", "arith"},
	{"-", "+", "arith"},   {"&", "|", "arith"},   {"|", "&", "arith"},
};

/* Operators that need an operand before them to be binary. */
static bool needs_binary(const char *op)
{
	return strcmp(op, "+") == 0 || strcmp(op, "-") == 0 ||
	       strcmp(op, "&") == 0 || strcmp(op, "<") == 0 ||
	       strcmp(op, ">") == 0;
}

/* Returns the index of the ")" matching the "(" at token k, or 0. */
static size_t matching_paren(const struct source *src, size_t k)
{
	int depth = 0;
	for (size_t j = k; j < src->count; j++) {
		if (token_is(src, j, "("))
			depth++;
		else if (token_is(src, j, ")") && --depth == 0)
			return j;
	}
	return 0;
}

/*
 * Marks the tokens of every assert(...): an assertion states what the code
 * guarantees, and weakening or dropping one changes nothing a correct
 * program does, so its mutants would all be equivalent.
 */
static void mark_asserts(struct source *src)
{
	for (size_t k = 0; k + 1 < src->count; k++) {
		if (!token_is(src, k, "assert") || !token_is(src, k + 1, "("))
			continue;
		size_t close = matching_paren(src, k + 1);
		for (size_t j = k; j <= close && j < src->count; j++)
			src->tokens[j].in_assert = true;
	}
}

/* Returns the first token of the line holding token k. */
static size_t line_first(const struct source *src, size_t k)
{
	while (k > 0 && src->tokens[k - 1].line == src->tokens[k].line)
		k--;
	return k;
}

static bool is_last_on_line(const struct source *src, size_t k)
{
	return k + 1 == src->count ||
	       src->tokens[k + 1].line != src->tokens[k].line;
}

/* Tokens after which a name starts an expression statement. */
static const char *const ASSIGNING[] = {
	"(",  "=",  "->", ".",   "[",   "+=", "-=", "|=", "&=",
	"^=", "++", "--", "<<=", ">>=", "*=", "/=", "%=", NULL,
};

/* True if the line starting at token k is one whole expression statement. */
static bool is_expression_statement(const struct source *src, size_t k)
{
	if (!is_name(src, k) || k + 1 >= src->count ||
	    src->tokens[k + 1].line != src->tokens[k].line)
		return false;
	static const char *const keywords[] = {
		"return", "break",   "continue", "goto", "if",
		"while",  "for",     "do",       "else", "switch",
		"case",   "default", "sizeof",   NULL,
	};
	for (int i = 0; keywords[i] != NULL; i++)
		if (token_is(src, k, keywords[i]))
			return false;
	bool assigning = false;
	for (int i = 0; ASSIGNING[i] != NULL; i++)
		assigning = assigning || token_is(src, k + 1, ASSIGNING[i]);
	if (!assigning)
		return false;
	/* The statement must end on this line, with its parentheses closed. */
	int depth = 0;
	size_t j = k;
	for (; j < src->count && src->tokens[j].line == src->tokens[k].line;
	     j++) {
		depth += token_is(src, j, "(") - token_is(src, j, ")");
	}
	return depth == 0 && token_is(src, j - 1, ";") &&
	       (k == 0 || token_is(src, k - 1, ";") ||
		token_is(src, k - 1, "{") || token_is(src, k - 1, "}"));
}

/* True if token k names a type: a C type keyword, or a name ending "_t". */
static bool is_type(const struct source *src, size_t k)
{
	static const char *const types[] = {
		"int",  "char",   "short", "long",  "unsigned", "signed",
		"bool", "double", "float", "const", "struct",   NULL,
	};
	for (int i = 0; types[i] != NULL; i++)
		if (token_is(src, k, types[i]))
			return true;
	const struct token *t = &src->tokens[k];
	return is_name(src, k) && t->length > 2 &&
	       memcmp(src->text + t->start + t->length - 2, "_t", 2) == 0;
}

/*
 * True if the number at token k is the -1 that C functions return for an
 * error: -2 works the same for every caller that tests for a negative value,
 * and -0 matters only where a system call fails, which no test can make
 * happen, so both would only add noise.
 */
static bool is_error_value(const struct source *src, size_t k)
{
	return token_is(src, k, "1") && k > 0 && token_is(src, k - 1, "-") &&
	       (k == 1 || !ends_operand(src, k - 2));
}

/* True if the number at token k is the length in an array's declaration
 * ("int fds[2];"): a longer array works the same, a shorter one overflows,
 * which only a memory checker can see. */
static bool is_array_length(const struct source *src, size_t k)
{
	if (k < 3 || !token_is(src, k - 1, "[") || !is_name(src, k - 2) ||
	    k + 1 >= src->count || !token_is(src, k + 1, "]"))
		return false;
	/* "int go[2]", or "back[2]" after a comma in such a declaration */
	return is_name(src, k - 3) ||
	       (token_is(src, k - 3, ",") && is_type(src, line_first(src, k)));
}

/*
 * Calls emit for every mutant of token k, in a fixed order. Returns the
 * number emitted.
 */
static int mutants_at(const struct source *src, size_t k,
		      void (*emit)(const struct source *, struct mutant *,
				   void *),
		      void *arg)
{
	int n = 0;
	struct mutant m;
	if (src->tokens[k].in_assert)
		return 0;
	for (size_t i = 0; i < sizeof SWAPS / sizeof SWAPS[0]; i++) {
		if (!token_is(src, k, SWAPS[i][0]))
			continue;
		if (needs_binary(SWAPS[i][0]) &&
		    (k == 0 || !ends_operand(src, k - 1)))
			continue;
		m = at_token(src, k, SWAPS[i][2], SWAPS[i][1]);
		emit(src, &m, arg), n++;
	}
	if ((token_is(src, k, "if") || token_is(src, k, "while")) &&
	    k + 1 < src->count && token_is(src, k + 1, "(")) {
		size_t close = matching_paren(src, k + 1);
		if (close > 0) {
			m = at_token(src, k + 1, "negate", "(!(");
			m.has_second = true;
			m.start2 = src->tokens[close].start;
			snprintf(m.replacement2, sizeof m.replacement2, "))");
			emit(src, &m, arg), n++;
		}
	}
	if (is_number(src, k) && !is_error_value(src, k) &&
	    !is_array_length(src, k)) {
		char *end;
		const char *text = src->text + src->tokens[k].start;
		unsigned long long value = strtoull(text, &end, 0);
		if (end == text + src->tokens[k].length) {
			char repl[TEXT_CAP];
			snprintf(repl, sizeof repl, "%llu", value + 1);
			m = at_token(src, k, "const", repl);
			emit(src, &m, arg), n++;
			if (value > 0) {
				snprintf(repl, sizeof repl, "%llu", value - 1);
				m = at_token(src, k, "const", repl);
				emit(src, &m, arg), n++;
			}
		}
	}
	if (line_first(src, k) == k && is_expression_statement(src, k)) {
		size_t last = k;
		while (!is_last_on_line(src, last))
			last++;
		m = at_token(src, k, "delete", ";");
		m.length = src->tokens[last].start + 1 - m.start;
		emit(src, &m, arg), n++;
	}
	if (is_name(src, k) && k + 4 < src->count &&
	    token_is(src, k + 1, "(") && is_name(src, k + 2) &&
	    token_is(src, k + 3, ",") && is_name(src, k + 4) &&
	    !same_text(src, k + 2, k + 4) &&
	    (token_is(src, k + 5, ",") || token_is(src, k + 5, ")"))) {
		char repl[3 * TEXT_CAP];
		int len = snprintf(repl, sizeof repl, "%.*s, %.*s",
				   (int)src->tokens[k + 4].length,
				   src->text + src->tokens[k + 4].start,
				   (int)src->tokens[k + 2].length,
				   src->text + src->tokens[k + 2].start);
		if (len > 0 && len < TEXT_CAP) {
			m = at_token(src, k + 2, "swap", repl);
			m.length = src->tokens[k + 4].start +
				   src->tokens[k + 4].length - m.start;
			emit(src, &m, arg), n++;
		}
	}
	return n;
}

/* FNV-1a, 64 bits, continued from h over n bytes of p. */
static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Returns the file name without its folders. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash == NULL ? path : slash + 1;
}

/*
 * The mutant's ID: a hash of the file's name, the operator, the text of its
 * line and the text it puts there, and then of how many mutants before it in
 * the file had the same hash (which tells apart two "<" on one line, and two
 * lines that read the same).
 */
static uint64_t line_hash(const struct source *src, const struct mutant *m)
{
	size_t begin = m->start;
	while (begin > 0 && src->text[begin - 1] != '\n')
		begin--;
	size_t end = line_end(src, m->start);
	const char *name = base_name(src->name);
	uint64_t h = fnv1a(0xcbf29ce484222325ULL, name, strlen(name));
	h = fnv1a(h, m->op, strlen(m->op));
	h = fnv1a(h, src->text + begin, end - begin);
	return fnv1a(h, m->replacement, strlen(m->replacement));
}

/* What the enumeration is doing: listing, or looking for one ID. */
struct walk {
	uint64_t wanted; /* 0 when listing */
	struct mutant found;
	bool seen;
	uint64_t hashes[TOKEN_CAP]; /* line_hash of the mutants so far */
	size_t count;
};

/* Returns m's ID, given the mutants of its file that came before it. */
static uint64_t mutant_id(const struct source *src, const struct mutant *m,
			  struct walk *w)
{
	uint64_t h = line_hash(src, m);
	int occurrence = 0;
	for (size_t i = 0; i < w->count; i++)
		occurrence += w->hashes[i] == h;
	if (w->count < TOKEN_CAP)
		w->hashes[w->count++] = h;
	return fnv1a(h, &occurrence, sizeof occurrence);
}

static void emit(const struct source *src, struct mutant *m, void *arg)
{
	struct walk *w = arg;
	uint64_t id = mutant_id(src, m, w);
	if (w->wanted == 0) {
		printf("%016" PRIx64
		       "\t%d\t%d\t%d\t%s\t%s:%d: '%.*s' -> '%s'\n",
		       id, m->stage, m->last, m->line, m->op,
		       base_name(src->name), m->line,
		       (int)(m->length > 40 ? 40 : m->length),
		       src->text + m->start, m->replacement);
	} else if (id == w->wanted) {
		w->found = *m;
		w->seen = true;
	}
}

/* Writes the file with mutant m applied to stdout. */
static void write_mutant(const struct source *src, const struct mutant *m)
{
	fwrite(src->text, 1, m->start, stdout);
	fputs(m->replacement, stdout);
	size_t rest = m->start + m->length;
	if (m->has_second) {
		fwrite(src->text + rest, 1, m->start2 - rest, stdout);
		fputs(m->replacement2, stdout);
		rest = m->start2 + 1;
	}
	fwrite(src->text + rest, 1, src->size - rest, stdout);
}

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: mutate FILE [ID]\n");
		return 2;
	}
	static struct source src;
	static struct walk walk;
	src.name = argv[1];
	src.text = read_all("mutate", argv[1], &src.size);
	if (src.text == NULL)
		return 1;
	tokenize(&src);
	mark_asserts(&src);
	if (argc == 3) {
		char *end;
		walk.wanted = strtoull(argv[2], &end, 16);
		if (*end != '\0' || walk.wanted == 0) {
			fprintf(stderr, "mutate: '%s' is not a mutant ID\n",
				argv[2]);
			return 2;
		}
	}
	for (size_t k = 0; k < src.count; k++)
		mutants_at(&src, k, emit, &walk);
	if (argc == 3) {
		if (!walk.seen) {
			fprintf(stderr, "mutate: %s has no mutant %s\n",
				argv[1], argv[2]);
			return 1;
		}
		write_mutant(&src, &walk.found);
	}
	free(src.text);
	return 0;
}
