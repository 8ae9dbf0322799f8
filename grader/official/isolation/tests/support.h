/*
 * support.h: what several of the lab's test files need, written once.
 * These helpers read /proc themselves and never call the student's code,
 * so a test's decision to skip does not depend on the code it tests.
 */
#ifndef SUPPORT_H
#define SUPPORT_H

#include <stdbool.h>

/* True if this process is shown frame numbers in /proc/self/pagemap
 * (it has CAP_SYS_ADMIN); without that privilege they read as 0. */
bool support_frames_visible(void);

#endif
