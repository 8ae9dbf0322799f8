#!/bin/sh
# bench/pagetable/run.sh: how fast vmsim is. Not a test: it prints figures.
#
#   1. refs/s of FIFO, LRU and CLOCK on a 20M-reference trace that hits
#      over 95% of the time (target: 10M refs/s or more);
#   2. a fault-heavy trace, where swap I/O dominates;
#   3. OPT at two trace sizes, 4x apart: the time should grow like n log n;
#   4. a replay of valgrind lackey's trace of `ls -l /usr/bin` with 64
#      frames (target: under 5 s).
#
# Traces and tools go to build/bench/ at the workbook's root (ignored by git)
# and are made once; delete the folder to make them again.
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/build/bench
LAB=$TOP/solutions/pagetable
VMSIM=$LAB/vmsim
mkdir -p "$OUT"

make -s -C "$LAB" vmsim
make -s -C "$TOP/bench/pagetable" TOP="$TOP" OUT="$OUT"

# make_trace FILE MODE N SEED: writes the trace unless it exists.
make_trace() {
	[ -s "$1" ] || "$OUT/gentrace" "$2" "$3" "$4" > "$1"
}

# field JSON NAME: the number after "NAME": in JSON.
field() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p"
}

now() {
	date +%s.%N
}

# run LABEL ARGS...: runs vmsim, prints references, faults, time, refs/s;
# leaves the seconds in $SECONDS_TAKEN.
run() {
	label=$1
	shift
	start=$(now)
	json=$("$VMSIM" --json "$@")
	end=$(now)
	refs=$(field "$json" references)
	faults=$(field "$json" faults)
	SECONDS_TAKEN=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
	awk -v l="$label" -v r="$refs" -v f="$faults" -v s="$SECONDS_TAKEN" \
		'BEGIN { printf "%-26s %9d refs %8d faults (%5.2f%% hits) %6.2f s %6.1f M refs/s\n",
			 l, r, f, 100 * (r - f) / r, s, r / s / 1e6 }'
}

echo "== 20M references, over 95% hits, 1024 frames"
make_trace "$OUT/hits-20M.refs" hits 20000000 1
for policy in fifo lru clock; do
	run "$policy" --frames 1024 --policy "$policy" --trace "$OUT/hits-20M.refs"
done
run "lru, 64-entry TLB" --frames 1024 --policy lru --tlb 64 \
	--trace "$OUT/hits-20M.refs"

echo "== fault-heavy: 2M references over 65536 pages, 64 frames"
make_trace "$OUT/faults-2M.refs" faults 2000000 2
run "lru" --frames 64 --policy lru --trace "$OUT/faults-2M.refs"

echo "== OPT at two sizes, 1024 frames"
make_trace "$OUT/hits-2M.refs" hits 2000000 3
make_trace "$OUT/hits-8M.refs" hits 8000000 3
run "opt, 2M" --frames 1024 --policy opt --trace "$OUT/hits-2M.refs"
small=$SECONDS_TAKEN
run "opt, 8M" --frames 1024 --policy opt --trace "$OUT/hits-8M.refs"
awk -v a="$small" -v b="$SECONDS_TAKEN" 'BEGIN {
	printf "time ratio 8M/2M: %.2f (n log n predicts %.2f; n^2 would be 16)\n",
	       b / a, 4 * log(8e6) / log(2e6) }'

echo "== valgrind lackey trace of ls -l /usr/bin, 64 frames"
if ! command -v valgrind > /dev/null; then
	echo "valgrind is not installed: skipped"
	exit 0
fi
if [ ! -s "$OUT/ls.lackey" ]; then
	valgrind --tool=lackey --trace-mem=yes --log-file="$OUT/ls.lackey" \
		ls -l /usr/bin > /dev/null
fi
echo "trace: $(wc -c < "$OUT/ls.lackey") bytes"
for policy in lru clock opt; do
	run "$policy" --frames 64 --policy "$policy" --trace "$OUT/ls.lackey"
done
