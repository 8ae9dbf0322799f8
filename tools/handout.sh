#!/bin/sh
# handout.sh DIR: writes the student handout: the workbook without solutions/
# (and without practice/, whose answers come from the reference code: an
# instructor hands out its problems and answers).
# It holds chapters/, labs/ (the skeletons), the grader with its official
# copies (generated here from solutions/ with tools/skelgen, since the
# handout has no solutions/ to generate them from), book/, mk/, tools/ and
# the Makefile: `make grade` and `make test` work there as they do here.
set -eu
dest=${1:?usage: handout.sh DIR}
cd "$(dirname "$0")/.."
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "handout.sh: needs a git checkout (it ships only committed files)" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
git ls-files | grep -v -e '^solutions/' -e '^practice/' | tar -cf - -T - | tar -xf - -C "$dest"
mkdir -p "$dest/grader/official"
for lab in solutions/*/; do
  tools/skelgen "$lab" "$dest/grader/official/$(basename "$lab")"
done
# there the official copies are part of the handout: not ignored by git
sed -i '\|^/grader/official/$|d' "$dest/.gitignore"
echo "handout: $dest ($(find "$dest" -type f | wc -l) files, no solutions/)"
