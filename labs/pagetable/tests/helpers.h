/*
 * helpers.h: what the lab's tests share: small machines, running a list
 * of page numbers, running ./vmsim.
 */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "vm.h"

enum {
	TEST_PAGE = 4096, /* the default page size */
	TEST_OUTPUT_MAX = 1 << 16,
	TEST_VICTIMS_MAX = 64,
};

/* What run_refs() saw. */
struct refs_run {
	uint64_t faults;
	size_t nvictims;
	uint64_t victims[TEST_VICTIMS_MAX]; /* evicted pages, in order */
	struct vm_stats stats;
};

struct vm_config test_config(size_t frames, enum policy_kind policy);
void test_machine(struct vm *vm, const struct vm_config *config);
struct addr_space *test_space(struct vm *vm, uint64_t start, uint64_t length,
			      uint64_t perms);
void run_refs(const struct vm_config *config, const char *refs,
	      struct refs_run *run);
int run_vmsim(const char *args, char *out, size_t cap);
void write_file(char *path, size_t cap, const char *text);
enum vm_event test_poke(struct vm *vm, uint64_t va, const void *buf,
			size_t len);
enum vm_event test_peek(struct vm *vm, uint64_t va, void *buf, size_t len);

#endif
