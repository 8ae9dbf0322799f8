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
	// BEGIN SOLUTION
	uint64_t frame_mask = (UINT64_C(1) << PAGEMAP_FRAME_BITS) - 1;
	struct pagemap_entry e = {
		.raw = raw,
		.present = bit_is_set(raw, PAGEMAP_BIT_PRESENT),
		.swapped = bit_is_set(raw, PAGEMAP_BIT_SWAPPED),
		.file_or_shared = bit_is_set(raw, PAGEMAP_BIT_FILE_OR_SHARED),
		.exclusive = bit_is_set(raw, PAGEMAP_BIT_EXCLUSIVE),
		.soft_dirty = bit_is_set(raw, PAGEMAP_BIT_SOFT_DIRTY),
	};
	/* A swapped page's low bits hold its place in swap, not a frame. */
	if (e.present)
		e.frame = raw & frame_mask;
	return e;
	// END SOLUTION
	//~ // TODO(stage 4): set each field from its bit; see the picture in
	//~ // probe.h. The frame is bits 0-54, but only if the page is present.
	//~ // Read 02-inside-a-process.md#reading-pagemap.
	//~ (void)bit_is_set;
	//~ return (struct pagemap_entry){.raw = raw};
}
// ANCHOR_END: pagemap_decode

// ANCHOR: pagemap_read
int pagemap_read(int fd, const void *addr, uint64_t *raw)
{
	// BEGIN SOLUTION
	/* Entry n describes virtual page n: the page number is vaddr / size. */
	uintptr_t vpn = (uintptr_t)addr / probe_page_size();
	off_t offset = (off_t)vpn * PAGEMAP_ENTRY_SIZE;
	ssize_t n = pread(fd, raw, PAGEMAP_ENTRY_SIZE, offset);
	if (n == PAGEMAP_ENTRY_SIZE)
		return 0;
	if (n >= 0)
		errno = EINVAL; /* past the end: not a user-space address */
	return -1;
	// END SOLUTION
	//~ // TODO(stage 4): read the 8-byte entry of the page holding addr.
	//~ // Which page is it (its vpn), and where is its entry in the file?
	//~ // Use pread, and treat a short read as an error (errno = EINVAL).
	//~ // Read 02-inside-a-process.md#pagemap-offset.
	//~ (void)fd;
	//~ (void)addr;
	//~ (void)raw;
	//~ errno = ENOSYS;
	//~ return -1;
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
	// BEGIN SOLUTION
	int fd = open(PAGEMAP_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	const unsigned char *base = start;
	size_t page_size = probe_page_size(), present = 0;
	int rc = 0;
	for (size_t i = 0; i < pages && rc == 0; i++) {
		uint64_t raw = 0;
		rc = pagemap_read(fd, base + i * page_size, &raw);
		if (rc == 0 && pagemap_decode(raw).present)
			present++;
	}
	int saved_errno = errno;
	close(fd);
	errno = saved_errno;
	if (rc == 0)
		*count = present;
	return rc;
	// END SOLUTION
	//~ // TODO(stage 6): open /proc/self/pagemap once (O_CLOEXEC, as in
	//~ // pagemap_lookup), read the entry of each page (pagemap_read) and
	//~ // count the present ones. Close it, keeping a failure's errno.
	//~ // Read 02-inside-a-process.md#lazy-allocation.
	//~ (void)start;
	//~ (void)pages;
	//~ (void)count;
	//~ errno = ENOSYS;
	//~ return -1;
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
	// BEGIN SOLUTION
	struct region r = {0};
	int inode_end = -1;
	int fields = sscanf(line,
			    "%" SCNxPTR "-%" SCNxPTR " %4s %" SCNx64
			    " %x:%x %" SCNu64 "%n",
			    &r.start, &r.end, r.perms, &r.offset, &r.dev_major,
			    &r.dev_minor, &r.inode, &inode_end);
	if (fields != 7 || inode_end < 0)
		return -1;
	if (!perms_valid(r.perms) || r.start >= r.end)
		return -1;
	/* The inode ends the line or is followed by padding and a path. */
	const char *rest = line + inode_end;
	if (*rest != ' ' && *rest != '\n' && *rest != '\0')
		return -1;
	rest += strspn(rest, " ");
	if (path_copy(r.path, rest) != 0)
		return -1;
	*out = r;
	return 0;
	// END SOLUTION
	//~ // TODO(stage 3): split the line into its six fields. sscanf can do
	//~ // the first five (look up SCNxPTR and SCNx64 in <inttypes.h>, and
	//~ // %n in sscanf(3)); the path is the rest of the line after the
	//~ // padding.
	//~ // Reject malformed lines; perms_valid and path_copy will help.
	//~ // Read 02-inside-a-process.md#reading-maps.
	//~ (void)line;
	//~ (void)out;
	//~ (void)perms_valid;
	//~ (void)path_copy;
	//~ return -1;
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
	// BEGIN SOLUTION
	FILE *maps = fopen(MAPS_PATH, "r");
	if (maps == NULL)
		return -1;
	char *line = NULL;
	size_t cap = 0;
	int rc = -1;
	errno = ENOENT; /* unless a region holds addr */
	while (getline(&line, &cap, maps) != -1) {
		struct region r;
		if (maps_parse_line(line, &r) != 0) {
			errno = EINVAL;
			break;
		}
		if (region_contains(&r, addr)) {
			*out = r;
			rc = 0;
			break;
		}
	}
	int saved_errno = errno;
	free(line);
	fclose(maps);
	errno = saved_errno;
	return rc;
	// END SOLUTION
	//~ // TODO(stage 3): read /proc/self/maps line by line (getline), parse
	//~ // each line and stop at the region holding addr. Free what you
	//~ // allocate, close the file, and set errno as probe.h says.
	//~ // Read 02-inside-a-process.md#where-things-live.
	//~ (void)addr;
	//~ (void)out;
	//~ (void)MAPS_PATH;
	//~ errno = ENOSYS;
	//~ return -1;
}
// ANCHOR_END: maps_find_region
