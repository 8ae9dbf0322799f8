#!/bin/sh
# tests/run.sh: the workbook's own tests, run by `make test` after `make all`.
#
# With solutions/ (the instructors' tree):
#   1. the grader gives solutions/ full marks;
#   2. a fresh generation of the skeletons builds and scores 0, with no
#      grader error (never labs/, which holds the student's own work): a
#      point an untouched skeleton earns is a check of given code; and the
#      same skeleton with every function exiting 0 at once scores 0;
#   3. the skeletons as shipped (grader/official/, and labs/ as committed)
#      match a fresh generation;
#   4. every rubric's SECTION names a heading that exists in chapters/.
# Always (also in the student handout, without solutions/):
#   5. no chapter pastes C code: listings come through the include filter;
#   6. the grader's own tests (compile error, crash, hang, flood...).
set -eu
cd "$(dirname "$0")/.."
out=build/test
rm -rf "$out"
mkdir -p "$out"
failed=0

# The grader refuses to run code other than labs/ unconfined; where
# bubblewrap cannot work here, these tests grade our own trees without it.
sandbox=
if ! bwrap --unshare-all --unshare-user --disable-userns --cap-drop ALL \
    --ro-bind / / true > /dev/null 2>&1; then
  echo "note: bubblewrap cannot make a sandbox here; grading our own trees with --sandbox off"
  sandbox="--sandbox off"
fi

fail() {
  echo "FAIL: $*" >&2
  failed=1
}

score_of() {  # prints "X Y" from the last "Score: X/Y" line of a table
  sed -n 's|^Score: \([0-9]*\)/\([0-9]*\)$|\1 \2|p' "$1" | tail -n 1
}

if [ -d solutions ]; then
  echo "== 1. grading solutions/ (full marks required)"
  grader/grade $sandbox --json "$out/solutions.json" solutions | tee "$out/solutions.txt"
  set -- $(score_of "$out/solutions.txt")
  if [ "$#" -ne 2 ] || [ "$2" -eq 0 ] || [ "$1" -ne "$2" ]; then
    fail "solutions/ did not get full marks"
  fi

  echo "== 2. grading a fresh skeleton generation (must score 0)"
  mkdir -p "$out/skeleton"
  for lab in solutions/*/; do
    name=$(basename "$lab")
    tools/skelgen "solutions/$name" "$out/skeleton/$name"
  done
  grader/grade $sandbox --json "$out/skeleton.json" "$out/skeleton" > "$out/skeleton.txt" \
    || fail "the grader failed on the skeletons (see $out/skeleton.txt)"
  tail -n 1 "$out/skeleton.txt"
  set -- $(score_of "$out/skeleton.txt")
  if [ "$#" -ne 2 ] || [ "$1" -ge "$2" ]; then
    fail "the skeletons do not score less than full marks"
  elif [ "$1" -ne 0 ]; then
    grep '^  PASS' "$out/skeleton.txt" >&2
    fail "an untouched skeleton earns points: those checks test given code"
  fi
  if grep -q "does not compile" "$out/skeleton.txt"; then
    fail "a skeleton does not compile (see $out/skeleton.txt)"
  fi

  echo "== 2b. a submission whose every function exits 0 at once (must score 0)"
  # Each editable file of the skeleton, with _exit(0) as the first statement
  # of every function: no run or Valgrind row may pass on an exit status.
  rm -rf "$out/exits" && cp -R "$out/skeleton" "$out/exits"
  grader/grade $sandbox --list-files | grep '\.c$' | while read -r file; do
    sed -i -e '1i #include <unistd.h>' -e 's/^{$/{ _exit(0);/' "$out/exits/$file"
  done
  grader/grade $sandbox "$out/exits" > "$out/exits.txt" \
    || fail "the grader failed on the exit-0 submission (see $out/exits.txt)"
  tail -n 1 "$out/exits.txt"
  set -- $(score_of "$out/exits.txt")
  if [ "$#" -ne 2 ] || [ "$1" -ne 0 ]; then
    grep '^  PASS' "$out/exits.txt" >&2
    fail "code that exits with status 0 at once earns points"
  fi

  echo "== 3. skeletons in sync with solutions/"
  for lab in solutions/*/; do
    name=$(basename "$lab")
    if ! diff -r "$out/skeleton/$name" "grader/official/$name" > "$out/sync-$name.diff"; then
      fail "grader/official/$name is out of date: run 'make skeletons' (see $out/sync-$name.diff)"
    fi
    # labs/ (the students' copy) as committed: every generated file, no other
    if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
      { git ls-files "labs/$name" | sed "s|^labs/$name/||"
        (cd "$out/skeleton/$name" && find . -type f | sed 's|^\./||'); } |
      sort -u | while read -r f; do
        cmp -s "labs/$name/$f" "$out/skeleton/$name/$f" || echo "labs/$name/$f"
      done > "$out/labs-sync-$name.txt"
      if [ -s "$out/labs-sync-$name.txt" ]; then
        cat "$out/labs-sync-$name.txt" >&2
        fail "labs/$name differs from a fresh generation: run 'make skeletons'"
      fi
    fi
  done

  echo "== 4. rubric sections point at real headings"
  for rubric in grader/official/*/rubric; do
    grep -E '^(test|run|valgrind) ' "$rubric" | awk -F ' [|] ' '{print $4}' | sort -u |
    while read -r section; do
      file=${section%%#*}
      anchor=${section#*#}
      if [ ! -f "chapters/$file" ]; then
        echo "FAIL: $rubric names chapters/$file, which does not exist" >&2
        echo x >> "$out/sections.bad"
      elif [ "$anchor" != "$section" ] && ! grep -q "{#$anchor[ }]" "chapters/$file"; then
        echo "FAIL: $rubric names #$anchor, not a heading id in chapters/$file" >&2
        echo x >> "$out/sections.bad"
      fi
    done
  done
  [ -f "$out/sections.bad" ] && fail "rubric sections without a heading"
fi

echo "== 5. chapters show C only through the include filter"
if grep -nE '^(```|~~~) *(c|\{\.c\})? *$|^(```|~~~) *\{\.c( [^}]*)?\}' chapters/*.md |
   grep -vE '^[^:]*:[0-9]+:(```|~~~) *$' | grep -v 'include=' > "$out/pasted.txt"; then
  cat "$out/pasted.txt" >&2
  fail "C code pasted into a chapter: include it by anchor instead"
fi

echo "== 6. the grader's own tests"
make -s -C grader check || fail "the grader's own tests"

if [ "$failed" -ne 0 ]; then
  echo "make test: FAILED" >&2
  exit 1
fi
echo "make test: all passed"
