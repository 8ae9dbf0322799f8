/*
 * probe.h: looking at a process's own address space through /proc.
 *
 * Two files describe the calling process's virtual memory:
 *
 *   /proc/self/pagemap  one 64-bit entry per virtual page: is the page in RAM,
 *                       which frame holds it, is it shared or exclusive.
 *   /proc/self/maps     one line per region (mapping): its address range,
 *                       permissions and what backs it (a file, [heap], ...).
 *
 * Everything here works on the calling process only, and reads nothing but
 * those two files; see Documentation/admin-guide/mm/pagemap.rst in the kernel.
 *
 * A function that opens one of them closes it again before it returns, on
 * failure too; /proc/self/pagemap is opened close-on-exec (O_CLOEXEC), so
 * that a program another thread starts meanwhile does not inherit it. On
 * failure errno is what the call that failed set, whatever closing the
 * file did to errno.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// ANCHOR: pagemap_entry
/*
 * A pagemap entry, one per virtual page (bit 63 on the left):
 *
 *   63 62 61 60..58 57 56 55 54 ............................. 0
 *   |  |  |  zero   |  |  |  frame number (when present)
 *   |  |  |         |  |  soft-dirty: written since clear_refs
 *   |  |  |         |  exclusively mapped: only this process maps the frame
 *   |  |  |         uffd write-protected (not used here)
 *   |  |  file page, or anonymous memory shared between processes
 *   |  swapped out
 *   present in RAM
 *
 * Without CAP_SYS_ADMIN the kernel writes 0 in the frame number bits.
 */
enum {
	PAGEMAP_ENTRY_SIZE = 8, /* bytes per entry in /proc/self/pagemap */
	PAGEMAP_BIT_PRESENT = 63,
	PAGEMAP_BIT_SWAPPED = 62,
	PAGEMAP_BIT_FILE_OR_SHARED = 61,
	PAGEMAP_BIT_EXCLUSIVE = 56,
	PAGEMAP_BIT_SOFT_DIRTY = 55,
	PAGEMAP_FRAME_BITS = 55, /* the frame number is bits 0-54 */
};

/* One decoded pagemap entry. */
struct pagemap_entry {
	uint64_t raw;        /* the 64 bits as the kernel wrote them */
	bool present;        /* the page is in RAM */
	bool swapped;        /* the page is in swap */
	bool file_or_shared; /* a file's page, or shared anonymous memory */
	bool exclusive;      /* no other process maps this frame */
	bool soft_dirty;     /* written since soft-dirty bits were cleared */
	uint64_t frame;      /* frame number if present (0 if hidden), else 0 */
};
// ANCHOR_END: pagemap_entry

/* The size of a page in bytes (4096 on x86-64). */
size_t probe_page_size(void);

/* Decodes the 64 bits of a pagemap entry. */
struct pagemap_entry pagemap_decode(uint64_t raw);

/*
 * Reads the raw pagemap entry of the page holding addr from fd, an open
 * /proc/self/pagemap. Returns 0 on success, -1 with errno set on failure.
 */
int pagemap_read(int fd, const void *addr, uint64_t *raw);

/*
 * Looks up the page holding addr in /proc/self/pagemap and decodes its entry
 * into *out. Returns 0 on success, -1 with errno set if /proc/self/pagemap
 * cannot be opened or read.
 */
int pagemap_lookup(const void *addr, struct pagemap_entry *out);

/*
 * Counts how many of the `pages` pages starting at the page holding start
 * are present in RAM. Returns 0 and stores the count in *count on success,
 * -1 with errno set if /proc/self/pagemap cannot be opened or read.
 */
int pagemap_count_present(const void *start, size_t pages, size_t *count);

// ANCHOR: region
/*
 * A line of /proc/self/maps, one region (mapping) of the address space:
 *
 *   start-end         perms offset   dev   inode    path
 *   55d0c1a00000-55d0c1a02000 r-xp 00002000 fe:00 247134     /usr/bin/cat
 *
 * The path is empty for anonymous memory; the kernel names some special
 * regions ([heap], [stack], [vdso]) and appends " (deleted)" to the path of
 * a file removed since it was mapped. A path may contain spaces.
 */
enum {
	REGION_PERMS_LEN = 4,        /* "rwxp": read, write, execute, private */
	REGION_PATH_CAP = 4096 + 16, /* PATH_MAX, " (deleted)" and the NUL */
};

/* One region of the address space, as /proc/self/maps describes it. */
struct region {
	uintptr_t start;                  /* first address of the region */
	uintptr_t end;                    /* one past its last address */
	char perms[REGION_PERMS_LEN + 1]; /* e.g. "r-xp" ('s' if shared) */
	uint64_t offset;    /* file offset of the first byte, if file-backed */
	unsigned dev_major; /* device holding the file (0:0 if none) */
	unsigned dev_minor;
	uint64_t inode;             /* the file's inode, 0 if none */
	char path[REGION_PATH_CAP]; /* file, [heap], [stack], ... or "" */
};
// ANCHOR_END: region

/*
 * Parses one line of /proc/self/maps (with or without its newline) into
 * *out. Returns 0 on success; -1 if the line is malformed (a region is
 * never empty: start is below end), leaving *out unchanged.
 */
int maps_parse_line(const char *line, struct region *out);

/* Returns true if addr lies inside the region. */
bool region_contains(const struct region *r, const void *addr);

/*
 * Finds the region of /proc/self/maps that holds addr and stores it in *out.
 * Returns 0 if found; -1 with errno set otherwise: ENOENT if no region holds
 * addr (it is unmapped), EINVAL if a line could not be parsed, or the error
 * from opening /proc/self/maps.
 */
int maps_find_region(const void *addr, struct region *out);

#endif
