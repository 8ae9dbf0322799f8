/*
 * harness.h: how a lab's Criterion tests report to the grader.
 *
 * Every test file declares its suites with the harness's fini function:
 *
 *     TestSuite(pagemap, .fini = harness_test_finished);
 *
 * The grader believes two things, from two places:
 *
 *   - Criterion's verdict on each test, written by the runner (the main
 *     process of run-tests, which starts one process per test and runs no
 *     test code itself) on descriptor 3 (when GRADER_RESULTS_FD says 3),
 *     which only the runner holds: the test processes never get it, and
 *     the runner cannot be traced or have its descriptors opened through
 *     /proc (it makes itself non-dumpable).
 *   - That the test body returned: Criterion counts a test whose process
 *     exits with status 0 as passed even if it called exit(0) half way, so
 *     the fini, which runs only after the body returns, sends the grader
 *     "end SUITE/TEST TOKEN" through the FIFO named by GRADER_ENDS. TOKEN
 *     is keyed with a secret the runner made and told only the grader
 *     (token.h), which the harness removes from the environment and from
 *     the process's memory image before any test code runs.
 *
 * Without the grader (a student running ./run-tests by hand) the harness
 * stays silent and Criterion's own summary is all there is.
 */
#ifndef HARNESS_H
#define HARNESS_H

/* Criterion fini hook: proves "this test reached its end". */
void harness_test_finished(void);

#endif
