#!/bin/sh
# package.sh PLATFORM OUT: builds the grader's package for a platform.
#
#     LAB=alloc STAGES=1-4 SANDBOX=on sh platforms/package.sh gradescope build/gradescope
#
# (make gradescope / prairielearn / autolab run it; mk/platforms.mk.)
# Every package holds workbook/: the grader's sources and official lab
# copies (grader/official, from `make official`), mk/, the bootstrap and
# platforms/, with platforms/config saying what to grade: LAB (empty: every
# lab), STAGES (A-B or N; empty: all) and SANDBOX (on: refuse to run a
# submission where bubblewrap cannot work; off: run it unconfined, in the
# platform's throwaway container). Nothing else of the workbook (no
# solutions/) goes in.
#
#   gradescope    OUT/autograder.zip: setup.sh, run_autograder, workbook/
#   prairielearn  OUT/: Dockerfile (the external grader's image), workbook/
#                 and info.json.example (the question's grading options)
#   autolab       OUT/autograde.tar (workbook/), OUT/autograde-Makefile,
#                 OUT/Dockerfile (the image Tango grades in)
set -eu
platform=${1:?usage: package.sh gradescope|prairielearn|autolab OUT}
out=${2:?usage: package.sh PLATFORM OUT}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE=$ROOT/platforms
LAB=${LAB:-} STAGES=${STAGES:-} SANDBOX=${SANDBOX:-on}
OFFICIAL=${OFFICIAL:-$ROOT/grader/official} # the labs (selftest.sh: its own)
case $platform in gradescope|prairielearn|autolab) ;; *)
  echo "package.sh: unknown platform '$platform' (gradescope, prairielearn, autolab)" >&2; exit 2 ;;
esac
case $SANDBOX in on|off) ;; *) echo "package.sh: SANDBOX is on or off, not '$SANDBOX'" >&2; exit 2 ;; esac
if [ -n "$LAB" ] && [ ! -d "$OFFICIAL/$LAB" ]; then
  echo "package.sh: no lab called '$LAB' in grader/official" >&2; exit 2
fi
case $STAGES in ''|[1-9]|[1-9]-[1-9]|[1-9][0-9]|[1-9]-[1-9][0-9]|[1-9][0-9]-[1-9][0-9]) ;; *)
  echo "package.sh: STAGES is A-B or N (e.g. 1-4), not '$STAGES'" >&2; exit 2 ;;
esac
[ -d "$OFFICIAL" ] || { echo "package.sh: run make official first" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/workbook"
out=$(cd "$out" && pwd)
# the workbook's files the grader needs: tracked or new, never build
# products (git's ignore rules), then the generated official copies
cd "$ROOT"
if git rev-parse --git-dir >/dev/null 2>&1; then
  git ls-files --cached --others --exclude-standard -- grader mk tools/bootstrap.sh platforms |
    grep -v -e '^grader/tests/' -e '^grader/official/' |
    while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done |
    tar -cf - -T - | tar -xf - -C "$out/workbook"
else # a handout without git: the same folders, without build products
  tar -cf - --exclude='*.o' --exclude='*.d' --exclude=grader/grade \
    --exclude=grader/tests --exclude=grader/official grader mk tools/bootstrap.sh platforms |
    tar -xf - -C "$out/workbook"
fi
# the labs' sources only: the package's build.sh builds them where it runs
mkdir -p "$out/workbook/grader/official"
for lab in "$OFFICIAL"/*/; do
  name=$(basename "$lab")
  cp -R "$lab" "$out/workbook/grader/official/$name"
  make -s -C "$out/workbook/grader/official/$name" TOP="$out/workbook" clean > /dev/null
done
printf 'LAB=%s\nSTAGES=%s\nSANDBOX=%s\n' "$LAB" "$STAGES" "$SANDBOX" > "$out/workbook/platforms/config"

case $platform in
gradescope)
  cp "$HERE/gradescope/setup.sh" "$HERE/gradescope/run_autograder" "$out/"
  chmod +x "$out/setup.sh" "$out/run_autograder"
  (cd "$out" && rm -f autograder.zip && zip -q -r -X autograder.zip setup.sh run_autograder workbook)
  rm -rf "$out/workbook" "$out/setup.sh" "$out/run_autograder"
  echo "gradescope: $out/autograder.zip (lab ${LAB:-all}, stages ${STAGES:-all}, sandbox $SANDBOX)"
  ;;
prairielearn)
  cp "$HERE/Dockerfile" "$out/Dockerfile"
  cp "$HERE/prairielearn/info.json.example" "$out/"
  echo "prairielearn: $out/Dockerfile and $out/workbook/ (docker build -t IMAGE $out; lab ${LAB:-all}, stages ${STAGES:-all}, sandbox $SANDBOX)"
  ;;
autolab)
  (cd "$out" && tar -cf autograde.tar workbook)
  rm -rf "$out/workbook"
  cp "$HERE/autolab/autograde-Makefile" "$out/autograde-Makefile"
  cp "$HERE/Dockerfile" "$out/Dockerfile"
  echo "autolab: $out/autograde.tar and $out/autograde-Makefile (lab ${LAB:-all}, stages ${STAGES:-all}, sandbox $SANDBOX)"
  ;;
esac
