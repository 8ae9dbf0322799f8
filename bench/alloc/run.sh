#!/bin/sh
# bench/alloc/run.sh: the lab's allocator (solutions/alloc) against glibc.
#
#     sh bench/alloc/run.sh [--quick]
#
# 1. mdriver --libc on every trace: utilization (deterministic) and
#    operations per second of mm and of glibc's malloc, per trace and
#    averaged.
# 2. Utilization side by side: mm's from mdriver, glibc's from libc-util
#    (the same measure, with glibc's holdings read from mallinfo2).
# 3. Real programs, each run on glibc's malloc and with LD_PRELOAD of
#    libmm.so, on inputs that take glibc at least 0.2 s on the machine this
#    was written on: their output must be identical; hyperfine gives the
#    median time of each. --quick runs fewer repetitions.
#
# A benchmark, not a test: the numbers vary with the machine and its load.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LAB=$ROOT/solutions/alloc
RUNS=20
[ "${1:-}" = "--quick" ] && RUNS=5

TMP=$(mktemp -d /tmp/alloc-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

make -s -C "$LAB" TOP="$ROOT" mdriver libmm.so >/dev/null
make -s -C "$ROOT/bench/alloc" TOP="$ROOT" OUT="$TMP" >/dev/null
cd "$LAB"

echo "== mdriver --libc traces/*.rep"
./mdriver --libc traces/*.rep | tee "$TMP/mdriver.out"

echo
echo "== utilization: mm (mdriver) and glibc (libc-util, from mallinfo2)"
"$TMP/libc-util" traces/*.rep > "$TMP/libc-util.out"
awk 'FNR == 1 { file++ }
     file == 1 && / yes / { mm[$1] = $3 }
     file == 2 && FNR > 1 { printf "%-28s %7s %7.3f %7.2f\n", $1, mm[$1], $2,
                            mm[$1] / $2; sum_mm += mm[$1]; sum_libc += $2; n++ }
     file == 2 && FNR == 1 { printf "%-28s %7s %7s %7s\n", "trace", "mm",
                             "glibc", "ratio" }
     END { if (n) printf "%-28s %7.3f %7.3f %7.2f\n", "average", sum_mm / n,
                         sum_libc / n, sum_mm / sum_libc }' \
  "$TMP/mdriver.out" "$TMP/libc-util.out"

if ! command -v hyperfine >/dev/null 2>&1; then
  echo "hyperfine is not installed: skipping the real programs"
  exit 0
fi

seq 1 1000000 | awk '{ print ($1 * 7919) % 1000003, "line", $1 }' > "$TMP/input"
cat > "$TMP/prog.py" <<'PY'
import json
rows = [list(range(i % 300)) for i in range(12000)]
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

# A git history of 3000 commits of 200-line files, for git log -p.
git init -q "$TMP/repo"
awk 'BEGIN {
  for (c = 1; c <= 3000; c++) {
    data = ""
    for (l = 1; l <= 200; l++)
      data = data "line " l " of file " (c % 7) " version " int((c + l * 13) / 20) "\n"
    msg = "commit " c
    printf "commit refs/heads/main\ncommitter Bench <bench@example.org> %d +0000\n", 1700000000 + c
    printf "data %d\n%s\nM 644 inline f%d.txt\ndata %d\n%s\n", length(msg), msg, c % 7, length(data), data
  } }' | git -C "$TMP/repo" fast-import --quiet

echo
echo "== real programs: median seconds over $RUNS runs (hyperfine)"
printf "%-10s %10s %10s %7s\n" program glibc libmm ratio
bench ls "ls -lR /usr/share"
bench sort "sort $TMP/input"
bench python "/usr/bin/python3 $TMP/prog.py"
bench perl "perl -e 'my %h; \$h{\$_} = \"x\" x (\$_ % 100) for 1..200000; my @k = sort keys %h; print scalar(@k), \"\\n\"'"
bench bash "bash -c 'a=(); for i in \$(seq 1 200000); do a+=(\"item\$i\"); done; echo \${#a[@]}'"
bench git "git -C $TMP/repo log -p main"
bench cc "cc -O2 -c $LAB/mm.c -o $TMP/mm.o"
