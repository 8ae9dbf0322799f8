/*
 * frames: one malloc'd block is contiguous in virtual memory, and only there.
 *
 * The program mallocs 16 pages' worth, writes to each page so that it has a
 * frame, and looks the frames up in /proc/self/pagemap. The virtual pages
 * follow one another by definition; the frames behind them are wherever the
 * kernel found free ones. Frame numbers need CAP_SYS_ADMIN: without it the
 * kernel reports them as 0, and the program says so.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum { PAGES = 16 };

static const uint64_t PAGEMAP_PRESENT = 1ULL << 63;
static const uint64_t PAGEMAP_PFN_MASK = (1ULL << 55) - 1; // bits 0-54

// Returns the frame number behind virtual address va, or 0 if unknown.
static uint64_t frame_of(int pagemap, uintptr_t va, size_t page)
{
	uint64_t entry;
	off_t at = (off_t)(va / page * sizeof entry);
	if (pread(pagemap, &entry, sizeof entry, at) != sizeof entry)
		return 0;
	if (!(entry & PAGEMAP_PRESENT))
		return 0;
	return entry & PAGEMAP_PFN_MASK;
}

int main(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0) {
		perror("/proc/self/pagemap");
		return 0; // nothing to show on this system; not an error
	}

	// ANCHOR: frames
	unsigned char *block = malloc(PAGES * page);
	if (block == NULL) {
		perror("malloc");
		return 1;
	}
	for (size_t i = 0; i < PAGES; i++)
		block[i * page] = 1; // give each page its frame

	uintptr_t first = (uintptr_t)block / page * page;
	printf("%5s %18s %12s\n", "page", "virtual page", "frame");
	int adjacent = 0;
	uint64_t last = 0;
	for (size_t i = 0; i < PAGES; i++) {
		uintptr_t va = first + i * page;
		uint64_t frame = frame_of(pagemap, va, page);
		printf("%5zu %#18jx %#12jx\n", i, (uintmax_t)va,
		       (uintmax_t)frame);
		adjacent += i > 0 && frame != 0 && frame == last + 1;
		last = frame;
	}
	// ANCHOR_END: frames
	if (last == 0)
		printf("frame numbers are hidden: run as root to see them\n");
	else
		printf("virtual pages in a row: %d of %d; frames in a row: "
		       "%d of %d\n",
		       PAGES - 1, PAGES - 1, adjacent, PAGES - 1);
	free(block);
	close(pagemap);
	return 0;
}
