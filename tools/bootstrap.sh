#!/bin/sh
# bootstrap.sh: installs the Debian packages a make target needs, once.
#
#     tools/bootstrap.sh GROUP...      GROUP: grade, book, bench, test, platform, chroot, sandbox
#
# A fast no-op when everything is installed. Otherwise it runs apt-get
# (through sudo when not root), updating the package lists first, since a
# fresh machine's may be empty. Non-interactive: CI has no terminal. On a
# system without apt-get it names what to install and exits 1.
set -eu

packages_for() {
  case "$1" in
    grade)   echo "gcc make libc6-dev pkg-config libcriterion-dev libcjson-dev valgrind bubblewrap" ;;
    book)    echo "pandoc texlive-xetex texlive-latex-recommended texlive-fonts-recommended lmodern fonts-dejavu-core graphviz gnuplot-nox time strace procps linux-perf texlive-latex-extra libjs-lunr chromium chromium-driver curl jq epubcheck poppler-utils librsvg2-bin" ;;
    bench)   echo "hyperfine" ;;
    test)    echo "clang-format" ;;
    platform) echo "zip unzip" ;;  # packing (make gradescope...) and unpacking uploads
    chroot)  echo "debootstrap" ;; # make test-platforms: a bare Debian root
    sandbox) echo "bubblewrap" ;;   # part of grade; kept for old scripts
    *) echo "bootstrap: unknown group '$1' (grade, book, bench, test, platform, chroot, sandbox)" >&2; exit 2 ;;
  esac
}

wanted=""
for group in "$@"; do
  wanted="$wanted $(packages_for "$group")"
done

missing=""
for pkg in $wanted; do
  if command -v dpkg-query >/dev/null 2>&1; then
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] && continue
  fi
  missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "bootstrap: this system has no apt-get. Please install the equivalents of:" >&2
  echo "  $missing" >&2
  echo "(Criterion, cJSON, Valgrind, pandoc, XeLaTeX, graphviz, gnuplot)" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "bootstrap: need root to install:$missing" >&2
  echo "  run as root: apt-get update && apt-get install -y$missing" >&2
  exit 1
fi

echo "bootstrap: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
