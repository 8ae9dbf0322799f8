/*
 * text.c: printing helpers. Every number a problem prints is computed with
 * integers, so that the same seed prints the same digits on every machine;
 * decimals are integers counted in hundredths or tenths.
 */
#include "text.h"

#include <stdarg.h>
#include <string.h>

enum { THOUSAND = 1000 };

/* Prints a problem's title and the command that prints it again. */
void text_title(FILE *out, const char *title, const char *kind, uint64_t seed)
{
	fprintf(out, "%s (practice %s --seed %llu)\n\n", title, kind,
		(unsigned long long)seed);
}

/* Prints the heading that separates the problem from its answers. */
void text_answers(FILE *out)
{
	fprintf(out, "\nAnswers\n-------\n\n");
}

/* Prints n with commas between groups of three digits: 8,000,000. */
void text_count(FILE *out, uint64_t n)
{
	if (n < THOUSAND) {
		fprintf(out, "%llu", (unsigned long long)n);
		return;
	}
	text_count(out, n / THOUSAND);
	fprintf(out, ",%03llu", (unsigned long long)(n % THOUSAND));
}

/* Prints a number given in hundredths with two decimals: 10900 is 109.00. */
void text_hundredths(FILE *out, uint64_t hundredths)
{
	text_count(out, hundredths / 100);
	fprintf(out, ".%02llu", (unsigned long long)(hundredths % 100));
}

/* Prints part/whole as a percentage with one decimal, rounded to nearest:
 * 5 of 14 is 35.7%. whole must not be 0. */
void text_percent(FILE *out, uint64_t part, uint64_t whole)
{
	uint64_t tenths = (part * 1000 + whole / 2) / whole;
	fprintf(out, "%llu.%llu%%", (unsigned long long)(tenths / 10),
		(unsigned long long)(tenths % 10));
}

/* Prints the low `bits` bits of value in binary, the highest first. */
void text_binary(FILE *out, uint64_t value, unsigned bits)
{
	for (unsigned i = bits; i-- > 0;)
		fputc((value >> i & 1) != 0 ? '1' : '0', out);
}

/* Returns how many hex digits a number of `bits` bits needs (at least 1). */
unsigned text_hex_digits(unsigned bits)
{
	return bits == 0 ? 1 : (bits + 3) / 4;
}

/* Appends printf-style text to the string line, which has room for size
 * bytes; text that does not fit is cut off. */
void text_append(char *line, size_t size, const char *format, ...)
{
	size_t len = strlen(line);
	va_list args;
	va_start(args, format);
	vsnprintf(line + len, size - len, format, args);
	va_end(args);
}

/* Prints line and a newline, without the blanks at its end (it trims them
 * off line itself). */
void text_line(FILE *out, char *line)
{
	size_t len = strlen(line);
	while (len > 0 && line[len - 1] == ' ')
		line[--len] = '\0';
	fprintf(out, "%s\n", line);
}
