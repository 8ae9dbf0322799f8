/*
 * mtrace-shim.so: makes any program log its malloc calls with mtrace(3).
 *
 * Since glibc 2.34, mtrace lives in libc_malloc_debug.so, and it records
 * only in a program that calls mtrace() itself. Preloaded together with that
 * library, this shim calls it for the program, before main:
 *
 *     MALLOC_TRACE=/tmp/ls.mtrace \
 *     LD_PRELOAD="/usr/lib/x86_64-linux-gnu/libc_malloc_debug.so.0 $PWD/traces/mtrace-shim.so" \
 *     ls -l /usr/bin
 *
 * record.sh does this for every recorded trace.
 */
#include <mcheck.h>

__attribute__((constructor)) static void start_tracing(void)
{
	mtrace();
}
