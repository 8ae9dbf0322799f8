#!/bin/sh
# mutants.sh: mutation testing of the labs' tests and rubrics (make mutants).
#
#     tools/mutants.sh [--jobs J] [--sample N] [--seed S] [--ids FILE]
#                      [--survivors] [--check] [LAB...]
#
# Plants one bug at a time in the solution regions of every lab's editable C
# files (tools/mutate lists and applies them), grades each mutant with the
# grader at the stages its region belongs to (from the first its stub names
# to the last), and, only if it survives those, at the stages before them;
# then reports per lab and stage how many the grade catches. A mutant is
#   killed      when some stage up to that one scores less than full marks
#               ("own stage" when the first such stage is the region's own);
#   stillborn   when it does not compile, or only with a type error (a
#               mutant no student would submit);
#   equivalent  when it is listed, with a reason, in tests/mutants-equivalent:
#               it behaves like the solution, so no test can tell them apart;
#   survived    otherwise: a test gap.
# --sample N grades N mutants picked by --seed S (default 1) instead of all;
# --ids FILE grades only the mutants whose IDs begin the lines of FILE;
# --survivors only those that survived (or failed to grade) in the last run
# (build/mutants/results.tsv): the loop of writing a test for a survivor;
# --check exits 1 if any mutant survived that the equivalent list does not
# name (make test runs a sample this way). Results are cached by a hash of the
# mutated file, the lab's other files and the grader, in build/mutants/cache,
# so a second run grades only what changed. The table goes to stdout and
# every mutant's line to build/mutants/results.tsv.
set -eu
cd "$(dirname "$0")/.."
out=build/mutants
jobs=2
sample=0
seed=1
check=0
labs=
ids=
one=

while [ "$#" -gt 0 ]; do
  case "$1" in
    --jobs) jobs=$2; shift 2 ;;
    --sample) sample=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --check) check=1; shift ;;
    --ids) ids=$2; shift 2 ;;
    --survivors)
      [ -s "$out/results.tsv" ] || { echo "mutants.sh: no earlier run in $out/results.tsv" >&2; exit 2; }
      awk -F '\t' '$7 == "survived" || $7 == "error" { print $3 }' "$out/results.tsv" > "$out/survivors.ids"
      ids=$out/survivors.ids; shift ;;
    --one) one=1; shift; break ;;
    -*) echo "mutants.sh: unknown option $1" >&2; exit 2 ;;
    *) labs="$labs $1"; shift ;;
  esac
done

# graded_at LAB DIR STAGES: grades the mutant in DIR at stages STAGES (A-B),
# stopping at the first check that loses points; prints "killed STAGE",
# "survived -", "stillborn -" (it does not compile) or "error -" (no report).
graded_at() {
  # shellcheck disable=SC2086
  grader/grade $SANDBOX --fail-fast --lab "$1" --stages "$3" \
    --json "$2/report.json" "$2" > "$2/report.txt" 2>&1 || true
  if grep -q "does not compile" "$2/report.txt"; then
    echo "stillborn -"
  elif ! tools/score "$2/report.json" "$1" > /dev/null 2>&1; then
    echo "error -"   # the grader gave no report: never counted as killed
  else
    killer=$(tools/score --stages "$2/report.json" "$1" |
      awk '$2 < $3 { print $1; exit }')
    if [ -n "$killer" ]; then echo "killed $killer"; else echo "survived -"; fi
  fi
}

# grade_one LAB FILE ID FIRST LAST: grades one mutant; prints its result line
# "RESULT KILLER" (KILLER: the first stage that lost points, or -). Its own
# stages come first: most mutants die there, and the earlier stages (which
# a mutant of a later region can still break) are graded only for the rest.
grade_one() {
  lab=$1 file=$2 id=$3 first=$4 last=$5
  dir=$out/run/$id
  rm -rf "$dir" && mkdir -p "$dir/$lab"
  for f in $(sed -n 's/^editable //p' "solutions/$lab/rubric"); do
    mkdir -p "$dir/$lab/$(dirname "$f")"
    cp "solutions/$lab/$f" "$dir/$lab/$f"
  done
  if ! tools/mutate "solutions/$lab/$file" "$id" > "$dir/$lab/$file"; then
    echo "error -"   # no such mutant (the file changed under the run)
    return
  fi
  key=$( (cat "$out/print.$lab"; echo "own stages first $first-$last"
    cat "$dir/$lab/$file") |
    sha256sum | cut -c1-32)
  if [ -s "$out/cache/$key" ]; then
    cat "$out/cache/$key"
    rm -rf "$dir"
    return
  fi
  # A mutant that a compiler rejects as a type error (an int passed for a
  # pointer, say) is one no student would submit: stillborn, not graded.
  if ! cc -std=c17 -D_DEFAULT_SOURCE -fsyntax-only -Werror=int-conversion \
      -Werror=incompatible-pointer-types -I"solutions/$lab" -Igrader/harness \
      "$dir/$lab/$file" 2> /dev/null; then
    echo "stillborn -" | tee "$out/cache/$key"
    rm -rf "$dir"
    return
  fi
  result=$(graded_at "$lab" "$dir" "$first-$last")
  if [ "$result" = "survived -" ] && [ "$first" -gt 1 ]; then
    result=$(graded_at "$lab" "$dir" "1-$((first - 1))")
  fi
  echo "$result"
  # an error (no report) is kept for a look, and graded again next time
  [ "${result%% *}" = error ] && return
  echo "$result" > "$out/cache/$key"
  rm -rf "$dir"
}

if [ -n "$one" ]; then   # --one LAB FILE ID FIRST LAST (a job of xargs)
  grade_one "$@"
  exit 0
fi

if [ ! -d solutions ]; then
  echo "mutants.sh: mutation testing needs solutions/ (the instructors' tree, not the handout)" >&2
  exit 2
fi
mkdir -p "$out/cache"
rm -rf "$out/run"
[ -n "$labs" ] || labs=$(cd solutions && ls -d */ | tr -d /)

# The grader refuses code other than labs/ unconfined: without a working
# bubblewrap, grade our own mutants with the sandbox off (as tests/run.sh).
SANDBOX=
if ! bwrap --unshare-all --unshare-user --disable-userns --cap-drop ALL \
    --ro-bind / / true > /dev/null 2>&1; then
  SANDBOX="--sandbox off"
fi
export SANDBOX

# Every mutant: LAB FILE ID FIRST LAST LINE OP DESCRIPTION, tab-separated. A lab's
# fingerprint (its files and the grader) keys the cache.
: > "$out/all.tsv"
for lab in $labs; do
  [ -f "solutions/$lab/rubric" ] || { echo "mutants.sh: no lab $lab" >&2; exit 2; }
  find "solutions/$lab" grader/harness grader -maxdepth 2 -type f \
    \( -name '*.c' -o -name '*.h' -o -name rubric -o -name Makefile \) |
    sort | xargs cat | sha256sum > "$out/print.$lab"
  for file in $(sed -n 's/^editable \(.*\.c\)$/\1/p' "solutions/$lab/rubric"); do
    tools/mutate "solutions/$lab/$file" |
      awk -F '\t' -v lab="$lab" -v file="$file" -v OFS='\t' \
        '{ print lab, file, $1, $2, $3, $4, $5, $6 }' >> "$out/all.tsv"
  done
done

# The mutants to grade: all, or a sample that depends only on the seed and
# the mutants' IDs (so the same seed picks the same mutants).
if [ -n "$ids" ]; then
  [ -r "$ids" ] || { echo "mutants.sh: cannot read $ids" >&2; exit 2; }
  awk -F '\t' 'FILENAME == ARGV[1] { if ($0 !~ /^#/ && NF) want[$1] = 1; next }
    ($3 in want)' "$ids" "$out/all.tsv" > "$out/chosen.tsv"
elif [ "$sample" -gt 0 ]; then
  while IFS="$(printf '\t')" read -r lab file id rest; do
    printf '%s\t%s\t%s\t%s\t%s\n' "$(printf '%s %s' "$seed" "$id" | cksum | cut -d' ' -f1)" \
      "$lab" "$file" "$id" "$rest"
  done < "$out/all.tsv" | sort -n | head -n "$sample" | cut -f2- > "$out/chosen.tsv"
else
  cp "$out/all.tsv" "$out/chosen.tsv"
fi
echo "mutants: $(wc -l < "$out/all.tsv") in all; grading $(wc -l < "$out/chosen.tsv") with $jobs jobs"

started=$(date +%s)
cut -f1-5 "$out/chosen.tsv" |
  xargs -r -P "$jobs" -L 1 sh -c 'printf "%s\t%s\n" "$3" "$("$0" --one "$@")"' tools/mutants.sh \
  > "$out/graded.tsv"
elapsed=$(( $(date +%s) - started ))

# Join: each chosen mutant with its result and whether it is equivalent.
sort "$out/graded.tsv" > "$out/graded.sorted"
awk -F '\t' -v OFS='\t' '
  FILENAME == ARGV[1] { if ($0 !~ /^#/ && NF) equivalent[$1] = 1; next }
  FILENAME == ARGV[2] { split($2, r, " "); result[$1] = r[1]; killer[$1] = r[2]; next }
  {
    res = result[$3]
    if (res == "survived" && ($3 in equivalent)) res = "equivalent"
    print $1, $2, $3, $4, $5, $7, res, killer[$3], $8
  }' tests/mutants-equivalent "$out/graded.sorted" "$out/chosen.tsv" > "$out/results.tsv"

# The table: per lab and stage (the region's first stage).
echo
printf '%-10s %5s %8s %9s %6s %7s %10s %9s %9s\n' lab stage mutants stillborn killed "(own)" equivalent survived "kill rate"
awk -F '\t' '
  {
    k = $1 SUBSEP $4; keys[k] = 1; n[k]++
    if ($7 == "stillborn") still[k]++
    if ($7 == "killed") { killed[k]++; if ($8 >= $4 && $8 <= $5) own[k]++ }
    if ($7 == "equivalent") eq[k]++
    if ($7 == "survived" || $7 == "error") surv[k]++
  }
  END {
    for (k in keys) {
      split(k, p, SUBSEP)
      live = killed[k] + surv[k]
      rate = live ? sprintf("%.0f%%", 100 * killed[k] / live) : "-"
      printf "%-10s %5d %8d %9d %6d %7d %10d %9d %9s\n", p[1], p[2], n[k], still[k], killed[k], own[k], eq[k], surv[k], rate
    }
  }' "$out/results.tsv" | sort -k1,1 -k2,2n
awk -F '\t' '
  { n++; if ($7 == "killed") k++; if ($7 == "survived" || $7 == "error") s++ }
  END { printf "all: %d mutants, %d killed, %d survived: kill rate %.1f%% of the non-equivalent, compiling mutants\n", n, k, s, (k + s) ? 100 * k / (k + s) : 0 }' "$out/results.tsv"
echo "graded in ${elapsed} s; results in $out/results.tsv"

survivors=$(awk -F '\t' '$7 == "survived" || $7 == "error"' "$out/results.tsv")
if [ -n "$survivors" ]; then
  echo
  echo "Survivors (a test gap, or an equivalent mutant to list in tests/mutants-equivalent):"
  echo "$survivors" | awk -F '\t' '{ printf "  %s %s (stage %s, %s) %s\n    see: tools/mutate solutions/%s/%s %s | diff solutions/%s/%s -\n", $7, $3, $4, $6, $9, $1, $2, $3, $1, $2 }'
  [ "$check" -eq 0 ] || exit 1
fi
exit 0
