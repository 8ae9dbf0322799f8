/*
 * proof.h: a lab program's signed word that it did its job.
 *
 * A `run` or `valgrind` row of a rubric runs a program of the lab (mdriver,
 * vmsim, isolation-demo...) built with the student's code. Its exit status
 * proves nothing: the student's code could call exit(0) before any work is
 * done. So each such program calls harness_proof_begin() first thing in
 * main, and harness_proof_done() when it has done its job and checked the
 * result; the latter sends the grader
 *
 *     proof PROGRAM FIGURES... TOKEN
 *
 * on the descriptor GRADER_PROOF_FD, where TOKEN is the SipHash-2-4 tag
 * (token.h) of "PROGRAM FIGURES..." under the key the grader put in
 * GRADER_PROOF_KEY for this run only. harness_proof_begin() takes the key
 * and wipes it from the environment before the program runs any code of
 * the student's. Without the grader (the variables unset), both do
 * nothing, so the programs run by hand as before.
 */
#ifndef PROOF_H
#define PROOF_H

/* Takes the proof key from the environment and wipes it there. */
void harness_proof_begin(void);

/*
 * Sends the grader the proof that program did its job, with figures (a
 * printf format and its arguments: words such as "traces=12 util=0.81")
 * that the grader shows.
 */
void harness_proof_done(const char *program, const char *figures, ...)
	__attribute__((format(printf, 2, 3)));

#endif
