/* fault.c: the wrappers behind fault.h. See fault.h. */
#include "fault.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
	MAPPINGS_CAP = 64,
	LINK_CAP = 256,
	PAGEMAP_PRESENT_BIT = 63,
	PAGEMAP_FRAME_BITS = 55,
	ENTRY_BYTES = 8,
};

/* The C library's own functions, which the linker names __real_*. */
int __real_open(const char *path, int flags, ...);
ssize_t __real_pread(int fd, void *buf, size_t n, off_t offset);
ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __real_write(int fd, const void *buf, size_t n);
int __real_close(int fd);
int __real_pipe(int fds[2]);
pid_t __real_fork(void);
int __real_dup2(int old_fd, int new_fd);
int __real_personality(unsigned long persona);
FILE *__real_fopen(const char *path, const char *mode);
int __real_fclose(FILE *stream);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t offset);
int __real_munmap(void *addr, size_t len);

/* One armed fault: the nth matching call fails with err. */
struct fault {
	int calls_left; /* matching calls before the failing one, or -1 */
	enum fault_where where;
	int err;
};

struct mapping {
	uintptr_t start, end;
};

static struct fault faults[FAULT_CALLS];
static pid_t armer;
static bool clobber_errno;
static const char *fake_maps;
static bool fake_frames;
static bool tracking;
static struct mapping mappings[MAPPINGS_CAP];
static size_t mapping_count;
static bool watching_unmaps;
static bool inheritable_pagemap;
uint64_t fault_unmapped_entry;

void fault_reset(void)
{
	for (int i = 0; i < FAULT_CALLS; i++)
		faults[i].calls_left = -1;
	clobber_errno = false;
	fake_maps = NULL;
	fake_frames = false;
	tracking = false;
	mapping_count = 0;
	watching_unmaps = false;
	inheritable_pagemap = false;
}

/* Criterion starts each test in a fresh process: no fault is armed. */
__attribute__((constructor)) static void fault_init(void)
{
	fault_reset();
}

void fault_inject(enum fault_call call, int nth, enum fault_where where,
		  int err)
{
	armer = getpid();
	faults[call] = (struct fault){
		.calls_left = nth - 1,
		.where = where,
		.err = err,
	};
}

void fault_clobber_errno(void)
{
	clobber_errno = true;
}

void fault_fake_maps(const char *text)
{
	fake_maps = text;
}

void fault_fake_frames(void)
{
	fake_frames = true;
}

void fault_track_mappings(void)
{
	tracking = true;
	mapping_count = 0;
}

void fault_watch_unmaps(void)
{
	watching_unmaps = true;
	fault_unmapped_entry = 0;
}

bool fault_pagemap_inheritable(void)
{
	return inheritable_pagemap;
}

const char *fault_missed(void)
{
	static const char *const names[FAULT_CALLS] = {
		[FAULT_OPEN] = "open",
		[FAULT_PREAD] = "pread",
		[FAULT_READ] = "read",
		[FAULT_WRITE] = "write",
		[FAULT_CLOSE] = "close",
		[FAULT_PIPE] = "pipe",
		[FAULT_FORK] = "fork",
		[FAULT_DUP2] = "dup2",
		[FAULT_PERSONALITY] = "personality",
		[FAULT_FOPEN] = "fopen",
		[FAULT_FCLOSE] = "fclose",
		[FAULT_MMAP] = "mmap",
	};
	static char message[160];
	for (int i = 0; i < FAULT_CALLS; i++) {
		if (faults[i].calls_left >= 0 &&
		    faults[i].where == FAULT_HERE) {
			snprintf(message, sizeof message,
				 " (the test makes %s fail, and the code "
				 "never made that call: use %s, as the TODO "
				 "says)",
				 names[i], names[i]);
			return message;
		}
	}
	return "";
}

/* True if this call of `call` is the one to fail (errno is then set). */
static bool failing(enum fault_call call)
{
	struct fault *f = &faults[call];
	if (f->calls_left < 0)
		return false;
	bool here = getpid() == armer;
	if (here != (f->where == FAULT_HERE))
		return false;
	if (f->calls_left-- > 0)
		return false;
	errno = f->err;
	return true;
}

int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list args;
		va_start(args, flags);
		mode = (mode_t)va_arg(args, int);
		va_end(args);
	}
	if (failing(FAULT_OPEN))
		return -1;
	return __real_open(path, flags, mode);
}

/* True if fd is open on some process's /proc/PID/pagemap. */
static bool is_pagemap(int fd)
{
	char link[32], target[LINK_CAP] = "";
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t len = readlink(link, target, sizeof target - 1);
	if (len <= 0)
		return false;
	target[len] = '\0';
	const char *name = strrchr(target, '/');
	return strncmp(target, "/proc/", 6) == 0 && name != NULL &&
	       strcmp(name, "/pagemap") == 0;
}

ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t offset);
ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t offset)
{
	if (failing(FAULT_PREAD))
		return -1;
	ssize_t done = __real_pread(fd, buf, n, offset);
	if (done <= 0 || !is_pagemap(fd))
		return done; /* errno as pread left it */
	if ((fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0)
		inheritable_pagemap = true;
	if (!fake_frames || offset % ENTRY_BYTES != 0)
		return done;
	uint64_t frame_mask = (UINT64_C(1) << PAGEMAP_FRAME_BITS) - 1;
	for (size_t i = 0; i + ENTRY_BYTES <= (size_t)done; i += ENTRY_BYTES) {
		uint64_t entry;
		memcpy(&entry, (unsigned char *)buf + i, sizeof entry);
		if ((entry >> PAGEMAP_PRESENT_BIT) & 1) {
			uint64_t page =
				(uint64_t)(offset + (off_t)i) / ENTRY_BYTES;
			entry = (entry & ~frame_mask) |
				((FAULT_FAKE_FRAME_BASE + page) & frame_mask);
		}
		memcpy((unsigned char *)buf + i, &entry, sizeof entry);
	}
	return done;
}

ssize_t __wrap_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n)
{
	if (failing(FAULT_READ))
		return -1;
	return __real_read(fd, buf, n);
}

ssize_t __wrap_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	if (failing(FAULT_WRITE))
		return -1;
	return __real_write(fd, buf, n);
}

int __wrap_close(int fd);
int __wrap_close(int fd)
{
	if (failing(FAULT_CLOSE))
		return -1;
	int rc = __real_close(fd);
	if (rc == 0 && clobber_errno)
		errno = ENOTTY;
	return rc;
}

int __wrap_pipe(int fds[2]);
int __wrap_pipe(int fds[2])
{
	if (failing(FAULT_PIPE))
		return -1;
	return __real_pipe(fds);
}

pid_t __wrap_fork(void);
pid_t __wrap_fork(void)
{
	if (failing(FAULT_FORK))
		return -1;
	return __real_fork();
}

int __wrap_dup2(int old_fd, int new_fd);
int __wrap_dup2(int old_fd, int new_fd)
{
	if (failing(FAULT_DUP2))
		return -1;
	return __real_dup2(old_fd, new_fd);
}

int __wrap_personality(unsigned long persona);
int __wrap_personality(unsigned long persona)
{
	if (failing(FAULT_PERSONALITY))
		return -1;
	return __real_personality(persona);
}

FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode)
{
	if (failing(FAULT_FOPEN))
		return NULL;
	if (fake_maps != NULL && strcmp(path, "/proc/self/maps") == 0)
		return fmemopen((void *)fake_maps, strlen(fake_maps), "r");
	return __real_fopen(path, mode);
}

int __wrap_fclose(FILE *stream);
int __wrap_fclose(FILE *stream)
{
	if (failing(FAULT_FCLOSE)) {
		int err = errno;
		__real_fclose(stream); /* fclose frees the stream even then */
		errno = err;
		return EOF;
	}
	int rc = __real_fclose(stream);
	if (rc == 0 && clobber_errno)
		errno = ENOTTY;
	return rc;
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t offset);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t offset)
{
	if (failing(FAULT_MMAP))
		return MAP_FAILED;
	void *p = __real_mmap(addr, len, prot, flags, fd, offset);
	if (p != MAP_FAILED && tracking && mapping_count < MAPPINGS_CAP)
		mappings[mapping_count++] = (struct mapping){
			.start = (uintptr_t)p,
			.end = (uintptr_t)p + len,
		};
	return p;
}

int __wrap_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len)
{
	if (watching_unmaps) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		int fd = __real_open("/proc/self/pagemap", O_RDONLY);
		off_t offset = (off_t)((uintptr_t)addr / page) * ENTRY_BYTES;
		uint64_t entry = 0;
		if (fd >= 0 && __real_pread(fd, &entry, sizeof entry, offset) ==
				       (ssize_t)sizeof entry)
			fault_unmapped_entry = entry;
		if (fd >= 0)
			__real_close(fd);
	}
	return __real_munmap(addr, len);
}

bool fault_mapping_left(void)
{
	FILE *maps = __real_fopen("/proc/self/maps", "r");
	if (maps == NULL)
		return true;
	bool left = false;
	char *line = NULL;
	size_t cap = 0;
	while (!left && getline(&line, &cap, maps) != -1) {
		unsigned long start, end;
		if (sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		for (size_t i = 0; i < mapping_count; i++)
			left = left || (start < mappings[i].end &&
					mappings[i].start < end);
	}
	free(line);
	__real_fclose(maps);
	return left;
}

int fault_open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	if (dir == NULL)
		return -1;
	int count = 0;
	for (struct dirent *d; (d = readdir(dir)) != NULL;)
		count += d->d_name[0] != '.';
	closedir(dir);
	return count - 1; /* the directory's own descriptor */
}

bool fault_child_left(void)
{
	int status;
	return waitpid(-1, &status, WNOHANG) != -1 || errno != ECHILD;
}
