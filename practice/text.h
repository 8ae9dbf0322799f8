/*
 * text.h: printing shared by every kind of problem: the title, the
 * answers' heading, and exact decimals without floating point.
 */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void text_title(FILE *out, const char *title, const char *kind, uint64_t seed);
void text_answers(FILE *out);
void text_count(FILE *out, uint64_t n);
void text_hundredths(FILE *out, uint64_t hundredths);
void text_percent(FILE *out, uint64_t part, uint64_t whole);
void text_binary(FILE *out, uint64_t value, unsigned bits);
unsigned text_hex_digits(unsigned bits);
void text_append(char *line, size_t size, const char *format, ...);
void text_line(FILE *out, char *line);

#endif
