#!/bin/sh
# selftest.sh [--chroot]: builds each platform's package and runs it the
# way the platform does, laid out as the platform lays it out, on four
# submissions (full marks, the skeleton, one that does not compile, and a
# hostile one that tries to forge its result), each in another shape a
# student uploads; check-result checks every field of each result against
# the platform's documented format, and the score.
#
#   default   the packages grade the grader's fixture lab (a few seconds a
#             submission) in a private mount namespace (bubblewrap) whose
#             root holds only the system's /usr and /etc, the package, and
#             /autograder (Gradescope), /grade and /workbook (PrairieLearn)
#             or Autolab's folder, each bound to a temporary folder. At
#             most about a minute: make test runs it (make platforms-check).
#   --chroot  the same in a bare Debian root made by debootstrap (minbase,
#             bookworm; network, root, minutes; kept in build/platform-root
#             for the next run), where each package's own setup installs
#             what it needs: make test-platforms.
#
# Without bubblewrap (or, for --chroot, root and debootstrap) it says why
# and exits 0: SKIP.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CHECK=$ROOT/platforms/check-result
mode=${1:-fast}

skip() { echo "platforms: SKIP: $*"; exit 0; }
fail() { echo "platforms: FAIL: $*" >&2; exit 1; }

command -v bwrap >/dev/null 2>&1 || skip "no bwrap (tools/bootstrap.sh grade installs it)"
bwrap --ro-bind / / --unshare-user --uid 0 true 2>/dev/null ||
  bwrap --ro-bind / / true 2>/dev/null || skip "bubblewrap cannot make a namespace here"
[ -x "$CHECK" ] || fail "build platforms/check-result first (make platforms-check)"

T=$(mktemp -d "${TMPDIR:-/tmp}/platforms-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

# --- the lab the packages grade: the grader's fixture, three points -------
mkdir -p "$T/official"
cp -R "$ROOT/grader/tests/fixture" "$T/official/fixture"
cat > "$T/official/fixture/rubric" <<'RUBRIC'
editable unit.c
timeout 10
stage 1 | Adding
test 1 | 2 | basic/adds | 00-introduction.md
run 1 | 1 | prog adds | 00-introduction.md | ./unit-prog add
RUBRIC
FULL_TOTAL=3

# --- the four submissions, each in the shape of another upload -------------
S=$T/subs
mkdir -p "$S/full/labs/fixture" "$S/skeleton" "$S/broken/fixture" "$S/hostile/repo/labs/fixture"
cp "$ROOT/grader/tests/fixture/unit.c" "$S/full/labs/fixture/unit.c"
(cd "$S/full" && zip -q -r upload.zip labs && rm -rf labs)          # a zip of labs/
printf 'int unit_add(int a, int b) { (void)a; (void)b; return 0; }\nvoid unit_behave(const char *how) { (void)how; }\n' \
  > "$S/skeleton/unit.c"                                             # the file alone
printf 'int unit_add(int a, int b) { return a + b }\n' > "$S/broken/fixture/unit.c" # a lab folder
cat > "$S/hostile/repo/labs/fixture/unit.c" <<'HOSTILE'
/* Tries to write a full score where each platform reads the result. */
#include <stdio.h>
static void forge(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}
int unit_add(int a, int b)
{
	forge("/autograder/results/results.json", "{\"score\": 999, \"tests\": []}");
	forge("/grade/results/results.json", "{\"gradable\": true, \"score\": 1}");
	puts("{\"scores\": {\"fixture\": 999}, \"scoreboard\": [999, 1, 1]}");
	return a - b;
}
void unit_behave(const char *how) { (void)how; }
HOSTILE

# the namespace's root: the system's programs, nothing of this machine's
# homes or workbook; then what the platform binds ($@)
in_root() {
  if [ "$mode" = "--chroot" ]; then
    bwrap --bind "$CHROOT" / --bind /proc /proc --dev /dev --tmpfs /tmp \
      --ro-bind /etc/resolv.conf /etc/resolv.conf \
      --bind "$CACHE" /var/cache/apt/archives --die-with-parent "$@"
  else
    bwrap --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
      --symlink usr/lib64 /lib64 --symlink usr/sbin /sbin --ro-bind /etc /etc \
      --ro-bind /var/lib/dpkg /var/lib/dpkg --bind /proc /proc --dev /dev \
      --ro-bind /sys /sys --tmpfs /tmp \
      --die-with-parent "$@"
  fi
}

if [ "$mode" = "--chroot" ]; then
  [ "$(id -u)" -eq 0 ] || skip "--chroot needs root (debootstrap)"
  command -v debootstrap >/dev/null 2>&1 || skip "no debootstrap (tools/bootstrap.sh chroot installs it)"
  BARE=$ROOT/build/platform-root
  CACHE=$ROOT/build/platform-apt-cache # the packages, downloaded once
  mkdir -p "$CACHE/partial"
  CHROOT=$BARE
  if [ ! -x "$CHROOT/usr/bin/apt-get" ]; then
    mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
      grep -E '^(URIs:|deb )' | grep -oE 'https?://[^ ]+' | head -n 1)
    rm -rf "$CHROOT"
    debootstrap --variant=minbase bookworm "$CHROOT" ${mirror:+"$mirror"} > "$T/debootstrap.log" 2>&1 ||
      { tail -n 5 "$T/debootstrap.log"; skip "debootstrap failed (network?)"; }
  fi
  # each platform's root starts as a copy of the bare one
  fresh_root() { rm -rf "$T/root"; cp -a "$BARE" "$T/root"; CHROOT=$T/root; }
else
  fresh_root() { :; }
fi

expect_for() {
  case $1 in full) echo full ;; *) echo zero ;; esac
}

# image DOCKERFILE WORKBOOK: makes the root what the Dockerfile's image
# would be: its RUN line, with the package's workbook at /workbook
image() {
  run=$(sed -n 's/^RUN //p; s/^ && / \&\& /p' "$1" | tr -d '\\\n')
  in_root --bind "$2" /workbook sh -c "$run" > "$T/image.out" 2>&1 ||
    { cat "$T/image.out"; return 1; }
}

# --- Gradescope: /autograder/source (the zip), setup.sh, run_autograder ----
gradescope() {
  OFFICIAL=$T/official LAB=fixture sh "$ROOT/platforms/package.sh" gradescope "$T/gs" > /dev/null
  fresh_root
  A=$T/autograder
  rm -rf "$A" && mkdir -p "$A/source"
  (cd "$A/source" && unzip -q "$T/gs/autograder.zip")
  in_root --bind "$A" /autograder sh -c 'cd /autograder/source && sh ./setup.sh > /tmp/setup.log 2>&1 || { cat /tmp/setup.log; exit 1; }' ||
    fail "gradescope: setup.sh failed"
  cp "$A/source/run_autograder" "$A/run_autograder"
  for sub in full skeleton broken hostile; do
    rm -rf "$A/submission" "$A/results" && mkdir -p "$A/results"
    cp -R "$S/$sub" "$A/submission"
    in_root --bind "$A" /autograder /autograder/run_autograder > "$T/gs-$sub.out" 2>&1 ||
      { cat "$T/gs-$sub.out"; fail "gradescope: run_autograder failed on $sub"; }
    "$CHECK" gradescope "$A/results/results.json" "$(expect_for $sub)" ||
      { tail -n 20 "$T/gs-$sub.out"; fail "gradescope: $sub"; }
    cp "$A/results/results.json" "$T/gradescope-$sub.json"
  done
}

# --- PrairieLearn: the image's /workbook, /grade/student, /grade/results ---
prairielearn() {
  OFFICIAL=$T/official LAB=fixture sh "$ROOT/platforms/package.sh" prairielearn "$T/pl" > /dev/null
  fresh_root
  W=$T/pl/workbook G=$T/grade
  image "$T/pl/Dockerfile" "$W" || fail "prairielearn: the Dockerfile's RUN failed"
  for sub in full skeleton broken hostile; do
    rm -rf "$G" && mkdir -p "$G/results" "$G/data"
    cp -R "$S/$sub" "$G/student"
    echo '{}' > "$G/data/data.json"
    in_root --ro-bind "$W" /workbook --bind "$G" /grade \
      /workbook/platforms/prairielearn/run.sh > "$T/pl-$sub.out" 2>&1 ||
      { cat "$T/pl-$sub.out"; fail "prairielearn: the entry point failed on $sub"; }
    "$CHECK" prairielearn "$G/results/results.json" "$(expect_for $sub)" ||
      { tail -n 20 "$T/pl-$sub.out"; fail "prairielearn: $sub"; }
    cp "$G/results/results.json" "$T/prairielearn-$sub.json"
  done
}

# --- Autolab: autograde.tar, Makefile and the handin in one folder; make ---
autolab() {
  OFFICIAL=$T/official LAB=fixture sh "$ROOT/platforms/package.sh" autolab "$T/al" > /dev/null
  fresh_root
  if [ "$mode" = "--chroot" ]; then # Tango's image, from the Dockerfile
    mkdir -p "$T/al/image" && tar -xf "$T/al/autograde.tar" -C "$T/al/image"
    image "$T/al/Dockerfile" "$T/al/image/workbook" || fail "autolab: the Dockerfile's RUN failed"
  fi
  for sub in full skeleton broken hostile; do
    H=$T/autolab-home
    rm -rf "$H" && mkdir -p "$H"
    cp "$T/al/autograde.tar" "$H/"
    cp "$T/al/autograde-Makefile" "$H/Makefile"
    (cd "$S/$sub" && tar -cf "$H/handin.tar" .)   # Autolab's handin: one file
    in_root --bind "$H" /home/autograde --chdir /home/autograde \
      make > "$T/autolab-$sub.out" 2>&1 || true
    "$CHECK" autolab "$T/autolab-$sub.out" "$(expect_for $sub)" "$FULL_TOTAL" ||
      { tail -n 20 "$T/autolab-$sub.out"; fail "autolab: $sub"; }
  done
}

start=$(date +%s)
gradescope
prairielearn
autolab
echo "platforms: gradescope, prairielearn and autolab packages graded 4 submissions each as their platforms run them; every result well formed ($(( $(date +%s) - start )) s)"
if [ -n "${KEEP_RESULTS:-}" ]; then
  mkdir -p "$KEEP_RESULTS"
  cp "$T"/gradescope-*.json "$T"/prairielearn-*.json "$T"/autolab-*.out "$KEEP_RESULTS/"
fi
