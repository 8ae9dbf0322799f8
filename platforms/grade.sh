#!/bin/sh
# grade.sh PLATFORM UPLOAD [RESULT]: what each platform's entry point runs.
#
#   PLATFORM  gradescope, prairielearn or autolab
#   UPLOAD    the folder (or, for Autolab, the file) the student handed in
#   RESULT    where the platform reads the result (gradescope and
#             prairielearn: a results.json; autolab prints it instead)
#
# Lays the upload out as labs/ (submission.sh), then runs the grader on it
# with the package's settings (platforms/config, written by package.sh:
# LAB, STAGES, SANDBOX). The grader writes the platform's result; if it
# cannot run at all (no sandbox in this container, a grader error), this
# script writes a result that says why, so the platform never shows a
# bare error: Gradescope and Autolab get a score of 0 with the reason,
# PrairieLearn gets "gradable": false (the student is not charged).
set -u
platform=${1:?usage: grade.sh gradescope|prairielearn|autolab UPLOAD [RESULT]}
upload=${2:?usage: grade.sh PLATFORM UPLOAD [RESULT]}
result=${3:-}
case $result in "" | /*) ;; *) result=$PWD/$result ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LAB= STAGES= SANDBOX=on
# shellcheck disable=SC1091
[ -f "$ROOT/platforms/config" ] && . "$ROOT/platforms/config"

work=$(mktemp -d "${TMPDIR:-/tmp}/platform.XXXXXX")
trap 'rm -rf "$work"' EXIT

set --
[ -n "$LAB" ] && set -- "$@" --lab "$LAB"
[ -n "$STAGES" ] && set -- "$@" --stages "$STAGES"
case $platform in
  gradescope) set -- "$@" --gradescope "$result" ;;
  prairielearn) set -- "$@" --prairielearn "$result" ;;
  autolab) set -- "$@" --autolab ;;
  *) echo "grade.sh: unknown platform $platform" >&2; exit 2 ;;
esac

# writes the result of a grading that could not run: why ($1)
fail() {
  why=$(printf '%s' "$1" | tr '\n\t' '  ' | tr -cd '[:print:]' | tr '"\\' "''")
  echo "grade.sh: $why" >&2
  case $platform in
    gradescope) printf '{"score": 0, "output": "The grader could not run: %s", "tests": []}\n' "$why" > "$result" ;;
    prairielearn) printf '{"gradable": false, "score": 0, "message": "The grader could not run: %s", "output": "", "tests": []}\n' "$why" > "$result" ;;
    autolab) printf '{"scores": {}, "scoreboard": [0, 0, 0]}\n' ;;
  esac
  exit 0
}

[ -x "$ROOT/grader/grade" ] || fail "the grader is not built (did the package's setup run?)"
[ -n "$result" ] && { mkdir -p "$(dirname "$result")"; rm -f "$result"; }
"$ROOT/grader/grade" --root "$ROOT" ${LAB:+--lab "$LAB"} --list-files \
  > "$work/list" 2> "$work/err" || fail "$(cat "$work/err")"
if [ -d "$upload" ]; then
  sh "$ROOT/platforms/submission.sh" "$upload" "$work/labs" "$work/list"
else # Autolab's handin: one file
  mkdir -p "$work/upload"
  cp "$upload" "$work/upload/"
  sh "$ROOT/platforms/submission.sh" "$work/upload" "$work/labs" "$work/list"
fi
# stdout and stderr in one, in order: Autolab's result must be the last line
status=0
# graded as "labs", so that each rerun line reads "cd labs/LAB && ..."
(cd "$work" && "$ROOT/grader/grade" --root "$ROOT" --sandbox "$SANDBOX" "$@" labs) \
  > "$work/out" 2>&1 || status=$?
if [ "$status" -eq 2 ]; then
  cat "$work/out" >&2
  fail "$(grep '^grade:' "$work/out" | head -n 2). To grade without the sandbox in this platform's container (the student's code then runs unconfined, as this container's user), rebuild the package with SANDBOX=off."
fi
cat "$work/out"
if [ -n "$result" ] && [ ! -s "$result" ]; then
  fail "the grader wrote no result (exit status $status): $(tail -n 3 "$work/out")"
fi
exit 0
