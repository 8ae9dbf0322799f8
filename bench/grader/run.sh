#!/bin/sh
# bench/grader/run.sh: how long the grader takes. Not a test: it prints
# figures, with the load average at the time (on a busy machine the
# grader's time limits, not only its times, suffer).
#
#     sh bench/grader/run.sh [--quick] [--class-only | --no-class]
#
#   1. A full-marks submission (solutions/) of every lab, lab by lab, then
#      all three one at a time (--jobs 1) and side by side (the default:
#      one lab per core) (target: 30 s on 2 quiet cores).
#   2. Submissions that hang: an endless loop in mm_init (alloc), a
#      constructor that loops (refused before anything runs), and an
#      endless loop at the top of the first function of each lab, lab by
#      lab (target: 2 minutes a lab at most).
#   3. A class of 20 generated submissions (copies of solutions/, the
#      skeletons, and solutions with one function left undone, one that
#      hangs and one that does not compile) graded with make grade-class
#      at JOBS=1 and JOBS=2. --quick grades only the alloc lab's stages 1
#      and 2 in the class; --class-only skips parts 1 and 2, --no-class
#      part 3.
#
# Submissions and grades go to build/bench/grader/ (ignored by git).
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/build/bench/grader
GRADE=$TOP/grader/grade
QUICK= CLASS_ONLY= NO_CLASS=
for arg in "$@"; do
  case $arg in
    --quick) QUICK=--quick ;;
    --class-only) CLASS_ONLY=yes ;;
    --no-class) NO_CLASS=yes ;;
    *) echo "usage: sh bench/grader/run.sh [--quick] [--class-only | --no-class]" >&2; exit 2 ;;
  esac
done
[ -d "$TOP/solutions" ] || { echo "bench/grader: needs solutions/"; exit 0; }
rm -rf "$OUT" && mkdir -p "$OUT"

load() { cut -d' ' -f1-3 /proc/loadavg; }

# timed LABEL COMMAND...: runs the command, prints its wall time (and the
# load average before it); keeps its output in OUT/LABEL.txt
timed() {
  label=$1
  shift
  before=$(load)
  start=$(date +%s.%N)
  "$@" > "$OUT/$label.txt" 2>&1 || true
  end=$(date +%s.%N)
  score=$(grep '^Score:' "$OUT/$label.txt" | tail -n 1 || true)
  printf '  %-34s %7.1f s   %-14s load %s\n' "$label" \
    "$(awk "BEGIN { print $end - $start }")" "${score#Score: }" "$before"
}

# undone FILE N: FILE with its Nth solution region left as its stub (the
# skeleton's code for that one function), on stdout
undone() {
  awk -v n="$2" '
    /BEGIN SOLUTION/ { region++; if (region == n) { skip = 1; next } }
    skip && /END SOLUTION/ { skip = 0; stub = 1; next }
    skip { next }
    stub && /^[ \t]*\/\/~/ { sub(/\/\/~ ?/, ""); print; next }
    { stub = 0; print }' "$1"
}

# editable files: LAB/FILE, one a line
"$GRADE" --list-files > "$OUT/files"

# submission DIR KIND [ARG]: writes a submission shaped like labs/
submission() {
  dir=$1 kind=$2
  while IFS= read -r f; do
    mkdir -p "$dir/$(dirname "$f")"
    case $kind in
      skeleton) cp "$TOP/grader/official/$f" "$dir/$f" ;;
      *) cp "$TOP/solutions/$f" "$dir/$f" ;;
    esac
  done < "$OUT/files"
  case $kind in
    hang-init) # an endless loop at the top of mm_init
      sed -i '/^bool mm_init(void)$/{n;a\
	for (volatile int spin = 1; spin;)\
		;
}' "$dir/alloc/mm.c" ;;
    hang-all) # an endless loop at the top of each lab's first function
      for spot in 'alloc/mm.c:^bool mm_init(void)$' \
          'pagetable/pagetable.c:^const char \*layout_check(' \
          'isolation/probe.c:^size_t probe_page_size(void)$'; do
        sed -i "/${spot#*:}/{n;a\\
	for (volatile int spin = 1; spin;)\\
		;
}" "$dir/${spot%%:*}"
      done ;;
    hang-constructor)
      printf '__attribute__((constructor)) static void stuck(void) { for (;;) ; }\n' >> "$dir/alloc/mm.c" ;;
    broken) printf 'int broken(void) { return }\n' >> "$dir/pagetable/pagetable.c" ;;
    undone) # one function left undone in each lab
      for f in alloc/mm.c pagetable/tlb.c isolation/probe.c; do
        undone "$TOP/solutions/$f" "$3" > "$dir/$f"
      done ;;
  esac
}

echo "grader bench: $(nproc) cores, load $(load)"
if [ -z "$CLASS_ONLY" ]; then
  echo "1. full marks (solutions/)"
  submission "$OUT/full" full
  for lab in isolation pagetable alloc; do
    timed "full: $lab" "$GRADE" --lab "$lab" "$OUT/full"
  done
  timed "full: 3 labs, one at a time" "$GRADE" --jobs 1 "$OUT/full"
  timed "full: 3 labs side by side" "$GRADE" "$OUT/full"

  echo "2. hanging submissions"
  submission "$OUT/hang-init" hang-init
  submission "$OUT/hang-constructor" hang-constructor
  timed "endless loop in mm_init" "$GRADE" --lab alloc "$OUT/hang-init"
  timed "constructor that loops" "$GRADE" --lab alloc "$OUT/hang-constructor"
  submission "$OUT/hang-all" hang-all
  for lab in isolation pagetable alloc; do
    timed "first function loops: $lab" "$GRADE" --lab "$lab" "$OUT/hang-all"
  done

fi
[ -z "$NO_CLASS" ] || exit 0

echo "3. a class of 20 (make grade-class)"
class=$OUT/class
for i in $(seq -w 1 20); do
  case $i in
    04) submission "$class/student$i" hang-init ;;
    09) submission "$class/student$i" broken ;;
    *)
      n=${i#0}
      case $((n % 4)) in
        0) submission "$class/student$i" skeleton ;;
        1 | 3) submission "$class/student$i" full ;;
        2) submission "$class/student$i" undone "$((n % 7 + 1))" ;;
      esac ;;
  esac
done
set --
[ "$QUICK" = "--quick" ] && set -- --lab alloc --stages 1-2
for jobs in 1 2; do
  timed "class of 20, JOBS=$jobs" sh "$TOP/tools/grade-class.sh" -j "$jobs" \
    "$class" "$OUT/grades-j$jobs" "$@"
  tail -n 1 "$OUT/class of 20, JOBS=$jobs.txt" | sed 's/^/    /'
done
