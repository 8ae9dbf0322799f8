/*
 * probe.c: reading /proc/self/pagemap and /proc/self/maps. See probe.h.
 *
 * This is the file you edit. Each TODO names the stage it belongs to; run
 * `make check` after each one (./run-tests --list names the tests).
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static const char PAGEMAP_PATH[] = "/proc/self/pagemap";
static const char MAPS_PATH[] = "/proc/self/maps";

/* ---- /proc/self/pagemap (stages 4 and 6) ----------------------------- */

size_t probe_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Returns true if bit number `bit` (0 = least significant) of raw is 1. */
static bool bit_is_set(uint64_t raw, unsigned bit)
{
	return (raw >> bit) & 1;
}

// ANCHOR: pagemap_decode
struct pagemap_entry pagemap_decode(uint64_t raw)
{
	// TODO(stage 4): set each field from its bit; see the picture in
	// probe.h. The frame is bits 0-54, but only if the page is present.
	// Read 02-inside-a-process.md#reading-pagemap.
	(void)bit_is_set;
	return (struct pagemap_entry){.raw = raw};
}
// ANCHOR_END: pagemap_decode

// ANCHOR: pagemap_read
int pagemap_read(int fd, const void *addr, uint64_t *raw)
{
	// TODO(stage 4): read the 8-byte entry of the page holding addr.
	// Which page is it (its vpn), and where is its entry in the file?
	// Use pread, and treat a short read as an error (errno = EINVAL).
	// Read 02-inside-a-process.md#pagemap-offset.
	(void)fd;
	(void)addr;
	(void)raw;
	errno = ENOSYS;
	return -1;
}
// ANCHOR_END: pagemap_read

int pagemap_lookup(const void *addr, struct pagemap_entry *out)
{
	int fd = open(PAGEMAP_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	uint64_t raw = 0;
	int rc = pagemap_read(fd, addr, &raw);
	int saved_errno = errno;
	close(fd);
	if (rc == 0)
		*out = pagemap_decode(raw);
	errno = saved_errno;
	return rc;
}

// ANCHOR: pagemap_count_present
int pagemap_count_present(const void *start, size_t pages, size_t *count)
{
	// TODO(stage 6): open /proc/self/pagemap once (O_CLOEXEC, as in
	// pagemap_lookup), read the entry of each page (pagemap_read) and
	// count the present ones. Close it, keeping a failure's errno.
	// Read 02-inside-a-process.md#lazy-allocation.
	(void)start;
	(void)pages;
	(void)count;
	errno = ENOSYS;
	return -1;
}
// ANCHOR_END: pagemap_count_present

/* ---- /proc/self/maps (stage 3) --------------------------------------- */

/* Returns true if perms is "rwxp"-shaped: [r-][w-][x-][ps]. */
static bool perms_valid(const char *perms)
{
	return strlen(perms) == REGION_PERMS_LEN &&
	       (perms[0] == 'r' || perms[0] == '-') &&
	       (perms[1] == 'w' || perms[1] == '-') &&
	       (perms[2] == 'x' || perms[2] == '-') &&
	       (perms[3] == 'p' || perms[3] == 's');
}

/*
 * Copies the path field (the rest of the line, up to a newline) into dst.
 * Returns 0, or -1 if it does not fit in REGION_PATH_CAP bytes.
 */
static int path_copy(char *dst, const char *rest)
{
	size_t len = strcspn(rest, "\n");
	if (len >= REGION_PATH_CAP)
		return -1;
	memcpy(dst, rest, len);
	dst[len] = '\0';
	return 0;
}

// ANCHOR: maps_parse_line
int maps_parse_line(const char *line, struct region *out)
{
	// TODO(stage 3): split the line into its six fields. sscanf can do
	// the first five (look up SCNxPTR and SCNx64 in <inttypes.h>, and
	// %n in sscanf(3)); the path is the rest of the line after the
	// padding.
	// Reject malformed lines; perms_valid and path_copy will help.
	// Read 02-inside-a-process.md#reading-maps.
	(void)line;
	(void)out;
	(void)perms_valid;
	(void)path_copy;
	return -1;
}
// ANCHOR_END: maps_parse_line

bool region_contains(const struct region *r, const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	return r->start <= a && a < r->end;
}

// ANCHOR: maps_find_region
int maps_find_region(const void *addr, struct region *out)
{
	// TODO(stage 3): read /proc/self/maps line by line (getline), parse
	// each line and stop at the region holding addr. Free what you
	// allocate, close the file, and set errno as probe.h says.
	// Read 02-inside-a-process.md#where-things-live.
	(void)addr;
	(void)out;
	(void)MAPS_PATH;
	errno = ENOSYS;
	return -1;
}
// ANCHOR_END: maps_find_region
