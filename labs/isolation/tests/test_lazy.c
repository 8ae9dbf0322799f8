/*
 * Stage 6: a mapping gets frames lazily, one minor fault per page touched.
 */
#include "experiment.h"
#include "fault.h"
#include "harness.h"
#include "support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

TestSuite(lazy, .fini = harness_test_finished);

enum {
	MAP_BYTES = 64 * 1024 * 1024,
	TOUCHED = 1000,
	FAULT_SLACK = 20, /* faults the test's own code may take */
};

/*
 * Under AddressSanitizer (make asan) every access also reads the shadow
 * byte that covers its 8 bytes: touching N pages touches up to N / 8 fresh
 * shadow pages too, at a fault each.
 */
#ifdef __SANITIZE_ADDRESS__
enum { SHADOW_FAULTS = TOUCHED / 8 };
#else
enum { SHADOW_FAULTS = 0 };
#endif

static struct lazy_report touch_ok(enum probe_access access)
{
	struct lazy_report r;
	cr_assert_eq(lazy_touch(MAP_BYTES, TOUCHED, access, &r), 0,
		     "lazy_touch failed: %s", strerror(errno));
	cr_assert_eq(r.pages_mapped, MAP_BYTES / probe_page_size());
	cr_assert_eq(r.pages_touched, TOUCHED);
	return r;
}

Test(lazy, count_present)
{
	size_t page = probe_page_size();
	unsigned char *p = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p, MAP_FAILED);
	p[1 * page] = p[3 * page] = p[6 * page] = 1;
	size_t count = 99;
	cr_assert_eq(pagemap_count_present(p, 8, &count), 0);
	cr_assert_eq(count, 3, "three of eight pages were touched");
	cr_assert_eq(pagemap_count_present(p + 4 * page, 4, &count), 0);
	cr_assert_eq(count, 1, "one of the last four pages was touched");
	munmap(p, 8 * page);
}

Test(lazy, fresh_mapping_not_resident)
{
	struct lazy_report r = touch_ok(ACCESS_WRITE);
	cr_assert_eq(r.resident_before, 0, "mmap gives no frames at first");
}

Test(lazy, write_one_fault_per_page)
{
	struct lazy_report r = touch_ok(ACCESS_WRITE);
	cr_assert_eq(r.resident_after - r.resident_before, TOUCHED,
		     "each written page is now resident");
	cr_assert(r.minor_faults >= TOUCHED &&
			  r.minor_faults <=
				  TOUCHED + SHADOW_FAULTS + FAULT_SLACK,
		  "expected one minor fault per page (%d), got %ld", TOUCHED,
		  r.minor_faults);
}

Test(lazy, read_one_fault_per_page)
{
	struct lazy_report r = touch_ok(ACCESS_READ);
	cr_assert_eq(r.resident_after - r.resident_before, TOUCHED,
		     "a read maps a page too (the zero page)");
	cr_assert(r.minor_faults >= TOUCHED &&
			  r.minor_faults <=
				  TOUCHED + SHADOW_FAULTS + FAULT_SLACK,
		  "expected one minor fault per page (%d), got %ld", TOUCHED,
		  r.minor_faults);
}

Test(lazy, read_maps_zero_page)
{
	if (!support_frames_visible())
		cr_skip_test("frame numbers read as 0 without CAP_SYS_ADMIN");
	struct lazy_report r = touch_ok(ACCESS_READ);
	cr_assert_neq(r.first_frame, 0);
	cr_assert_eq(r.first_frame, r.last_frame,
		     "pages only read share one frame: the zero page");
	r = touch_ok(ACCESS_WRITE);
	cr_assert_neq(r.first_frame, r.last_frame,
		      "pages written get frames of their own");
}

Test(lazy, bad_sizes_rejected)
{
	struct lazy_report r;
	/* A valid call succeeds (a stub that always fails must not pass). */
	cr_assert_eq(lazy_touch(probe_page_size(), 1, ACCESS_READ, &r), 0);
	errno = 0;
	cr_assert_eq(lazy_touch(MAP_BYTES, 0, ACCESS_READ, &r), -1);
	cr_assert_eq(errno, EINVAL, "touching no page is an error");
	errno = 0;
	cr_assert_eq(lazy_touch(probe_page_size(), 2, ACCESS_READ, &r), -1);
	cr_assert_eq(errno, EINVAL, "more pages than the mapping holds");
}

Test(lazy, first_and_last_frames)
{
	/* Without CAP_SYS_ADMIN frames read as 0; fault.h shows fake ones,
	 * page n's frame being FAULT_FAKE_FRAME_BASE + n. */
	fault_fake_frames();
	for (int i = 0; i < 2; i++) {
		enum probe_access access = i == 0 ? ACCESS_WRITE : ACCESS_READ;
		struct lazy_report r = touch_ok(access);
		cr_assert_geq(r.first_frame, FAULT_FAKE_FRAME_BASE,
			      "first_frame is not the frame of the first "
			      "touched page");
		cr_assert_eq(r.last_frame - r.first_frame, TOUCHED - 1,
			     "last_frame must be the frame of the last touched "
			     "page (page %d of the mapping)",
			     TOUCHED - 1);
	}
}

Test(lazy, write_writes_read_reads)
{
	/* Just before lazy_touch unmaps its mapping, fault.h looks at the
	 * first page: written, it has a frame of its own (exclusive); only
	 * read, it maps the zero page that every process shares. */
	fault_watch_unmaps();
	touch_ok(ACCESS_WRITE);
	uint64_t entry = fault_unmapped_entry;
	cr_assert(entry >> 63 & 1, "the first page was not touched");
	cr_assert(entry >> 56 & 1,
		  "ACCESS_WRITE must write each page, not only read it");
	fault_watch_unmaps();
	touch_ok(ACCESS_READ);
	entry = fault_unmapped_entry;
	cr_assert(entry >> 63 & 1, "the first page was not touched");
	cr_assert_not(entry >> 56 & 1,
		      "ACCESS_READ must only read each page, not write it");
}
