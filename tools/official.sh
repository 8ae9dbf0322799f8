#!/bin/sh
# official.sh LAB_DIR...: makes grader/official/ (the grader's own copy of
# each lab: the skeleton, with the official tests, rubric and Makefile)
# from solutions/LAB with tools/skelgen, and builds it there.
#
# The build is what the grader copies for each submission (lab.c), so that
# only the objects of the student's files are compiled again: the tests,
# the harness and the given code are compiled once, not once per
# submission. A lab whose generated sources did not change (their SHA-256
# sums, in grader/official/.LAB.sums) keeps its build. In a handout (no
# solutions/) the shipped grader/official/ is only built.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
out=grader/official
if [ -d solutions ]; then
  mkdir -p "$out"
  for lab in "$@"; do
    name=$(basename "$lab")
    new=$out/.$name.new # hidden: the grader takes no dot folder for a lab
    rm -rf "$new"
    tools/skelgen "$lab" "$new"
    sums=$(cd "$new" && find . -type f | LC_ALL=C sort | xargs sha256sum)
    if [ -d "$out/$name" ] && [ "$sums" = "$(cat "$out/.$name.sums" 2>/dev/null)" ]; then
      rm -rf "$new" # unchanged: keep its build
    else
      rm -rf "$out/$name" && mv "$new" "$out/$name"
      printf '%s\n' "$sums" > "$out/.$name.sums"
    fi
  done
elif [ ! -d "$out" ]; then
  echo "no solutions/ and no grader/official/: the grader has no labs" >&2
  exit 1
fi
for lab in "$out"/*/; do
  make -s -C "$lab" TOP="$ROOT" WERROR= SANITIZE= > /dev/null ||
    { echo "official.sh: $lab does not build" >&2; exit 1; }
done
