/*
 * helpers.h: what the practice tests share: capturing a problem's text,
 * and running a program to read its output.
 */
#ifndef HELPERS_H
#define HELPERS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The programs the tests run, from practice/ (where make check runs). */
#define PRACTICE "./practice"
#define VMSIM    "../solutions/pagetable/vmsim"

/* A kind's run function, as main.c calls it. */
typedef int run_fn(FILE *out, uint64_t seed, bool answers);

char *capture(run_fn *run, uint64_t seed, bool answers);
char *command_output(const char *command, int *status);
void check_deterministic(run_fn *run);
void check_seeds_differ(run_fn *run);

#endif
