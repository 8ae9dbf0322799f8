#!/bin/sh
# build.sh: in a package (package.sh), builds the grader and the grader's
# copy of each lab, whose objects every submission's build then reuses (only
# the student's files are compiled again). Each platform's setup runs it.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 1)
make -s -j"$jobs" -C "$ROOT/grader" TOP=.. grade
for lab in "$ROOT"/grader/official/*/; do
  make -s -j"$jobs" -C "$lab" TOP="$ROOT" WERROR= SANITIZE= > /dev/null
done
