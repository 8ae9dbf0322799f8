#!/bin/sh
# tests/chapter-order.sh: chapter order is lab order, run by tests/run.sh.
#
#     tests/chapter-order.sh [RUBRIC...]     (default: solutions/*/rubric)
#
# A reader who reads the chapters in order and does each lab stage where a
# chapter's Lab section names it ("**Lab: LAB, stage 3..." or "stages 1 and
# 2", "stages 5 to 8", "stages 4, 5 and 6") must have met every stage's
# material by then. So, for each lab:
#
#   1. every stage of its rubric is named by exactly one chapter;
#   2. the chapters naming stages 1, 2, 3... are in reading order;
#   3. every row of a stage points (SECTION) into that stage's chapter or an
#      earlier one: a row may send the reader back (chapter 8's contract in
#      a chapter 10 stage), never ahead.
#
# (Rows of a stage may point back past the previous stage's chapter, so the
# rows' chapters need not rise row by row: chapter 10's stage 4 checks
# chapter 8's calloc.) Prints what is wrong and exits 1, or exits 0.
set -eu
cd "$(dirname "$0")/.."
[ "$#" -gt 0 ] || set -- solutions/*/rubric

# "LAB STAGE CHAPTER" for every stage a chapter's Lab line names.
claims() {
  for md in chapters/[0-9][0-9]-*.md; do
    chapter=$(basename "$md" | sed 's/^0*\([0-9][0-9]*\)-.*/\1/')
    grep -o '\*\*Lab: [a-z]*, stages\{0,1\} [0-9][0-9, andto]*' "$md" |
      sed 's/^\*\*Lab: //' | while read -r lab words; do
        lab=${lab%,}
        # "stages 5 to 8" -> 5 6 7 8; "stages 4, 5 and 6" -> 4 5 6
        set -- $(echo "$words" | sed 's/stages\{0,1\}//; s/,/ /g; s/ and / /g')
        while [ "$#" -gt 0 ]; do
          if [ "$#" -ge 3 ] && [ "$2" = to ]; then
            s=$1
            while [ "$s" -le "$3" ]; do echo "$lab $s $chapter"; s=$((s + 1)); done
            shift 3
          else
            echo "$lab $1 $chapter"
            shift
          fi
        done
      done
  done
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
claims > "$tmp/claims"
bad=0
for rubric in "$@"; do
  lab=$(basename "$(dirname "$rubric")")
  prev=0
  for stage in $(sed -n 's/^stage \([0-9]*\) .*/\1/p' "$rubric"); do
    n=$(grep -c "^$lab $stage " "$tmp/claims" || true)
    if [ "$n" -ne 1 ]; then
      echo "FAIL: $lab stage $stage is named by $n chapters' Lab sections, not 1" >&2
      bad=1
      continue
    fi
    chapter=$(awk -v l="$lab" -v s="$stage" '$1 == l && $2 == s { print $3 }' "$tmp/claims")
    if [ "$chapter" -lt "$prev" ]; then
      echo "FAIL: $lab stage $stage comes with chapter $chapter, after a stage of chapter $prev" >&2
      bad=1
    fi
    prev=$chapter
    grep -E "^(test|run|valgrind) $stage " "$rubric" | awk -F ' [|] ' '{ print $3 " | " $4 }' |
    while IFS='|' read -r name section; do
      section=${section# }
      at=$(echo "$section" | sed 's/^0*\([0-9][0-9]*\)-.*/\1/')
      if [ "$at" -gt "$chapter" ]; then
        echo "FAIL: $lab stage $stage (chapter $chapter): row '${name% }' points ahead, to $section" >&2
        echo x >> "$tmp/ahead"
      fi
    done
  done
  [ -f "$tmp/ahead" ] && bad=1
  rm -f "$tmp/ahead"
done
[ "$bad" -eq 0 ] || exit 1
echo "chapter order: every stage's material comes at or before its chapter"
