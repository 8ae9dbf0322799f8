#!/bin/sh
# sort-compare: sort the same 200,000 numbers with glibc's malloc and with
# the lab's libmm.so (chapter 11), and print the time and peak memory of each.
# Run from the workbook's root, after building solutions/alloc.
set -e
input=$(mktemp)
trap 'rm -f "$input"' EXIT
seq 200000 | sort -R --random-source=/dev/zero > "$input"
/usr/bin/time -f 'glibc malloc: %e s, max RSS %M KiB' sort -n "$input" > /dev/null
LD_PRELOAD=solutions/alloc/libmm.so \
	/usr/bin/time -f 'libmm.so:     %e s, max RSS %M KiB' sort -n "$input" > /dev/null
