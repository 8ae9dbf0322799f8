#!/bin/sh
# submission.sh SRC DEST LIST: lays out a student's upload as the grader
# reads it: DEST shaped like labs/ (DEST/LAB/FILE).
#
# SRC is what the platform received, in any shape a student uploads:
#   - a labs/ folder, a clone of the workbook (labs/ inside), or the lab
#     folders themselves (alloc/, pagetable/, isolation/), at any depth up
#     to 4 (a zip of a folder adds one);
#   - a .zip or .tar (.tar.gz, .tgz) of any of these, unpacked first;
#   - the editable files alone, at the top or in one folder (mm.c,
#     bump.c...): each goes to its lab by its name.
# LIST is the grader's `grade --list-files` (LAB/FILE per line): the
# editable files, all with distinct names. Only regular files are taken:
# a symbolic link is left out (the grader would refuse it anyway).
# Prints one line saying what it found. Exits 0 even when it finds
# nothing: the grader then reports each file as missing.
set -eu
src=${1:?usage: submission.sh SRC DEST LIST}
dest=${2:?usage: submission.sh SRC DEST LIST}
list=${3:?usage: submission.sh SRC DEST LIST}
UNPACKED_MAX_KB=204800 # an archive that unpacks to more is refused

work=$(mktemp -d "${TMPDIR:-/tmp}/submission.XXXXXX")
trap 'rm -rf "$work" "$work.archives"' EXIT
mkdir -p "$dest"
# copy without following links; a link stays a link, and is never read
cp -RP "$src/." "$work/" 2>/dev/null || true

# unpack the archives (an archive in an archive too: two rounds), each in
# a folder of its own; an archive once unpacked is removed
n=0
for round in 1 2; do
  find "$work" -maxdepth 4 -type f \( -name '*.zip' -o -name '*.tar' \
    -o -name '*.tar.gz' -o -name '*.tgz' \) -not -path '*/__MACOSX/*' 2>/dev/null |
    sort > "$work.archives"
  while IFS= read -r archive; do
    case $archive in
      *.zip) size=$(unzip -Zt "$archive" 2>/dev/null | awk '{print int($3 / 1024)}') ;;
      *) size=$(tar -tvf "$archive" 2>/dev/null | awk '{s += $3} END {print int(s / 1024)}') ;;
    esac
    n=$((n + 1))
    if [ "${size:-0}" -gt "$UNPACKED_MAX_KB" ]; then
      echo "submission: $(basename "$archive") unpacks to more than $((UNPACKED_MAX_KB / 1024)) MiB: not unpacked"
    else
      mkdir -p "$work/unpacked.$n"
      case $archive in
        *.zip) unzip -qq -o "$archive" -d "$work/unpacked.$n" >/dev/null 2>&1 || true ;;
        *) tar -xf "$archive" -C "$work/unpacked.$n" --no-same-owner \
             --no-same-permissions >/dev/null 2>&1 || true ;;
      esac
    fi
    rm -f "$archive"
  done < "$work.archives"
  rm -f "$work.archives"
  [ "$round" = 1 ] && [ "$n" -eq 0 ] && break
done

labs=$(cut -d/ -f1 "$list" | sort -u)
# a folder holding a lab's folder, the shallowest first; labs/ wins a tie
base=$(for lab in $labs; do
  find "$work" -maxdepth 5 -type d -name "$lab" -not -path '*/__MACOSX/*' 2>/dev/null
done | while IFS= read -r d; do
  parent=$(dirname "$d")
  depth=$(printf '%s' "$parent" | tr -cd / | wc -c)
  case $parent in */labs) depth=$((depth * 2)) ;; *) depth=$((depth * 2 + 1)) ;; esac
  printf '%d %s\n' "$depth" "$parent"
done | sort -n | head -n 1 | cut -d' ' -f2-)

taken=0
while IFS= read -r entry; do
  lab=${entry%%/*}
  file=${entry#*/}
  if [ -n "$base" ]; then
    from=$base/$entry
  else
    from=$(find "$work" -maxdepth 5 -type f -name "$(basename "$file")" \
      -not -path '*/__MACOSX/*' 2>/dev/null | sort | head -n 1)
  fi
  if [ -n "$from" ] && [ -f "$from" ] && [ ! -L "$from" ]; then
    mkdir -p "$dest/$lab/$(dirname "$file")"
    cp "$from" "$dest/$lab/$file"
    taken=$((taken + 1))
  fi
done < "$list"
if [ -n "$base" ]; then
  echo "submission: lab folders in ${base#"$work"}/ ($taken editable files)"
else
  echo "submission: $taken editable files found by name"
fi
