/*
 * What each function does when a call it makes fails, or when the calls it
 * makes to clean up change errno: it reports the error as its header says
 * and leaves nothing behind. One suite per stage: maps_errors (stage 3),
 * pagemap_errors (4), lazy_errors (6); fork_errors (1) and cow_errors (5)
 * are in test_fork.c. fault.h makes the calls fail.
 */
#include "experiment.h"
#include "fault.h"
#include "harness.h"
#include "probe.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

TestSuite(maps_errors, .fini = harness_test_finished);
TestSuite(pagemap_errors, .fini = harness_test_finished);
TestSuite(lazy_errors, .fini = harness_test_finished);

/* An address in the kernel's half of the address space (the vsyscall
 * page): /proc/self/pagemap has no entry for it. */
static const void *const KERNEL_ADDRESS = (const void *)0xffffffffff600000;

static int maps_errors_global = 1;

/* ---- stage 3: maps_find_region --------------------------------------- */

Test(maps_errors, find_closes_maps)
{
	struct region r;
	int fds = fault_open_fds();
	cr_assert_eq(maps_find_region(&maps_errors_global, &r), 0);
	cr_assert_eq(fault_open_fds(), fds,
		     "maps_find_region left /proc/self/maps open (fclose it)");
	cr_assert_eq(maps_find_region(NULL, &r), -1);
	cr_assert_eq(fault_open_fds(), fds,
		     "maps_find_region left /proc/self/maps open when no "
		     "region held the address");
}

Test(maps_errors, find_unmapped_keeps_enoent)
{
	/* A closing call that succeeds may still change errno. */
	fault_clobber_errno();
	struct region r;
	errno = 0;
	cr_assert_eq(maps_find_region(NULL, &r), -1, "address 0 is unmapped");
	cr_assert_eq(errno, ENOENT,
		     "errno is %s, not ENOENT: fclose changed it after it "
		     "was set (save errno and set it again after fclose)",
		     strerror(errno));
}

Test(maps_errors, find_unparseable_line)
{
	fault_fake_maps("00400000-00401000 r-xp 00000000 00:00 0 /bin/x\n"
			"this line is no region\n"
			"00500000-00501000 rw-p 00000000 00:00 0 [heap]\n");
	fault_clobber_errno();
	struct region r = {.start = 1};
	errno = 0;
	cr_assert_eq(maps_find_region((const void *)0x500010, &r), -1,
		     "a line of /proc/self/maps could not be parsed, yet "
		     "maps_find_region succeeded");
	cr_assert_eq(errno, EINVAL,
		     "errno is %s, not EINVAL, for a line that could not be "
		     "parsed (and fclose may change errno: save it)",
		     strerror(errno));
	cr_assert_eq(maps_find_region((const void *)0x400010, &r), 0,
		     "the region before the bad line is found");
	cr_assert_eq(r.start, 0x400000);
}

Test(maps_errors, find_fopen_fails)
{
	fault_inject(FAULT_FOPEN, 1, FAULT_HERE, EMFILE);
	struct region r;
	errno = 0;
	cr_assert_eq(maps_find_region(&maps_errors_global, &r), -1,
		     "/proc/self/maps could not be opened%s", fault_missed());
	cr_assert_eq(errno, EMFILE, "errno is fopen's: %s", strerror(errno));
}

/* ---- stage 4: pagemap_read ------------------------------------------- */

Test(pagemap_errors, read_bad_descriptor)
{
	uint64_t raw = 0;
	errno = 0;
	cr_assert_eq(pagemap_read(-1, &raw, &raw), -1, "a bad fd is an error");
	cr_assert_eq(errno, EBADF,
		     "errno is %s, not pread's EBADF: set EINVAL only for a "
		     "short read",
		     strerror(errno));
}

Test(pagemap_errors, read_past_user_space)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	cr_assert_geq(fd, 0);
	uint64_t raw = 0;
	errno = 0;
	int rc = pagemap_read(fd, KERNEL_ADDRESS, &raw);
	close(fd);
	cr_assert_eq(rc, -1,
		     "pagemap has no entry for a kernel address: pread "
		     "reads 0 bytes, and that is an error");
	cr_assert_eq(errno, EINVAL, "a short read sets errno to EINVAL, not %s",
		     strerror(errno));
}

/* ---- stage 6: pagemap_count_present, lazy_touch ----------------------- */

Test(lazy_errors, count_closes_pagemap)
{
	size_t page = probe_page_size(), count = 0;
	unsigned char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p, MAP_FAILED);
	p[0] = 1;
	int fds = fault_open_fds();
	cr_assert_eq(pagemap_count_present(p, 2, &count), 0);
	cr_assert_eq(count, 1);
	cr_assert_eq(fault_open_fds(), fds,
		     "pagemap_count_present left /proc/self/pagemap open");
	cr_assert_not(fault_pagemap_inheritable(),
		      "open /proc/self/pagemap with O_CLOEXEC, as probe.h "
		      "says");
	errno = 0;
	cr_assert_eq(pagemap_count_present(KERNEL_ADDRESS, 1, &count), -1);
	cr_assert_eq(fault_open_fds(), fds,
		     "pagemap_count_present left /proc/self/pagemap open "
		     "after a failed read");
	munmap(p, 2 * page);
}

Test(lazy_errors, count_keeps_read_errno)
{
	size_t count = 0;
	fault_clobber_errno();
	errno = 0;
	cr_assert_eq(pagemap_count_present(KERNEL_ADDRESS, 1, &count), -1,
		     "a kernel address has no pagemap entry");
	cr_assert_eq(errno, EINVAL,
		     "errno is %s, not pagemap_read's EINVAL: close changed "
		     "it (save errno, set it again after close)",
		     strerror(errno));
}

Test(lazy_errors, count_open_fails)
{
	size_t count = 0;
	int local = 0;
	fault_inject(FAULT_OPEN, 1, FAULT_HERE, EMFILE);
	errno = 0;
	cr_assert_eq(pagemap_count_present(&local, 1, &count), -1,
		     "/proc/self/pagemap could not be opened%s",
		     fault_missed());
	cr_assert_eq(errno, EMFILE, "errno is open's: %s", strerror(errno));
}

Test(lazy_errors, count_with_stdin_closed)
{
	/* A program may run with standard input closed: then open returns 0,
	 * a good descriptor. */
	size_t count = 99;
	int local = 1;
	int saved = dup(STDIN_FILENO);
	cr_assert_geq(saved, 0);
	close(STDIN_FILENO);
	int rc = pagemap_count_present(&local, 1, &count);
	dup2(saved, STDIN_FILENO);
	close(saved);
	cr_assert_eq(rc, 0,
		     "pagemap_count_present failed when open returned "
		     "descriptor 0: only -1 is an error");
	cr_assert_eq(count, 1);
}

Test(lazy_errors, touch_unmaps)
{
	struct lazy_report r;
	fault_track_mappings();
	int fds = fault_open_fds();
	cr_assert_eq(lazy_touch(64 * probe_page_size(), 8, ACCESS_WRITE, &r),
		     0);
	cr_assert_not(fault_mapping_left(),
		      "lazy_touch left its mapping mapped (munmap it)");
	cr_assert_eq(fault_open_fds(), fds, "lazy_touch left a file open");
}

Test(lazy_errors, touch_pagemap_fails)
{
	struct lazy_report r;
	for (int nth = 1; nth <= 4; nth++) {
		fault_reset();
		fault_track_mappings();
		fault_inject(FAULT_OPEN, nth, FAULT_HERE, EMFILE);
		int fds = fault_open_fds();
		errno = 0;
		cr_assert_eq(
			lazy_touch(64 * probe_page_size(), 8, ACCESS_READ, &r),
			-1,
			"open number %d of /proc/self/pagemap failed, "
			"yet lazy_touch succeeded%s",
			nth, fault_missed());
		cr_assert_eq(errno, EMFILE, "errno is open's, not %s",
			     strerror(errno));
		cr_assert_not(fault_mapping_left(),
			      "lazy_touch failed and left its mapping mapped");
		cr_assert_eq(fault_open_fds(), fds,
			     "lazy_touch failed and left a file open");
	}
}

Test(lazy_errors, touch_mmap_fails)
{
	struct lazy_report r;
	fault_inject(FAULT_MMAP, 1, FAULT_HERE, ENOMEM);
	errno = 0;
	cr_assert_eq(lazy_touch(64 * probe_page_size(), 8, ACCESS_READ, &r), -1,
		     "mmap failed, yet lazy_touch succeeded%s", fault_missed());
	cr_assert_eq(errno, ENOMEM, "errno is mmap's, not %s", strerror(errno));
}
