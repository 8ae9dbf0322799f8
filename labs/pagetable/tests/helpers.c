/*
 * helpers.c: shared test code. See helpers.h.
 */
#include "helpers.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "future.h"
#include "trace.h"

/* A machine of `frames` frames with the default layout and no TLB. */
struct vm_config test_config(size_t frames, enum policy_kind policy)
{
	return (struct vm_config){
		.frames = frames,
		.page_size = TEST_PAGE,
		.levels = 4,
		.va_bits = 48,
		.policy = policy,
		.seed = 1,
	};
}

/* Builds the machine or fails the test. */
void test_machine(struct vm *vm, const struct vm_config *config)
{
	cr_assert_eq(vm_init(vm, config), 0,
		     "vm_init failed: is layout_init "
		     "done? (%s)",
		     strerror(errno));
}

/* Makes an address space with one region and switches to it. */
struct addr_space *test_space(struct vm *vm, uint64_t start, uint64_t length,
			      uint64_t perms)
{
	struct addr_space *as = vm_create_space(vm);
	cr_assert_not_null(as, "vm_create_space failed");
	cr_assert_eq(as_add_region(as, start, length, perms), 0,
		     "as_add_region failed");
	vm_switch(vm, as);
	return as;
}

/* Reads the pages and kinds of a refs list. Returns how many. */
static size_t read_refs(const char *refs, size_t page_size,
			struct trace_ref *out, size_t max)
{
	struct trace t;
	cr_assert_eq(trace_open_text(&t, "refs", refs, page_size), 0);
	size_t n = 0;
	int rc;
	while (n < max && (rc = trace_next(&t, &out[n])) == 1)
		n++;
	cr_assert_neq(rc, -1, "%s", t.error);
	trace_close(&t);
	return n;
}

/*
 * Runs a refs list (page p at address p * page size) through a machine
 * with one region covering everything, as vmsim does, and records the
 * faults and the victims.
 */
void run_refs(const struct vm_config *config, const char *refs,
	      struct refs_run *run)
{
	enum { REFS_MAX = 4096 };
	static struct trace_ref list[REFS_MAX];
	static uint64_t pages[REFS_MAX];
	size_t n = read_refs(refs, config->page_size, list, REFS_MAX);
	for (size_t i = 0; i < n; i++)
		pages[i] = list[i].va / config->page_size;
	uint64_t *next_use = future_next_uses(pages, n);
	struct vm_config c = *config;
	c.next_use = next_use;
	c.refs = n;
	struct vm vm;
	test_machine(&vm, &c);
	test_space(&vm, 0, (uint64_t)1 << vm.layout.va_bits,
		   PTE_WRITABLE | PTE_EXEC);
	*run = (struct refs_run){0};
	for (size_t i = 0; i < n; i++) {
		uint64_t pa;
		enum vm_event e = vm_access(&vm, list[i].va, list[i].kind, &pa);
		cr_assert(vm_event_ok(e), "reference %zu (page %llu) failed",
			  i + 1, (unsigned long long)pages[i]);
		if (vm.last_eviction.happened &&
		    run->nvictims < TEST_VICTIMS_MAX)
			run->victims[run->nvictims++] = vm.last_eviction.vpn;
	}
	run->stats = *vm_stats(&vm);
	run->faults = run->stats.faults;
	vm_free(&vm);
	free(next_use);
}

/*
 * Runs ./vmsim with args (through sh), its stdout and stderr together in
 * out. Returns its exit status, or -1 if it did not exit (a crash).
 */
int run_vmsim(const char *args, char *out, size_t cap)
{
	char command[4096];
	snprintf(command, sizeof command, "./vmsim %s 2>&1", args);
	FILE *p = popen(command, "r");
	cr_assert_not_null(p, "cannot run %s", command);
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	while (fgetc(p) != EOF) {
	}
	int status = pclose(p);
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Writes text to a new temporary file; its path goes in path. */
void write_file(char *path, size_t cap, const char *text)
{
	snprintf(path, cap, "/tmp/vmsim-test-XXXXXX");
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp failed");
	size_t len = strlen(text);
	cr_assert_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/*
 * Writes len bytes at va, which must lie in one page, through one write
 * reference: vm_write() without needing it. Returns the event.
 */
enum vm_event test_poke(struct vm *vm, uint64_t va, const void *buf, size_t len)
{
	uint64_t pa;
	enum vm_event e = vm_access(vm, va, ACCESS_WRITE, &pa);
	if (vm_event_ok(e))
		memcpy(physmem_at(&vm->mem, pa), buf, len);
	return e;
}

/* Reads len bytes at va (in one page) through one read reference. */
enum vm_event test_peek(struct vm *vm, uint64_t va, void *buf, size_t len)
{
	uint64_t pa;
	enum vm_event e = vm_access(vm, va, ACCESS_READ, &pa);
	if (vm_event_ok(e))
		memcpy(buf, physmem_at(&vm->mem, pa), len);
	return e;
}
