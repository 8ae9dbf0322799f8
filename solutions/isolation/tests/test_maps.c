/*
 * Stage 3: parsing /proc/self/maps and finding the region of an address.
 */
#include "harness.h"
#include "probe.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

TestSuite(maps, .fini = harness_test_finished);

int maps_test_global = 1;

/* Parses line, failing the test if that does not work. */
static struct region parse_ok(const char *line)
{
	struct region r;
	cr_assert_eq(maps_parse_line(line, &r), 0, "could not parse: %s", line);
	return r;
}

Test(maps, parse_file_line)
{
	struct region r = parse_ok("55d0c1a00000-55d0c1a02000 r-xp 00002000 "
				   "fe:01 247134                     "
				   "/usr/bin/cat\n");
	cr_assert_eq(r.start, 0x55d0c1a00000);
	cr_assert_eq(r.end, 0x55d0c1a02000);
	cr_assert_str_eq(r.perms, "r-xp");
	cr_assert_eq(r.offset, 0x2000, "the offset is hexadecimal");
	cr_assert_eq(r.dev_major, 0xfe);
	cr_assert_eq(r.dev_minor, 0x01);
	cr_assert_eq(r.inode, 247134, "the inode is decimal");
	cr_assert_str_eq(r.path, "/usr/bin/cat", "no padding, no newline");
}

Test(maps, parse_named_regions)
{
	struct region r = parse_ok("5621eee09000-5621eee2a000 rw-p 00000000 "
				   "00:00 0                          [heap]");
	cr_assert_str_eq(r.path, "[heap]");
	cr_assert_eq(r.inode, 0);
	r = parse_ok("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0"
		     "                  [vsyscall]\n");
	cr_assert_eq(r.start, 0xffffffffff600000, "addresses use 64 bits");
	cr_assert_str_eq(r.perms, "--xp");
	cr_assert_str_eq(r.path, "[vsyscall]");
}

Test(maps, parse_no_path)
{
	struct region r = parse_ok("7fcea3ca3000-7fcea3cc5000 rw-p 00000000 "
				   "00:00 0 \n");
	cr_assert_str_eq(r.path, "", "anonymous memory has no path");
	r = parse_ok("7fcea3ca3000-7fcea3cc5000 rw-s 00000000 00:00 0");
	cr_assert_str_eq(r.path, "");
	cr_assert_str_eq(r.perms, "rw-s", "'s' is a shared mapping");
}

Test(maps, parse_path_with_spaces)
{
	struct region r = parse_ok("7f0000000000-7f0000001000 r--s 00001000 "
				   "08:02 42         /tmp/my data  file.bin\n");
	cr_assert_str_eq(r.path, "/tmp/my data  file.bin",
			 "spaces inside a path belong to it");
	cr_assert_eq(r.offset, 0x1000);
}

Test(maps, parse_deleted_file)
{
	struct region r = parse_ok("7f0000000000-7f0000001000 rw-s 00000000 "
				   "00:01 1029       /memfd:buf (deleted)\n");
	cr_assert_str_eq(r.path, "/memfd:buf (deleted)",
			 "the path keeps the kernel's \" (deleted)\" mark");
}

Test(maps, parse_rejects_malformed)
{
	static const char *const bad[] = {
		"",
		"hello world",
		"00400000 r-xp 00000000 00:00 0 /bin/x",
		"00400000-0040b000 r-xp",
		"00400000-0040b000 r-xp 00000000 00:00",
		"00400000-0040b000 rwxq 00000000 00:00 0",
		"00400000-0040b000 r-x 00000000 00:00 0",
		"00400000-0040b000 r-xpp 00000000 00:00 0",
		"00400000-0040b000 r-xp 00000000 0000 0 /bin/x",
		"00400000-0040b000 r-xp 00000000 00:00 12ab /bin/x",
		"0040b000-00400000 r-xp 00000000 00:00 0 /bin/x",
		"00400000-00400000 r-xp 00000000 00:00 0 /bin/x",
		"zz400000-0040b000 r-xp 00000000 00:00 0 /bin/x",
	};
	parse_ok("00400000-0040b000 r-xp 00000000 00:00 0 /bin/x");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct region r = {.start = 1};
		cr_assert_eq(maps_parse_line(bad[i], &r), -1,
			     "accepted a malformed line: \"%s\"", bad[i]);
		cr_assert_eq(r.start, 1, "*out changed on a malformed line");
	}
}

/* Finds the region of addr, failing the test if there is none. */
static struct region find_ok(const void *addr)
{
	struct region r;
	cr_assert_eq(maps_find_region(addr, &r), 0, "no region found for %p",
		     addr);
	cr_assert(region_contains(&r, addr), "the region must hold %p", addr);
	return r;
}

Test(maps, global_is_rw_private)
{
	struct region r = find_ok(&maps_test_global);
	cr_assert_str_eq(r.perms, "rw-p", "an initialized global is in .data");
	cr_assert_neq(r.inode, 0, ".data is mapped from the executable");
}

Test(maps, function_is_r_x)
{
	struct region r = find_ok((const void *)(uintptr_t)maps_parse_line);
	cr_assert_str_eq(r.perms, "r-xp", "code is readable and executable");
	cr_assert_neq(r.path[0], '\0', "code comes from a file");
}

Test(maps, literal_is_read_only)
{
	struct region r = find_ok("a string literal");
	cr_assert_str_eq(r.perms, "r--p", "literals are in .rodata");
}

Test(maps, local_and_heap_are_rw)
{
	int local = 0;
	struct region r = find_ok(&local);
	cr_assert_str_eq(r.perms, "rw-p");
	cr_assert_str_eq(r.path, "[stack]", "a local lives on the stack");
	char *block = malloc(64);
	cr_assert_not_null(block);
	r = find_ok(block);
	cr_assert_str_eq(r.perms, "rw-p");
	free(block);
}

Test(maps, vdso_is_named)
{
	const void *vdso = (const void *)getauxval(AT_SYSINFO_EHDR);
	if (vdso == NULL)
		cr_skip_test("this process has no vDSO");
	struct region r = find_ok(vdso);
	cr_assert_str_eq(r.path, "[vdso]");
}

Test(maps, mprotect_splits_region)
{
	size_t page = probe_page_size();
	unsigned char *p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_eq(mprotect(p + page, page, PROT_READ), 0);
	struct region r = find_ok(p + page + 10);
	cr_assert_str_eq(r.perms, "r--p", "the protected page is read-only");
	cr_assert_eq(r.start, (uintptr_t)(p + page), "a region of its own");
	cr_assert_eq(r.end, (uintptr_t)(p + 2 * page));
	cr_assert_str_eq(r.path, "", "anonymous memory has no path");
	munmap(p, 3 * page);
}

Test(maps, unmapped_address_not_found)
{
	size_t page = probe_page_size();
	unsigned char *p =
		mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p, MAP_FAILED);
	find_ok(p);
	munmap(p, page);
	struct region r;
	errno = 0;
	cr_assert_eq(maps_find_region(p, &r), -1, "the page is unmapped");
	cr_assert_eq(errno, ENOENT, "errno is ENOENT for an unmapped address");
}
