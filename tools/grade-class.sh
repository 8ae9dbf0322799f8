#!/bin/sh
# grade-class.sh: grades every submission of a class, one after the other.
#
#     sh tools/grade-class.sh CLASS_DIR OUT_DIR [GRADE_OPTION...]
#
# CLASS_DIR holds one folder per student, named after the student: either
# shaped like labs/ (isolation/, pagetable/, alloc/) or holding a labs/
# folder (a clone of the workbook). OUT_DIR receives, for each student
# NAME, NAME.txt (the grader's table) and NAME.json (its JSON report), and
# class.csv with one row per student (see grader/grade --csv). The grader
# runs with --sandbox on, so nothing is graded without the sandbox;
# GRADE_OPTIONs are passed on (--sandbox off overrides, --lab, --stage).
set -eu

if [ $# -lt 2 ] || [ ! -d "$1" ]; then
  echo "usage: sh tools/grade-class.sh CLASS_DIR OUT_DIR [GRADE_OPTION...]" >&2
  [ $# -ge 1 ] && [ ! -d "$1" ] && echo "grade-class: no folder $1" >&2
  exit 2
fi
class=$1
out=$2
shift 2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
rm -f "$out/class.csv"

graded=0
for dir in "$class"/*/; do
  [ -d "$dir" ] || continue
  name=$(basename "$dir")
  submission=${dir%/}
  [ -d "$submission/labs" ] && submission=$submission/labs
  status=0
  "$ROOT/grader/grade" --sandbox on --json "$out/$name.json" \
    --csv "$out/class.csv" --name "$name" "$@" "$submission" \
    > "$out/$name.txt" 2>&1 || status=$?
  if [ "$status" -eq 2 ]; then
    # A usage error or no sandbox: the same for every student, so stop.
    cat "$out/$name.txt" >&2
    exit 2
  fi
  score=$(grep '^Score:' "$out/$name.txt" | tail -1)
  printf '%-24s %s\n' "$name" "${score:-no score: see $out/$name.txt}"
  graded=$((graded + 1))
done
echo "$graded submissions graded; the table is $out/class.csv"
