/*
 * Stage 1: physical memory, pages and offsets.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "pagetable.h"
#include "physmem.h"

TestSuite(memory, .fini = harness_test_finished);

Test(memory, frames_hold_their_own_bytes)
{
	struct physmem pm;
	cr_assert_eq(physmem_init(&pm, 4, 4096), 0);
	for (size_t f = 0; f < 4; f++)
		memset(physmem_frame(&pm, f), 'a' + (int)f, 4096);
	for (size_t f = 0; f < 4; f++) {
		const unsigned char *bytes = physmem_frame(&pm, f);
		for (size_t i = 0; i < 4096; i++)
			cr_assert_eq(bytes[i], 'a' + f, "frame %zu byte %zu", f,
				     i);
	}
	cr_assert_eq(physmem_frame(&pm, 3) - physmem_frame(&pm, 0), 3 * 4096);
	cr_assert_eq(physmem_at(&pm, 2 * 4096 + 7), physmem_frame(&pm, 2) + 7);
	physmem_free(&pm);
}

Test(memory, fresh_frames_hold_junk)
{
	struct physmem pm;
	cr_assert_eq(physmem_init(&pm, 2, 64), 0);
	for (size_t i = 0; i < 128; i++)
		cr_assert_eq(*physmem_at(&pm, i), PHYSMEM_JUNK);
	physmem_free(&pm);
}

Test(memory, bad_sizes_are_refused)
{
	struct physmem pm;
	cr_assert_eq(physmem_init(&pm, 0, 4096), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(physmem_init(&pm, 4, 3000), -1);
	cr_assert_eq(physmem_init(&pm, 4, 0), -1);
}

Test(memory, default_layout_is_x86_64)
{
	struct layout l;
	cr_assert_eq(layout_init(&l, 4096, 4, 48), 0);
	cr_assert_eq(l.page_size, 4096);
	cr_assert_eq(l.offset_bits, 12);
	cr_assert_eq(l.levels, 4);
	cr_assert_eq(l.level_bits, 9);
	cr_assert_eq(l.va_bits, 48);
}

Test(memory, two_levels_of_ten_bits)
{
	struct layout l;
	cr_assert_eq(layout_init(&l, 4096, 2, 32), 0);
	cr_assert_eq(l.offset_bits, 12);
	cr_assert_eq(l.level_bits, 10);
}

Test(memory, uneven_levels_round_up)
{
	struct layout l;
	cr_assert_eq(layout_init(&l, 8192, 4, 48), 0); /* 35 vpn bits */
	cr_assert_eq(l.offset_bits, 13);
	cr_assert_eq(l.level_bits, 9);
	cr_assert_eq(layout_init(&l, 16, 3, 20), 0); /* 16 vpn bits */
	cr_assert_eq(l.offset_bits, 4);
	cr_assert_eq(l.level_bits, 6);
}

Test(memory, bad_layouts_are_refused)
{
	struct layout l;
	cr_assert_eq(layout_init(&l, 3000, 4, 48), -1);
	cr_assert_eq(layout_init(&l, 4096, 0, 48), -1);
	cr_assert_eq(layout_init(&l, 4096, 4, 64), -1);
	cr_assert_eq(layout_init(&l, 4096, 4, 15), -1);
	cr_assert_not_null(layout_check(4096, 1, 40)); /* 28 bits in a level */
	cr_assert_null(layout_check(4096, 4, 48));
}

/* Checks vpn and offset of va against their definition. */
static void check_split(const struct layout *l, uint64_t va)
{
	uint64_t vpn = layout_vpn(l, va), offset = layout_offset(l, va);
	cr_assert_lt(offset, l->page_size, "offset of %#llx",
		     (unsigned long long)va);
	cr_assert_eq(vpn * l->page_size + offset, va,
		     "vpn * page_size + offset != va for %#llx, %zu-byte pages",
		     (unsigned long long)va, l->page_size);
}

Test(memory, vpn_and_offset_split_an_address)
{
	static const size_t SIZES[] = {16, 4096, 1 << 21};
	static const uint64_t ADDRESSES[] = {
		0,    1,    15,         16,           4095,
		4096, 4097, 0x7ffd1234, 0x1ffefffb88, 0xffffffffffffu,
	};
	for (size_t s = 0; s < sizeof SIZES / sizeof *SIZES; s++) {
		struct layout l;
		cr_assert_eq(layout_init(&l, SIZES[s], 4, 48), 0);
		for (size_t a = 0; a < sizeof ADDRESSES / sizeof *ADDRESSES;
		     a++)
			check_split(&l, ADDRESSES[a]);
	}
	struct layout l;
	cr_assert_eq(layout_init(&l, 4096, 4, 48), 0);
	cr_assert_eq(layout_vpn(&l, 0x7ffd1234), 0x7ffd1);
	cr_assert_eq(layout_offset(&l, 0x7ffd1234), 0x234);
}

Test(memory, physical_address_is_frame_times_page_size_plus_offset)
{
	struct layout l;
	cr_assert_eq(layout_init(&l, 4096, 4, 48), 0);
	cr_assert_eq(layout_pa(&l, 0, 0), 0);
	cr_assert_eq(layout_pa(&l, 3, 0x10), 3 * 4096 + 0x10);
	cr_assert_eq(layout_pa(&l, 1000, 4095), 1000 * 4096 + 4095);
	cr_assert_eq(layout_init(&l, 64, 2, 20), 0);
	cr_assert_eq(layout_pa(&l, 5, 63), 5 * 64 + 63);
}
