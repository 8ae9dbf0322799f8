#!/bin/sh
# bench/alloc/run.sh: the lab's allocator (solutions/alloc) against glibc.
#
#     sh bench/alloc/run.sh [--quick]
#
# 1. mdriver --libc on every trace: utilization (deterministic) and
#    operations per second of mm and of glibc's malloc, per trace and
#    averaged.
# 2. Real programs, each run on glibc's malloc and with LD_PRELOAD of
#    libmm.so: their output must be identical; hyperfine gives the median
#    time of each. --quick runs fewer repetitions.
#
# A benchmark, not a test: the numbers vary with the machine and its load.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LAB=$ROOT/solutions/alloc
RUNS=20
[ "${1:-}" = "--quick" ] && RUNS=5

make -s -C "$LAB" TOP="$ROOT" mdriver libmm.so >/dev/null
cd "$LAB"

echo "== mdriver --libc traces/*.rep"
./mdriver --libc traces/*.rep

if ! command -v hyperfine >/dev/null 2>&1; then
  echo "hyperfine is not installed: skipping the real programs"
  exit 0
fi

TMP=$(mktemp -d /tmp/alloc-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
seq 1 200000 | awk '{ print ($1 * 7919) % 200003, "line", $1 }' > "$TMP/input"
cat > "$TMP/prog.py" <<'PY'
import json
rows = [list(range(i % 300)) for i in range(3000)]
text = json.dumps({str(i): r for i, r in enumerate(rows)})
print(len(text), sum(len(v) for v in json.loads(text).values()))
PY
# Both sides start through env, so that both pay for the same exec.
GLIBC="env"
PRELOAD="env LD_PRELOAD=$LAB/libmm.so"

# bench NAME COMMAND: checks that the output is the same, then times both.
bench() {
  name=$1
  cmd=$2
  $GLIBC sh -c "$cmd" > "$TMP/out.glibc" 2>&1
  $PRELOAD sh -c "$cmd" > "$TMP/out.mm" 2>&1
  if cmp -s "$TMP/out.glibc" "$TMP/out.mm"; then same=identical; else same=DIFFERENT; fi
  hyperfine -N --style none --warmup 2 --runs "$RUNS" \
    --export-csv "$TMP/times.csv" -n glibc "$GLIBC $cmd" -n libmm "$PRELOAD $cmd" \
    >/dev/null 2>&1
  awk -F, -v name="$name" -v same="$same" '
    NR == 2 { glibc = $4 }
    NR == 3 { mm = $4 }
    END { printf "%-10s %10.4f %10.4f %7.2f   output %s\n",
                 name, glibc, mm, mm / glibc, same }' "$TMP/times.csv"
}

echo
echo "== real programs: median seconds over $RUNS runs (hyperfine)"
printf "%-10s %10s %10s %7s\n" program glibc libmm ratio
bench ls "ls -l /usr/bin"
bench sort "sort $TMP/input"
bench python "/usr/bin/python3 $TMP/prog.py"
bench perl "perl -e 'my %h; \$h{\$_} = \"x\" x (\$_ % 100) for 1..200000; my @k = sort keys %h; print scalar(@k), \"\\n\"'"
bench bash "bash -c 'a=(); for i in \$(seq 1 20000); do a+=(\"item\$i\"); done; echo \${#a[@]}'"
bench git "git --version"
bench cc "cc -O2 -c $LAB/mm.c -o $TMP/mm.o"
