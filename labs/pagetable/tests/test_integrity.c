/*
 * Stage 7: a read returns the last bytes written to its address, whatever
 * happened to the page in between.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "helpers.h"
#include "prng.h"
#include "vm.h"

TestSuite(integrity, .fini = harness_test_finished);

Test(integrity, bytes_straddling_pages_come_back)
{
	struct vm vm;
	struct vm_config config = test_config(8, POLICY_FIFO);
	test_machine(&vm, &config);
	test_space(&vm, 0x10000, 16 * TEST_PAGE, PTE_WRITABLE);
	static unsigned char in[3 * TEST_PAGE], out[3 * TEST_PAGE];
	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 13 + 1);
	uint64_t va = 0x10000 + TEST_PAGE - 100;
	cr_assert_eq(vm_write(&vm, va, in, sizeof in), 0);
	cr_assert_eq(vm_stats(&vm)->references, 4, "4 pages, 4 references");
	cr_assert_eq(vm_read(&vm, va, out, sizeof out), 0);
	cr_assert(memcmp(in, out, sizeof in) == 0);
	cr_assert_eq(vm_read(&vm, 0x10000, out, 10), 0);
	for (size_t i = 0; i < 10; i++)
		cr_assert_eq(out[i], 0, "bytes never written read as zero");
	vm_free(&vm);
}

Test(integrity, failed_access_stops_the_copy)
{
	struct vm vm;
	struct vm_config config = test_config(8, POLICY_FIFO);
	test_machine(&vm, &config);
	test_space(&vm, 0x10000, 2 * TEST_PAGE, PTE_WRITABLE);
	char buf[2 * TEST_PAGE] = {0};
	cr_assert_eq(vm_write(&vm, 0x10000 + TEST_PAGE, buf, sizeof buf), -1,
		     "the second page is outside the region");
	cr_assert_eq(vm_read(&vm, 0x0, buf, 8), -1);
	cr_assert_eq(vm_stats(&vm)->segfaults, 2);
	vm_free(&vm);
}

/*
 * Random writes and reads, of random lengths at random addresses, over 24
 * pages of 64 bytes with 4 frames, checked against a plain array.
 */
static void check_random_traffic(enum policy_kind kind, size_t tlb_size)
{
	enum { PAGE = 64, PAGES = 24, OPS = 3000, LEN_MAX = 150 };
	struct vm_config config = test_config(4, kind);
	config.page_size = PAGE;
	config.tlb_size = tlb_size;
	config.seed = 99;
	struct vm vm;
	test_machine(&vm, &config);
	test_space(&vm, 0, PAGES * PAGE, PTE_WRITABLE);
	static unsigned char shadow[PAGES * PAGE], buf[LEN_MAX];
	memset(shadow, 0, sizeof shadow);
	struct prng r;
	prng_seed(&r, 2024 + (uint64_t)kind);
	for (int op = 0; op < OPS; op++) {
		size_t len = 1 + (size_t)prng_below(&r, LEN_MAX);
		size_t at = (size_t)prng_below(&r, sizeof shadow - len + 1);
		if (prng_below(&r, 2) == 0) {
			for (size_t i = 0; i < len; i++)
				buf[i] = (unsigned char)prng_next(&r);
			cr_assert_eq(vm_write(&vm, at, buf, len), 0);
			memcpy(shadow + at, buf, len);
		} else {
			cr_assert_eq(vm_read(&vm, at, buf, len), 0);
			cr_assert(memcmp(buf, shadow + at, len) == 0,
				  "%s, TLB %zu: operation %d read %zu bytes at "
				  "%zu "
				  "that differ from what was written",
				  policy_name(kind), tlb_size, op, len, at);
		}
	}
	const struct vm_stats *s = vm_stats(&vm);
	cr_assert_gt(s->major_faults, 100, "the test should exercise swap");
	cr_assert_gt(s->writebacks, 100);
	vm_free(&vm);
}

Test(integrity, random_traffic_fifo)
{
	check_random_traffic(POLICY_FIFO, 0);
	check_random_traffic(POLICY_FIFO, 4);
}

Test(integrity, random_traffic_lru)
{
	check_random_traffic(POLICY_LRU, 0);
	check_random_traffic(POLICY_LRU, 4);
}

Test(integrity, random_traffic_clock)
{
	check_random_traffic(POLICY_CLOCK, 0);
	check_random_traffic(POLICY_CLOCK, 4);
}

Test(integrity, random_traffic_random)
{
	check_random_traffic(POLICY_RANDOM, 0);
	check_random_traffic(POLICY_RANDOM, 4);
}

Test(integrity, reused_frames_do_not_leak_old_bytes)
{
	struct vm vm;
	struct vm_config config = test_config(1, POLICY_FIFO);
	test_machine(&vm, &config);
	test_space(&vm, 0, 4 * TEST_PAGE, PTE_WRITABLE);
	char secret[TEST_PAGE];
	memset(secret, 's', sizeof secret);
	cr_assert_eq(vm_write(&vm, 0, secret, sizeof secret), 0);
	char out[TEST_PAGE];
	cr_assert_eq(vm_read(&vm, TEST_PAGE, out, sizeof out), 0);
	for (size_t i = 0; i < sizeof out; i++)
		cr_assert_eq(out[i], 0,
			     "a new page shows byte %zu of the last "
			     "page in its frame",
			     i);
	vm_free(&vm);
}
