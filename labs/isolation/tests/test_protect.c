/*
 * Stage 7: forbidden accesses raise SIGSEGV, with si_addr and si_code.
 */
#include "experiment.h"
#include "harness.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

TestSuite(protect, .fini = harness_test_finished);

enum { OFFSET = 123 };

/* Maps one page with prot, filled with 0x5a. */
static unsigned char *page_with(int prot)
{
	size_t page = probe_page_size();
	unsigned char *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p, MAP_FAILED);
	memset(p, 0x5a, page);
	cr_assert_eq(mprotect(p, page, prot), 0);
	return p;
}

static struct fault_report probe_ok(void *addr, enum probe_access access)
{
	struct fault_report r;
	cr_assert_eq(fault_probe(addr, access, &r), 0, "fault_probe failed");
	return r;
}

Test(protect, writable_page_no_fault)
{
	unsigned char *p = page_with(PROT_READ | PROT_WRITE);
	cr_assert_not(probe_ok(p + OFFSET, ACCESS_WRITE).faulted,
		      "a writable page takes a write");
	cr_assert_eq(p[OFFSET], 0x5a, "the probe leaves the byte unchanged");
	munmap(p, probe_page_size());
}

Test(protect, read_only_read_no_fault)
{
	unsigned char *p = page_with(PROT_READ);
	cr_assert_not(probe_ok(p + OFFSET, ACCESS_READ).faulted,
		      "a read-only page can be read");
	munmap(p, probe_page_size());
}

Test(protect, read_only_write_accerr)
{
	unsigned char *p = page_with(PROT_READ);
	struct fault_report r = probe_ok(p + OFFSET, ACCESS_WRITE);
	cr_assert(r.faulted, "writing a read-only page raises SIGSEGV");
	cr_assert_eq(r.addr, (uintptr_t)(p + OFFSET),
		     "si_addr is the byte the write touched");
	cr_assert_eq(r.code, SEGV_ACCERR, "mapped, but not writable");
	cr_assert_eq(p[OFFSET], 0x5a, "the write did not happen");
	munmap(p, probe_page_size());
}

Test(protect, no_access_read_accerr)
{
	unsigned char *p = page_with(PROT_NONE);
	struct fault_report r = probe_ok(p + OFFSET, ACCESS_READ);
	cr_assert(r.faulted, "a PROT_NONE page cannot even be read");
	cr_assert_eq(r.code, SEGV_ACCERR);
	munmap(p, probe_page_size());
}

Test(protect, unmapped_maperr)
{
	unsigned char *p = page_with(PROT_READ);
	munmap(p, probe_page_size());
	struct fault_report r = probe_ok(p + OFFSET, ACCESS_READ);
	cr_assert(r.faulted, "an unmapped address raises SIGSEGV");
	cr_assert_eq(r.addr, (uintptr_t)(p + OFFSET));
	cr_assert_eq(r.code, SEGV_MAPERR, "no mapping at all");
}

Test(protect, faults_again_and_again)
{
	/* Each probe must leave SIGSEGV unblocked (sigsetjmp's savemask). */
	unsigned char *p = page_with(PROT_READ);
	for (int i = 0; i < 3; i++) {
		struct fault_report r = probe_ok(p + i, ACCESS_WRITE);
		cr_assert(r.faulted, "fault %d was not caught", i + 1);
		cr_assert_eq(r.addr, (uintptr_t)(p + i));
	}
	munmap(p, probe_page_size());
}

static void other_handler(int sig)
{
	(void)sig;
}

Test(protect, old_handler_restored)
{
	struct sigaction mine = {.sa_handler = other_handler}, now;
	sigemptyset(&mine.sa_mask);
	cr_assert_eq(sigaction(SIGSEGV, &mine, NULL), 0);
	unsigned char *p = page_with(PROT_READ);
	cr_assert(probe_ok(p, ACCESS_WRITE).faulted);
	cr_assert_eq(sigaction(SIGSEGV, NULL, &now), 0);
	cr_assert_eq(now.sa_handler, other_handler,
		     "fault_probe must restore the handler it found");
	munmap(p, probe_page_size());
}
