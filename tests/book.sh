#!/bin/sh
# tests/book.sh: checks the built book (make book student-book), run by
# `make test` after building it:
#   1. each EPUB passes epubcheck (Debian's package);
#   2. each PDF has its contents, list of figures and index, every chapter
#      starts on a right-hand (odd) page, and no word of it, code or prose,
#      runs into the right margin; a page of it is kept as a PNG in
#      book/out/screenshots/ (pdftoppm);
#   3. the site, in headless Chromium: tests/site.sh.
set -eu
cd "$(dirname "$0")/.."
SHOTS=book/out/screenshots
EPUBCHECK_JAR=/usr/share/java/epubcheck.jar
failed=0
fail() {
  echo "FAIL: $*" >&2
  failed=1
}

editions=book/out
[ -d book/out/student ] && editions="$editions book/out/student"
for dir in $editions; do
  for f in workbook.html workbook.pdf workbook.epub site/index.html; do
    [ -f "$dir/$f" ] || { echo "book.sh: no $dir/$f: run make book student-book first" >&2; exit 1; }
  done
done
mkdir -p "$SHOTS"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. epubcheck is Java and slow to start: it checks the EPUBs in the
# background while the PDFs and the site are checked.
epub_pids=
if [ -f "$EPUBCHECK_JAR" ] && command -v java > /dev/null; then
  n=0
  for dir in $editions; do
    n=$((n + 1))
    (
      if java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$EPUBCHECK_JAR" \
          "$dir/workbook.epub" > "$work/epub$n.log" 2>&1; then
        echo "$dir/workbook.epub: epubcheck: no errors or warnings"
      else
        cat "$work/epub$n.log" >&2
        echo "FAIL: $dir/workbook.epub does not pass epubcheck" >&2
        exit 1
      fi
    ) &
    epub_pids="$epub_pids $!"
  done
else
  fail "epubcheck is not installed (tools/bootstrap.sh book installs it)"
fi

# 2. The PDFs.
echo "== the PDFs"
for dir in $editions; do
  pdf=$dir/workbook.pdf
  pdftotext "$pdf" "$work/pdf.txt"
  # the physical page (1 = the title page) that each heading opens
  awk 'BEGIN { RS = "\f" }
    /^[[:space:]]*Contents[[:space:]]/ { print "contents", NR }
    /^[[:space:]]*List of Figures[[:space:]]/ { print "figures", NR }
    /^[[:space:]]*Index[[:space:]]/ { print "index", NR }
    match($0, /^[[:space:]]*Chapter [0-9]+\n/) {
      split(substr($0, RSTART, RLENGTH), w, /[[:space:]]+/)
      print "chapter-" (w[1] == "" ? w[3] : w[2]), NR }' "$work/pdf.txt" > "$work/pdf.pages"
  for part in contents figures index chapter-1; do
    grep -q "^$part " "$work/pdf.pages" || fail "$pdf has no $part"
  done
  awk '$1 ~ /^chapter-/ && $2 % 2 == 0 { print $1 " starts on page " $2 }' \
    "$work/pdf.pages" > "$work/even"
  if [ -s "$work/even" ]; then
    fail "$pdf: a chapter starts on a left-hand page: $(tr '\n' ' ' < "$work/even")"
  fi
  # a word whose right edge is past the text's right margin (2.2 cm) by
  # more than 1 cm is running off the page
  pdftotext -bbox "$pdf" - 2> /dev/null | awk -F'"' '
    /<page / { page++; width = $2 }
    /<word / && $6 + 0 > width - 62 + 28 {
      sub(/^.*">/, ""); sub(/<\/word>.*/, "")
      print "page " page ": " $0 }' > "$work/wide"
  if [ -s "$work/wide" ]; then
    head -n 10 "$work/wide" >&2
    fail "$pdf: $(wc -l < "$work/wide") words run off the page"
  fi
  echo "$pdf: $(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }') pages;" \
    "$(grep -c '^chapter-' "$work/pdf.pages") chapters, each on a right-hand page"
  if [ "$dir" = book/out ]; then  # chapter 3's first two pages, as PNG
    page=$(awk '$1 == "chapter-3" { print $2 }' "$work/pdf.pages")
    rm -f "$SHOTS"/pdf-page-*.png
    pdftoppm -r 80 -png -f "${page:-1}" -l "$((${page:-1} + 1))" "$pdf" "$SHOTS/pdf-page"
    echo "$pdf: pages as PNG: $(echo "$SHOTS"/pdf-page-*.png | tr '\n' ' ')"
  fi
done

# 3. The site in a browser.
tests/site.sh || failed=1

for pid in $epub_pids; do
  wait "$pid" || failed=1
done
if [ "$failed" -ne 0 ]; then
  echo "book.sh: FAILED" >&2
  exit 1
fi
echo "book.sh: all passed"
