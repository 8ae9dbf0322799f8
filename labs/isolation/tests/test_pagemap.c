/*
 * Stage 4: decoding /proc/self/pagemap entries and reading the right one.
 */
#include "harness.h"
#include "support.h"
#include "probe.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

TestSuite(pagemap, .fini = harness_test_finished);

static const uint64_t PRESENT = UINT64_C(1) << 63;
static const uint64_t SWAPPED = UINT64_C(1) << 62;
static const uint64_t FILE_OR_SHARED = UINT64_C(1) << 61;
static const uint64_t EXCLUSIVE = UINT64_C(1) << 56;
static const uint64_t SOFT_DIRTY = UINT64_C(1) << 55;
static const uint64_t FRAME_MASK = (UINT64_C(1) << 55) - 1;

/* Maps `pages` fresh anonymous private pages; fails the test if it cannot. */
static unsigned char *map_pages(size_t pages)
{
	unsigned char *p =
		mmap(NULL, pages * probe_page_size(), PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p, MAP_FAILED, "mmap failed");
	return p;
}

/* Reads a raw entry without the code under test. */
static uint64_t raw_entry(const void *addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	cr_assert_geq(fd, 0, "cannot open /proc/self/pagemap");
	uint64_t raw = 0;
	off_t off = (off_t)((uintptr_t)addr / (uintptr_t)getpagesize()) * 8;
	cr_assert_eq(pread(fd, &raw, sizeof raw, off), (ssize_t)sizeof raw);
	close(fd);
	return raw;
}

Test(pagemap, decode_present_with_frame)
{
	struct pagemap_entry e = pagemap_decode(PRESENT | 0x1234);
	cr_assert(e.present, "bit 63 is set: the page is present");
	cr_assert_not(e.swapped || e.file_or_shared || e.exclusive ||
			      e.soft_dirty,
		      "only bit 63 and frame bits are set");
	cr_assert_eq(e.frame, 0x1234, "frame is bits 0-54, got %#llx",
		     (unsigned long long)e.frame);
	cr_assert_eq(e.raw, PRESENT | 0x1234, "raw keeps the 64 bits");
}

Test(pagemap, decode_each_flag)
{
	cr_assert(pagemap_decode(SWAPPED).swapped, "bit 62 is swapped");
	cr_assert(pagemap_decode(FILE_OR_SHARED).file_or_shared,
		  "bit 61 is file page / shared anonymous");
	cr_assert(pagemap_decode(EXCLUSIVE).exclusive,
		  "bit 56 is exclusively mapped");
	cr_assert(pagemap_decode(SOFT_DIRTY).soft_dirty,
		  "bit 55 is soft-dirty");
	cr_assert_not(pagemap_decode(SWAPPED).present, "bit 63 is present");
	cr_assert_not(pagemap_decode(EXCLUSIVE).file_or_shared);
	cr_assert_not(pagemap_decode(FILE_OR_SHARED).exclusive);
}

Test(pagemap, decode_frame_bits)
{
	uint64_t all = ~UINT64_C(0);
	struct pagemap_entry e = pagemap_decode(all);
	cr_assert(e.present && e.swapped && e.file_or_shared && e.exclusive &&
			  e.soft_dirty,
		  "every flag is set in an all-ones entry");
	cr_assert_eq(e.frame, FRAME_MASK,
		     "the frame is exactly bits 0-54 (soft-dirty is bit 55)");
}

Test(pagemap, decode_absent_has_no_frame)
{
	/* A swapped page's low bits hold its swap type and offset. */
	struct pagemap_entry e = pagemap_decode(SWAPPED | 0x5a5a);
	cr_assert(e.swapped, "bit 62 is swapped");
	cr_assert_eq(e.frame, 0, "no frame unless the page is present");
	cr_assert_eq(pagemap_decode(0).frame, 0);
	cr_assert_not(pagemap_decode(0).present);
}

Test(pagemap, read_matches_kernel)
{
	unsigned char *p = map_pages(2);
	p[0] = 1;
	for (size_t i = 0; i < 2; i++) {
		const void *addr = p + i * probe_page_size() + 100;
		int fd = open("/proc/self/pagemap", O_RDONLY);
		uint64_t raw = 0;
		cr_assert_eq(pagemap_read(fd, addr, &raw), 0,
			     "pagemap_read failed for a mapped page");
		close(fd);
		cr_assert_eq(raw, raw_entry(addr),
			     "read the entry of the wrong page: offset is "
			     "(address / page size) * 8");
	}
	uint64_t raw = 0;
	cr_assert_eq(pagemap_read(-1, p, &raw), -1, "a bad fd is an error");
	munmap(p, 2 * probe_page_size());
}

Test(pagemap, touched_page_present)
{
	unsigned char *p = map_pages(1);
	p[0] = 1;
	struct pagemap_entry e;
	cr_assert_eq(pagemap_lookup(p, &e), 0, "pagemap_lookup failed");
	cr_assert(e.present, "a page just written is present");
	cr_assert(e.exclusive, "a private page only we wrote is exclusive");
	cr_assert_not(e.file_or_shared, "private anonymous memory");
	munmap(p, probe_page_size());
}

Test(pagemap, untouched_page_absent)
{
	unsigned char *p = map_pages(2);
	p[0] = 1;
	struct pagemap_entry e = {.present = true};
	cr_assert_eq(pagemap_lookup(p + probe_page_size(), &e), 0);
	cr_assert_not(e.present, "a page never touched has no frame yet");
	cr_assert_eq(e.raw, 0, "an untouched page's entry is all zeros");
	munmap(p, 2 * probe_page_size());
}

Test(pagemap, code_page_is_file_page)
{
	struct pagemap_entry e;
	const void *code = (const void *)(uintptr_t)pagemap_decode;
	cr_assert_eq(pagemap_lookup(code, &e), 0);
	cr_assert(e.present, "the code running now is in RAM");
	cr_assert(e.file_or_shared, "code is a page of the executable file");
}

Test(pagemap, frames_distinct_when_visible)
{
	if (!support_frames_visible())
		cr_skip_test("frame numbers read as 0 without CAP_SYS_ADMIN");
	unsigned char *p = map_pages(2);
	p[0] = 1;
	p[probe_page_size()] = 1;
	struct pagemap_entry a, b;
	cr_assert_eq(pagemap_lookup(p, &a), 0);
	cr_assert_eq(pagemap_lookup(p + probe_page_size(), &b), 0);
	cr_assert_neq(a.frame, 0, "a present page has a frame");
	cr_assert_neq(a.frame, b.frame, "two pages, two frames");
	munmap(p, 2 * probe_page_size());
}

Test(pagemap, frames_hidden_without_privilege)
{
	if (support_frames_visible())
		cr_skip_test("running with CAP_SYS_ADMIN: frame numbers shown");
	unsigned char *p = map_pages(1);
	p[0] = 1;
	struct pagemap_entry e;
	cr_assert_eq(pagemap_lookup(p, &e), 0);
	cr_assert(e.present);
	cr_assert_eq(e.frame, 0, "frames read as 0 without CAP_SYS_ADMIN");
	munmap(p, probe_page_size());
}

/* Clears this process's soft-dirty bits; returns false if not possible. */
static bool clear_soft_dirty(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (f == NULL)
		return false;
	bool ok = fputs("4", f) >= 0;
	return fclose(f) == 0 && ok;
}

Test(pagemap, soft_dirty_after_write)
{
	unsigned char *p = map_pages(1);
	p[0] = 1;
	if ((raw_entry(p) & SOFT_DIRTY) == 0)
		cr_skip_test("kernel without soft-dirty "
			     "(CONFIG_MEM_SOFT_DIRTY)");
	if (!clear_soft_dirty())
		cr_skip_test("cannot write /proc/self/clear_refs");
	struct pagemap_entry e;
	cr_assert_eq(pagemap_lookup(p, &e), 0);
	cr_assert_not(e.soft_dirty, "clear_refs cleared the soft-dirty bit");
	p[0] = 2;
	cr_assert_eq(pagemap_lookup(p, &e), 0);
	cr_assert(e.soft_dirty, "a write sets the soft-dirty bit again");
	munmap(p, probe_page_size());
}

/* True if /proc/swaps lists at least one swap area. */
static bool swap_enabled(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	if (f == NULL)
		return false;
	int lines = 0;
	for (int c; (c = fgetc(f)) != EOF;)
		lines += c == '\n';
	fclose(f);
	return lines > 1; /* the first line is a header */
}

Test(pagemap, swapped_after_pageout)
{
	if (!swap_enabled())
		cr_skip_test("no swap on this machine: nothing is swapped");
	unsigned char *p = map_pages(1);
	p[0] = 1;
	if (madvise(p, probe_page_size(), MADV_PAGEOUT) != 0 ||
	    (raw_entry(p) & SWAPPED) == 0)
		cr_skip_test("the kernel did not page the page out");
	struct pagemap_entry e;
	cr_assert_eq(pagemap_lookup(p, &e), 0);
	cr_assert(e.swapped && !e.present, "a paged-out page is in swap");
	munmap(p, probe_page_size());
}
