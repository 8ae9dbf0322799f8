#!/bin/sh
# grade-class.sh: grades every submission of a class.
#
#     sh tools/grade-class.sh [-j JOBS] CLASS_DIR OUT_DIR [GRADE_OPTION...]
#
# CLASS_DIR holds one folder per student, named after the student: either
# shaped like labs/ (isolation/, pagetable/, alloc/) or holding a labs/
# folder (a clone of the workbook). OUT_DIR receives, for each student
# NAME, NAME.txt (the grader's table), NAME.json (its JSON report) and
# NAME.csv (its row), and class.csv with one row per student, sorted by
# name (see grader/grade --csv). The grader runs with --sandbox on, so
# nothing is graded without the sandbox; GRADE_OPTIONs are passed on
# (--sandbox off overrides, --lab, --stage).
#
# It prints one line per student as each is graded (name and score); on a
# terminal, a status line below them says how many are graded, how many
# are left and about how long the rest will take.
#
# -j JOBS grades that many submissions at once (default 1; each then grades
# its labs one at a time, where alone it grades one lab per core at once).
# The first is graded alone, so that a missing sandbox stops everything at once. Every
# check has a wall-clock limit, so keep JOBS at or below the number of
# cores, or slow submissions may time out only because the machine is busy.
set -eu

usage() {
  echo "usage: sh tools/grade-class.sh [-j JOBS] CLASS_DIR OUT_DIR [GRADE_OPTION...]" >&2
  exit 2
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)

# grade_one OUT_DIR STUDENT_DIR [GRADE_OPTION...]: grades one student.
# Exits 2 if the grader refused (a usage error or no sandbox).
if [ "${1:-}" = "--one" ]; then
  shift
  out=$1
  dir=${2%/}
  shift 2
  name=$(basename "$dir")
  submission=$dir
  # A link would let a student hand in someone else's folder (or the
  # solutions): a linked labs/ is not followed, so nothing in it is graded.
  if [ -L "$dir/labs" ]; then
    echo "grade-class: $name: labs is a symbolic link: not followed" >&2
  elif [ -d "$dir/labs" ]; then
    submission=$dir/labs
  fi
  rm -f "$out/$name.csv"
  status=0
  "$ROOT/grader/grade" --sandbox on --json "$out/$name.json" \
    --csv "$out/$name.csv" --name "$name" "$@" "$submission" \
    > "$out/$name.txt" 2>&1 || status=$?
  if [ "$status" -eq 2 ]; then
    cat "$out/$name.txt" >&2
    exit 2
  fi
  score=$(grep '^Score:' "$out/$name.txt" | tail -1 || true)
  printf '%-24s %s\n' "$name" "${score:-no score: see $out/$name.txt}"
  exit 0
fi

jobs=1
if [ "${1:-}" = "-j" ]; then
  [ $# -ge 2 ] || usage
  jobs=$2
  shift 2
  case $jobs in ''|*[!0-9]*|0) echo "grade-class: -j needs a positive number" >&2; exit 2 ;; esac
fi
[ $# -ge 2 ] || usage
if [ ! -d "$1" ]; then
  echo "grade-class: no folder $1" >&2
  exit 2
fi
class=$1
out=$2
shift 2
# With JOBS submissions at once, each grades its labs one at a time (the
# grader's --jobs; a GRADE_OPTION --jobs, coming after, still wins): the
# machine then runs JOBS labs at once, not JOBS times its cores.
if [ "$jobs" -gt 1 ]; then
  set -- --jobs 1 "$@"
fi
mkdir -p "$out"
rm -f "$out/class.csv"

# The students' folders, one per line (names with a newline are refused).
list=$(mktemp)
trap 'rm -f "$list"' EXIT
for dir in "$class"/*/; do
  [ -d "$dir" ] || continue
  if [ -L "${dir%/}" ]; then
    echo "grade-class: skipping ${dir%/}: a symbolic link, not a student's folder" >&2
    continue
  fi
  case $dir in *'
'*) echo "grade-class: skipping a folder whose name holds a newline" >&2; continue ;; esac
  printf '%s\n' "${dir%/}" >> "$list"
done
total=$(wc -l < "$list")
if [ "$total" -eq 0 ]; then
  echo "grade-class: no student folders in $class" >&2
  exit 2
fi

# progress: on a terminal, a status line under the students' lines (graded,
# left, the time to go at the pace so far); elsewhere only those lines
started=$(date +%s)
done_count=0
progress() {
  while IFS= read -r line; do
    done_count=$((done_count + 1))
    if [ -t 1 ]; then
      elapsed=$(( $(date +%s) - started ))
      left=$((total - done_count))
      eta=$(( elapsed * left / done_count ))
      printf '\r\033[K%s\n' "$line"
      if [ "$left" -gt 0 ]; then
        printf 'graded %d of %d, %d left, about %dm%02ds to go' \
          "$done_count" "$total" "$left" $((eta / 60)) $((eta % 60))
      fi
    else
      printf '%s\n' "$line"
    fi
  done
}

# The first alone: if the sandbox cannot run, stop here.
first=$(head -n 1 "$list")
line=$(sh "$0" --one "$out" "$first" "$@") || exit 2
printf '%s\n' "$line" | progress
# The rest, JOBS at a time.
status=$(mktemp)
trap 'rm -f "$list" "$status"' EXIT
{ tail -n +2 "$list" | tr '\n' '\0' |
  xargs -0 -r -P "$jobs" -I{} sh "$0" --one "$out" {} "$@" || echo 2 > "$status"; } |
  { done_count=1; progress; }
if [ -s "$status" ]; then exit 2; fi

# One table: the header once, then this run's rows, sorted by name.
head -n 1 "$out/$(basename "$first").csv" > "$out/class.csv"
while IFS= read -r dir; do
  row="$out/$(basename "$dir").csv"
  [ -f "$row" ] && tail -n +2 "$row"
done < "$list" | sort >> "$out/class.csv"
echo "$total submissions graded; the table is $out/class.csv"
