#!/bin/sh
# tests/stage-audit.sh: the done-up-to-stage-k audit (CONTRIBUTING.md,
# "Solution regions and stubs"), run by tests/run.sh.
#
#     tests/stage-audit.sh [--full] [--jobs N] [--out DIR] [GRADE-OPTIONS...]
#
# For every lab and every k from 1 to its last stage but one, makes the copy
# of a student who has done stages 1 to k (tools/skelgen --upto k), grades
# it, and requires every stage up to k at full marks and every later stage
# at 0: a later stage's row that passes early is a check the earlier code
# earns (or given code does); an earlier stage's row that fails is one that
# needs later code. k = 0 (the skeleton) and the last stage (the solution)
# are tests/run.sh's steps 1 and 2; --full grades them here too.
#
# To save time, the copy done up to k is graded on stages k and k+1 only
# (grade --stages k-(k+1)): a row of a stage s that passes too early shows
# in the copy done up to s-1, a row of stage k that needs later code shows
# in the copy done up to k, and the earlier stages were each graded in
# their own copy; a row that passes there but fails once later code is in
# would be strange, and the solution's full marks (tests/run.sh step 1)
# would catch most of it (--full grades every stage of every copy).
#
# A source file with interim code (skelgen's "// INTERIM" blocks, the code
# of a region as of an earlier stage) is built with -Werror in every copy
# and checked against .clang-format, since only these copies compile it.
#
# tests/stage-audit.known lists the mismatches not fixed yet, "LAB K STAGE |
# why", one a line: they are reported, not failed; one that no longer
# happens fails, so that the list only shrinks.
#
# One grader run grades every lab of one copy; copies are graded --jobs at a
# time (2 by default; every check has a wall-clock limit, so stay at or below
# the number of cores). GRADE-OPTIONS (--sandbox off...) go to the grader.
# Prints a table (lab, k, stage, expected, got) and exits 1 on a mismatch,
# naming the rows at fault. Needs `make all` first (tools/skelgen,
# tools/score, grader/grade, and grader/official/, the copy of the tests and
# given files that the grader uses: a change to them counts only once made).
set -eu
cd "$(dirname "$0")/.."

full=0
jobs=2
out=build/test/audit
while [ "$#" -gt 0 ]; do
  case $1 in
    --full) full=1 ;;
    --jobs) jobs=$2; shift ;;
    --out) out=$2; shift ;;
    *) break ;;
  esac
  shift
done
case $jobs in
  '' | *[!0-9]* | 0) echo "stage-audit: --jobs wants a number >= 1, not '$jobs'" >&2; exit 2 ;;
esac
for tool in tools/skelgen tools/score grader/grade; do
  [ -x "$tool" ] || { echo "stage-audit: $tool is missing: run make all first" >&2; exit 2; }
done

stages_of() {  # the number of stages in a lab's rubric
  grep -c '^stage ' "solutions/$1/rubric"
}

rm -rf "$out"
mkdir -p "$out"
labs=$(cd solutions && for d in */; do [ -f "$d/rubric" ] && echo "${d%/}"; done)
most=0
for lab in $labs; do
  n=$(stages_of "$lab")
  [ "$n" -gt "$most" ] && most=$n
done
first=1 last=$((most - 1))
[ "$full" -eq 1 ] && first=0 last=$most

# The copies: $out/K/LAB, for each lab that k leaves unfinished (or all, --full).
k=$first
while [ "$k" -le "$last" ]; do
  for lab in $labs; do
    n=$(stages_of "$lab")
    if [ "$full" -eq 1 ] || [ "$k" -lt "$n" ]; then
      mkdir -p "$out/$k"
      if [ "$k" -eq 0 ]; then
        tools/skelgen "solutions/$lab" "$out/$k/$lab"
      else
        tools/skelgen --upto "$k" "solutions/$lab" "$out/$k/$lab"
      fi
    fi
  done
  k=$((k + 1))
done

# Grade them, --jobs at a time; a copy's report is $out/K.json.
start=$(date +%s)
ls "$out" | sort -rn | xargs -P "$jobs" -I K sh -c '
  stage="--stages K-$((K + 1))"
  [ "$1" -eq 1 ] && stage=
  shift
  grader/grade "$@" $stage --json "$0/K.json" "$0/K" > "$0/K.txt" 2>&1 ||
    echo "stage-audit: the grader failed on $0/K (see $0/K.txt)" >&2' "$out" "$full" "$@"
echo "stage-audit: graded $(ls "$out" | grep -c '^[0-9]*$') copies in $(($(date +%s) - start)) s"

# The rows of a lab's stage that passed ($2 = PASS) or did not, from a table.
rows() {  # rows TABLE LAB STAGE PASS|FAIL
  awk -v lab="$2" -v stage="$3" -v want="$4" '
    /^== / { in_lab = ($2 == lab) }
    /^  Stage [0-9]+:/ { sub(":", "", $2); cur = $2 }
    in_lab && cur == stage && /^  [A-Z]+ / {
      if ((want == "PASS") == ($1 == "PASS")) print "      " $0
    }' "$1"
}

known=tests/stage-audit.known
is_known() {  # is_known LAB K STAGE: listed in $known
  [ -f "$known" ] && grep -q "^$1 $2 $3 |" "$known"
}

bad=0
: > "$out/seen-known.txt"
printf '%-10s %2s %5s %9s %9s\n' lab k stage expected got > "$out/table.txt"
for copy in $(ls "$out" | grep '^[0-9]*$' | sort -n); do
  for lab in $(ls "$out/$copy"); do
    tools/score --stages "$out/$copy.json" "$lab" > "$out/$copy-$lab.stages" 2> /dev/null || {
      echo "FAIL: no report for $lab done up to stage $copy (see $out/$copy.txt)" >&2
      bad=1
      continue
    }
    while read -r stage score max; do
      if [ "$stage" -le "$copy" ]; then want=$max; else want=0; fi
      mark=
      if [ "$score" -ne "$want" ] && is_known "$lab" "$copy" "$stage"; then
        mark='  <-- known gap'
        echo "$lab $copy $stage" >> "$out/seen-known.txt"
      elif [ "$score" -ne "$want" ]; then
        mark='  <-- wrong'
        bad=1
        {
          echo "FAIL: $lab done up to stage $copy: stage $stage scores $score/$max, expected $want"
          if [ "$stage" -le "$copy" ]; then rows "$out/$copy.txt" "$lab" "$stage" FAIL
          else rows "$out/$copy.txt" "$lab" "$stage" PASS; fi
        } >> "$out/failures.txt"
      fi
      printf '%-10s %2s %5s %9s %9s%s\n' "$lab" "$copy" "$stage" "$want/$max" "$score/$max" "$mark" >> "$out/table.txt"
    done < "$out/$copy-$lab.stages"
  done
done
cat "$out/table.txt"

# Interim code (skelgen's "// INTERIM" blocks) is compiled only in these
# copies, by the grader, without -Werror: hold it to the workbook's
# warnings and format here, in every copy that has one of its files.
for src in $(grep -rl --include='*.c' '^[[:space:]]*// INTERIM (' solutions || true); do
  lab=${src#solutions/}
  lab=${lab%%/*}
  rel=${src#"solutions/$lab/"}
  for copy in "$out"/*/"$lab"; do
    [ -f "$copy/$rel" ] || continue
    if ! make -s -C "$copy" TOP="$PWD" WERROR=-Werror "${rel%.c}.o" > "$out/interim.log" 2>&1; then
      cat "$out/interim.log" >&2
      echo "FAIL: $copy/$rel does not compile with -Werror (an interim block of $src?)" >> "$out/failures.txt"
      bad=1
    fi
    if command -v clang-format > /dev/null &&
        ! clang-format --style="file:$PWD/.clang-format" --dry-run --Werror "$copy/$rel" 2> "$out/interim.log"; then
      head -n 20 "$out/interim.log" >&2
      echo "FAIL: $copy/$rel is not formatted (an interim block of $src?): write it as make format would" >> "$out/failures.txt"
      bad=1
    fi
  done
done
if [ -f "$known" ]; then
  grep -v '^#' "$known" | grep -v '^ *$' | while read -r lab k stage rest; do
    if [ -d "$out/$k/$lab" ] && ! grep -qx "$lab $k $stage" "$out/seen-known.txt"; then
      if [ "$full" -eq 1 ] || { [ "$stage" -ge "$k" ] && [ "$stage" -le $((k + 1)) ]; }; then
        echo "FAIL: $known lists $lab $k $stage, which is fixed now: remove the line" >&2
        echo x >> "$out/stale-known.txt"
      fi
    fi
  done
  [ -f "$out/stale-known.txt" ] && bad=1
fi
if [ "$bad" -ne 0 ]; then
  [ -f "$out/failures.txt" ] && cat "$out/failures.txt" >&2
  echo "stage-audit: FAILED: a stage's points do not come with its own code" >&2
  exit 1
fi
echo "stage-audit: every copy done up to stage k earns exactly stages 1 to k"
