/*
 * Stage 5: replacement policies against hand-worked examples, Belady's
 * anomaly, and eviction to a real swap file.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "helpers.h"
#include "prng.h"
#include "vm.h"

TestSuite(replacement, .fini = harness_test_finished);

/* The hand-worked example of traces/textbook.refs, with 3 frames. */
static const char TEXTBOOK[] = "7,0,1,2,0,3,0,4,2,3,0,3,2";
static const char BELADY[] = "1,2,3,4,1,2,5,1,2,3,4,5";

/* Runs refs on the machine config describes; checks faults and victims. */
static void check_run(const struct vm_config *config, const char *refs,
		      uint64_t faults, const uint64_t *victims, size_t nvictims)
{
	const char *name = policy_name(config->policy);
	struct refs_run run;
	run_refs(config, refs, &run);
	cr_assert_eq(run.faults, faults,
		     "%s, %zu frames, %s: %llu faults, "
		     "expected %llu",
		     name, config->frames, refs, (unsigned long long)run.faults,
		     (unsigned long long)faults);
	cr_assert_eq(run.nvictims, nvictims, "%s: %zu evictions, expected %zu",
		     name, run.nvictims, nvictims);
	for (size_t i = 0; i < nvictims; i++)
		cr_assert_eq(run.victims[i], victims[i],
			     "%s: eviction %zu took page %llu, expected %llu",
			     name, i + 1, (unsigned long long)run.victims[i],
			     (unsigned long long)victims[i]);
}

/* check_run() with the default machine of `frames` frames. */
static void check_policy(enum policy_kind kind, size_t frames, const char *refs,
			 uint64_t faults, const uint64_t *victims,
			 size_t nvictims)
{
	struct vm_config config = test_config(frames, kind);
	check_run(&config, refs, faults, victims, nvictims);
}

Test(replacement, fifo_textbook)
{
	static const uint64_t victims[] = {7, 0, 1, 2, 3, 0, 4};
	check_policy(POLICY_FIFO, 3, TEXTBOOK, 10, victims, 7);
}

Test(replacement, lru_textbook)
{
	static const uint64_t victims[] = {7, 1, 2, 3, 0, 4};
	check_policy(POLICY_LRU, 3, TEXTBOOK, 9, victims, 6);
}

Test(replacement, clock_textbook)
{
	static const uint64_t victims[] = {7, 1, 2, 0, 3, 4};
	check_policy(POLICY_CLOCK, 3, TEXTBOOK, 9, victims, 6);
}

Test(replacement, opt_textbook)
{
	static const uint64_t victims[] = {7, 1, 0, 4};
	check_policy(POLICY_OPT, 3, TEXTBOOK, 7, victims, 4);
}

Test(replacement, clock_gives_a_second_chance)
{
	/* 1 2 3 fill frames 0-2 with bits set; 4 clears all, evicts 1 (frame
	 * 0), hand at 1; 2 sets frame 1's bit; 5 skips 2, evicts 3. */
	static const uint64_t victims[] = {1, 3};
	check_policy(POLICY_CLOCK, 3, "1,2,3,4,2,5", 5, victims, 2);
}

Test(replacement, opt_evicts_the_lowest_frame_among_the_never_used)
{
	static const uint64_t first[] = {1};
	check_policy(POLICY_OPT, 3, "1,2,3,4", 4, first, 1);
	static const uint64_t second[] = {2};
	check_policy(POLICY_OPT, 3, "1,2,3,4,1", 4, second, 1);
	/* At 5, pages 4 (frame 0) and 3 (frame 2) are never used again: the
	 * lower frame goes, though its page number is the higher. */
	static const uint64_t third[] = {1, 4};
	check_policy(POLICY_OPT, 3, "1,2,3,4,2,5,2", 5, third, 2);
}

Test(replacement, opt_past_the_known_future_is_never)
{
	/* Three references are known: page A (frame 0) at 0 and 2, page B
	 * (frame 1) at 1. next_use[3] lies past the end, and says "used
	 * again at once": a touch at time 3 must not read it. */
	static const uint64_t next_use[] = {2, POLICY_NEVER, POLICY_NEVER, 0};
	struct policy p;
	struct policy_config config = {
		.kind = POLICY_OPT,
		.frames = 2,
		.next_use = next_use,
		.refs = 3,
	};
	cr_assert_eq(policy_init(&p, &config), 0);
	policy_loaded(&p, 0);
	policy_touch(&p, 0, 0);
	policy_loaded(&p, 1);
	policy_touch(&p, 1, 1);
	cr_assert_eq(policy_victim(&p), 1,
		     "A is used again at 2 and B never: B (frame 1) goes");
	policy_touch(&p, 0, 2);
	cr_assert_eq(policy_victim(&p), 0,
		     "neither page is used again: the lower frame goes");
	policy_touch(&p, 0, 3);
	cr_assert_eq(policy_victim(&p), 0,
		     "a touch at time 3, past the 3 known references, means "
		     "never again; did it read next_use[3]?");
	policy_free(&p);
}

Test(replacement, beladys_anomaly_with_fifo)
{
	struct refs_run run;
	struct vm_config config = test_config(3, POLICY_FIFO);
	run_refs(&config, BELADY, &run);
	cr_assert_eq(run.faults, 9, "FIFO, 3 frames: %llu faults",
		     (unsigned long long)run.faults);
	config.frames = 4;
	run_refs(&config, BELADY, &run);
	cr_assert_eq(run.faults, 10, "FIFO, 4 frames: %llu faults",
		     (unsigned long long)run.faults);
}

Test(replacement, beladys_anomaly_in_the_sweep)
{
	char out[TEST_OUTPUT_MAX];
	int status = run_vmsim("--sweep 3:4 --policy fifo --refs "
			       "1,2,3,4,1,2,5,1,2,3,4,5",
			       out, sizeof out);
	cr_assert_eq(status, 0, "vmsim failed: %s", out);
	cr_assert(strncmp(out, "frames,policy,faults\n", 21) == 0,
		  "the CSV header is missing: %s", out);
	cr_assert_not_null(strstr(out, "\n3,fifo,9\n"), "%s", out);
	cr_assert_not_null(strstr(out, "\n4,fifo,10\n"), "%s", out);
	status = run_vmsim("--sweep 1:5 --refs 1,2,3,4,1,2,5,1,2,3,4,5", out,
			   sizeof out);
	cr_assert_eq(status, 0, "vmsim failed: %s", out);
	static const char *const names[] = {"fifo", "lru", "clock", "opt",
					    "random"};
	for (size_t i = 0; i < 5; i++) {
		char row[32];
		snprintf(row, sizeof row, "\n5,%s,5\n", names[i]);
		cr_assert_not_null(strstr(out, row), "no row %s in %s", row,
				   out);
	}
}

Test(replacement, random_is_deterministic_for_a_seed)
{
	struct vm_config config = test_config(3, POLICY_RANDOM);
	static const char refs[] = "1,2,3,4,5,1,2,6,3,7,1,8,2,4,9,5,1,3,6,2";
	struct refs_run a, b, c;
	config.seed = 42;
	run_refs(&config, refs, &a);
	run_refs(&config, refs, &b);
	cr_assert_eq(a.faults, b.faults);
	cr_assert_eq(a.nvictims, b.nvictims);
	cr_assert(memcmp(a.victims, b.victims,
			 a.nvictims * sizeof *a.victims) == 0,
		  "the same seed must give the same victims");
	bool differs = false;
	for (uint64_t seed = 1; seed < 20 && !differs; seed++) {
		config.seed = seed;
		run_refs(&config, refs, &c);
		differs = c.nvictims != a.nvictims ||
			  memcmp(a.victims, c.victims,
				 a.nvictims * sizeof *a.victims) != 0;
	}
	cr_assert(differs, "different seeds should choose differently");
}

Test(replacement, random_uses_the_projects_prng)
{
	/* 4 frames full of pages 0-3 (in frames 0-3): the victim of page 4 is
	 * the page in frame prng_below(4) of a generator seeded with 7. */
	struct prng r;
	prng_seed(&r, 7);
	uint64_t expected[] = {prng_below(&r, 4)};
	struct vm_config config = test_config(4, POLICY_RANDOM);
	config.seed = 7;
	check_run(&config, "0,1,2,3,4", 5, expected, 1);
}

/* Builds a pseudo-random refs list of n references to `pages` pages. */
static void random_refs(char *out, size_t cap, size_t n, uint64_t pages,
			uint64_t seed)
{
	struct prng r;
	prng_seed(&r, seed);
	size_t len = 0;
	for (size_t i = 0; i < n && len + 24 < cap; i++) {
		uint64_t p = prng_below(&r, pages);
		if (prng_below(&r, 4) == 0) /* locality: stay near 0 */
			p = prng_below(&r, 3);
		len += (size_t)snprintf(out + len, cap - len, "%s%llu",
					i ? "," : "", (unsigned long long)p);
	}
}

Test(replacement, opt_is_never_beaten)
{
	static char refs[8192];
	for (uint64_t seed = 1; seed <= 5; seed++) {
		random_refs(refs, sizeof refs, 400, 12, seed);
		for (size_t frames = 2; frames <= 6; frames += 2) {
			struct refs_run opt;
			struct vm_config config =
				test_config(frames, POLICY_OPT);
			run_refs(&config, refs, &opt);
			for (int k = 0; k < POLICY_COUNT; k++) {
				struct refs_run other;
				config.policy = (enum policy_kind)k;
				run_refs(&config, refs, &other);
				cr_assert_leq(opt.faults, other.faults,
					      "OPT (%llu) beaten by %s (%llu), "
					      "%zu frames",
					      (unsigned long long)opt.faults,
					      policy_name(config.policy),
					      (unsigned long long)other.faults,
					      frames);
			}
		}
	}
}

Test(replacement, policies_see_tlb_hits)
{
	/* With a TLB, most references never reach the page table; LRU must
	 * still hear of them, and CLOCK still see its accessed bits set, and
	 * both choose the same victims. */
	for (int k = 0; k < POLICY_COUNT; k++) {
		struct vm_config config = test_config(3, (enum policy_kind)k);
		struct refs_run plain, cached;
		run_refs(&config, TEXTBOOK, &plain);
		config.tlb_size = 8;
		run_refs(&config, TEXTBOOK, &cached);
		cr_assert_eq(plain.faults, cached.faults, "%s with a TLB",
			     policy_name(config.policy));
		cr_assert(memcmp(plain.victims, cached.victims,
				 sizeof plain.victims) == 0,
			  "%s chose other victims with a TLB",
			  policy_name(config.policy));
		/* CLOCK's sweeps clear the accessed bit, and so drop the TLB
		 * entry, of every page this short trace uses again: all its
		 * TLB lookups miss. */
		if (config.policy != POLICY_CLOCK)
			cr_assert_gt(cached.stats.tlb_hits, 0);
	}
}

/* Fills page i of n with bytes derived from i and round. */
static void fill_page(unsigned char *page, uint64_t i, int round)
{
	for (size_t b = 0; b < TEST_PAGE; b++)
		page[b] = (unsigned char)(i * 31 + b * 7 + (size_t)round);
}

Test(replacement, dirty_pages_survive_a_round_trip_through_swap)
{
	struct vm vm;
	struct vm_config config = test_config(2, POLICY_LRU);
	test_machine(&vm, &config);
	test_space(&vm, 0, 16 * TEST_PAGE, PTE_WRITABLE);
	unsigned char page[TEST_PAGE];
	for (uint64_t i = 0; i < 8; i++) {
		uint64_t pa;
		cr_assert_eq(vm_access(&vm, i * TEST_PAGE, ACCESS_WRITE, &pa),
			     VM_MINOR);
		fill_page(page, i, 1);
		memcpy(physmem_at(&vm.mem, pa), page, TEST_PAGE);
	}
	for (uint64_t i = 0; i < 8; i++) {
		uint64_t pa;
		enum vm_event e =
			vm_access(&vm, i * TEST_PAGE, ACCESS_READ, &pa);
		cr_assert_eq(e, VM_MAJOR, "page %llu should come from swap",
			     (unsigned long long)i);
		fill_page(page, i, 1);
		cr_assert(memcmp(physmem_at(&vm.mem, pa), page, TEST_PAGE) == 0,
			  "page %llu came back changed", (unsigned long long)i);
	}
	const struct vm_stats *s = vm_stats(&vm);
	cr_assert_eq(s->writebacks, 8, "every dirty victim is written once");
	cr_assert_eq(s->swap_ins, 8);
	cr_assert_eq(s->evictions, 14);
	struct stat st;
	cr_assert_eq(fstat(vm.swap.fd, &st), 0);
	cr_assert_geq((size_t)st.st_size, 8 * TEST_PAGE,
		      "the swap file must hold the pages");
	cr_assert_eq(st.st_nlink, 0, "the swap file should be unlinked");
	vm_free(&vm);
}

Test(replacement, clean_pages_are_dropped_not_written)
{
	struct vm vm;
	struct vm_config config = test_config(1, POLICY_FIFO);
	test_machine(&vm, &config);
	test_space(&vm, 0, 16 * TEST_PAGE, PTE_WRITABLE);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, 0, ACCESS_READ, &pa), VM_MINOR);
	cr_assert_eq(vm_access(&vm, TEST_PAGE, ACCESS_READ, &pa), VM_MINOR);
	cr_assert_eq(vm_stats(&vm)->writebacks, 0,
		     "a clean zero page is dropped");
	cr_assert_eq(vm_access(&vm, 0, ACCESS_READ, &pa), VM_MINOR,
		     "a dropped zero page is demand-zero again");
	cr_assert_eq(vm_access(&vm, 0, ACCESS_WRITE, &pa), VM_HIT);
	*physmem_at(&vm.mem, pa) = 'x';
	cr_assert_eq(vm_access(&vm, TEST_PAGE, ACCESS_READ, &pa), VM_MINOR);
	cr_assert_eq(vm_stats(&vm)->writebacks, 1, "a dirty page is written");
	cr_assert_eq(vm_access(&vm, 0, ACCESS_READ, &pa), VM_MAJOR);
	cr_assert_eq(*physmem_at(&vm.mem, pa), 'x');
	cr_assert_eq(vm_access(&vm, TEST_PAGE, ACCESS_READ, &pa), VM_MINOR);
	cr_assert_eq(vm_stats(&vm)->writebacks, 1,
		     "a clean page whose slot is current is not written again");
	cr_assert_eq(vm_access(&vm, 0, ACCESS_READ, &pa), VM_MAJOR);
	cr_assert_eq(*physmem_at(&vm.mem, pa), 'x');
	vm_free(&vm);
}

Test(replacement, eviction_updates_the_pte)
{
	struct vm vm;
	struct vm_config config = test_config(1, POLICY_FIFO);
	test_machine(&vm, &config);
	struct addr_space *as =
		test_space(&vm, 0, 16 * TEST_PAGE, PTE_WRITABLE);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, 0, ACCESS_WRITE, &pa), VM_MINOR);
	cr_assert_eq(vm_access(&vm, TEST_PAGE, ACCESS_WRITE, &pa), VM_MINOR);
	uint64_t pte = *pt_walk(&as->pt, 0, false);
	cr_assert_not(pte & PTE_PRESENT, "an evicted page is not present");
	cr_assert(pte & PTE_SWAPPED, "an evicted dirty page is in swap");
	cr_assert(pte & PTE_WRITABLE, "the PTE keeps its permissions");
	cr_assert_eq(pte_slot(pte), 0, "the PTE names the first slot");
	cr_assert_eq(vm.last_eviction.vpn, 0);
	cr_assert(vm.last_eviction.written);
	vm_free(&vm);
}

Test(replacement, eviction_invalidates_the_tlb)
{
	struct vm vm;
	struct vm_config config = test_config(1, POLICY_FIFO);
	config.tlb_size = 4;
	test_machine(&vm, &config);
	test_space(&vm, 0, 16 * TEST_PAGE, PTE_WRITABLE);
	uint64_t pa;
	cr_assert_eq(vm_access(&vm, 0, ACCESS_WRITE, &pa), VM_MINOR);
	*physmem_at(&vm.mem, pa) = 'a';
	cr_assert_eq(vm_access(&vm, TEST_PAGE, ACCESS_WRITE, &pa), VM_MINOR);
	*physmem_at(&vm.mem, pa) = 'b';
	cr_assert_eq(vm_access(&vm, 0, ACCESS_READ, &pa), VM_MAJOR,
		     "a stale TLB entry let an evicted page be used");
	cr_assert_eq(*physmem_at(&vm.mem, pa), 'a');
	cr_assert_eq(vm_access(&vm, TEST_PAGE, ACCESS_READ, &pa), VM_MAJOR);
	cr_assert_eq(*physmem_at(&vm.mem, pa), 'b');
	vm_free(&vm);
}
