/* support.c: helpers shared by the lab's tests. See support.h. */
#include "support.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

enum { ENTRY_BYTES = 8, FRAME_BITS = 55 };

bool support_frames_visible(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
	p[0] = 1; /* now the page has a frame */
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t raw = 0;
	off_t offset = (off_t)((uintptr_t)p / page) * ENTRY_BYTES;
	bool read_ok =
		fd >= 0 && pread(fd, &raw, sizeof raw, offset) == sizeof raw;
	if (fd >= 0)
		close(fd);
	munmap(p, page);
	return read_ok && (raw & ((UINT64_C(1) << FRAME_BITS) - 1)) != 0;
}
