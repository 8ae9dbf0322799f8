#!/bin/sh
# tests/site.sh [SITE...]: loads every page of the book's site in headless
# Chromium, at a phone's width (375 CSS px) and at a desktop's (1280 px),
# and fails on
#   - an error in the browser's console (a script error, a file that does
#     not load);
#   - a broken local link: a page, file or anchor that does not exist;
#   - an image that does not load, or that has no alt text;
#   - a search for a known term ("boundary tag", "Belady") that finds
#     nothing, or whose results link nowhere;
#   - a page wider than the phone's screen (horizontal scrolling at 375 px).
# It keeps a screenshot of every page at both widths in
# book/out/screenshots/ (EDITION-PAGE-phone.png, EDITION-PAGE-desktop.png).
#
# SITE defaults to book/out/site and, when built, book/out/student/site.
# Chromium is driven by chromedriver (Debian's chromium-driver) through
# WebDriver, with curl and jq; one browser for all pages. The phone's width
# is set through DevTools' Emulation.setDeviceMetricsOverride, which
# chromedriver passes on (goog/cdp/execute): a headless window cannot be
# made narrower than 500 px. Without chromium it says SKIP and exits 0.
set -eu
cd "$(dirname "$0")/.."
SHOTS=book/out/screenshots
TERMS="boundary tag|Belady"

if [ "$#" -eq 0 ]; then
  set -- book/out/site
  [ -d book/out/student/site ] && set -- "$@" book/out/student/site
fi
chromium=$(command -v chromium || command -v chromium-browser || true)
driver=$(command -v chromedriver || true)
if [ -z "$chromium" ] || [ -z "$driver" ]; then
  echo "site.sh: SKIP: chromium and chromedriver are not installed" \
    "(tools/bootstrap.sh book installs them); the site was not checked in a browser"
  exit 0
fi
for tool in curl jq; do
  command -v "$tool" > /dev/null || { echo "site.sh: needs $tool (tools/bootstrap.sh book)" >&2; exit 1; }
done
for site; do
  [ -f "$site/index.html" ] || { echo "site.sh: no $site/index.html (make book builds it)" >&2; exit 1; }
done

work=$(mktemp -d)
driver_pid=
session=
base=
failed=0
fail() {
  echo "FAIL: $*" >&2
  failed=1
}
cleanup() {
  if [ -n "$session" ]; then
    curl -s -X DELETE "$base/session/$session" > /dev/null 2>&1 || true
  fi
  if [ -n "$driver_pid" ]; then
    kill "$driver_pid" 2> /dev/null || true
    wait "$driver_pid" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wd METHOD PATH [JSON]: one WebDriver command; prints its "value". A
# WebDriver error stops the test.
wd() {
  if ! curl -sS -X "$1" -H 'Content-Type: application/json' \
      ${3:+--data-binary "$3"} "$base$2" > "$work/reply.json"; then
    echo "site.sh: chromedriver did not answer $1 $2" >&2
    exit 1
  fi
  if jq -e '.value | type == "object" and has("error")' "$work/reply.json" > /dev/null; then
    echo "site.sh: WebDriver $1 $2: $(jq -r '.value.error + ": " + .value.message' "$work/reply.json" | head -n 3)" >&2
    exit 1
  fi
  jq -c '.value' "$work/reply.json"
}

# Starts chromedriver on a free port of the loopback.
port=$((20000 + $$ % 20000))
for _ in 1 2 3 4 5; do
  "$driver" --port="$port" > "$work/chromedriver.log" 2>&1 &
  driver_pid=$!
  base=http://127.0.0.1:$port
  ready=
  for _ in $(seq 50); do
    if curl -s "$base/status" 2> /dev/null | jq -e '.value.ready' > /dev/null 2>&1; then
      ready=1
      break
    fi
    kill -0 "$driver_pid" 2> /dev/null || break
    sleep 0.1
  done
  [ -n "$ready" ] && break
  kill "$driver_pid" 2> /dev/null || true
  wait "$driver_pid" 2> /dev/null || true
  driver_pid=
  port=$((port + 1))
done
if [ -z "$driver_pid" ]; then
  cat "$work/chromedriver.log" >&2
  echo "site.sh: chromedriver did not start" >&2
  exit 1
fi

caps=$(jq -n --arg bin "$chromium" '{capabilities: {alwaysMatch: {
  browserName: "chrome",
  "goog:chromeOptions": {binary: $bin, args: ["--headless=new", "--no-sandbox",
    "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
    "--no-first-run", "--disable-extensions", "--window-size=1280,900"]},
  "goog:loggingPrefs": {browser: "ALL"},
  timeouts: {pageLoad: 30000, script: 15000}}}}')
session=$(wd POST /session "$caps" | jq -r '.sessionId')
echo "site.sh: $("$chromium" --version 2> /dev/null || echo chromium), through chromedriver on port $port"

viewport() {  # WIDTH HEIGHT MOBILE
  wd POST "/session/$session/goog/cdp/execute" "$(jq -n --argjson w "$1" --argjson h "$2" \
    --argjson m "$3" '{cmd: "Emulation.setDeviceMetricsOverride",
      params: {width: $w, height: $h, deviceScaleFactor: 1, mobile: $m}}')" > /dev/null
}

# visit URL: loads the page; prints its console's errors.
visit() {
  wd POST "/session/$session/url" "$(jq -n --arg u "$1" '{url: $u}')" > /dev/null
}
console_errors() {
  wd POST "/session/$session/se/log" '{"type": "browser"}' |
    jq -r '.[] | select(.level == "SEVERE") | .message'
}
run_js() {  # FILE ARGS-JSON [async]
  wd POST "/session/$session/execute/${3:-sync}" \
    "$(jq -n --rawfile s "$1" --argjson a "$2" '{script: $s, args: $a}')"
}
screenshot() {
  wd GET "/session/$session/screenshot" | jq -r . | base64 -d > "$1"
}

mkdir -p "$SHOTS"
pages_checked=0
for site in "$@"; do
  case "$site" in
    *student*) edition=student ;;
    *) edition=book ;;
  esac
  root=$(cd "$site" && pwd)
  data="$work/$edition"
  mkdir -p "$data"
  pages=$(cd "$site" && ls -- *.html)
  echo "== $site: $(echo "$pages" | wc -w) pages, phone (375 px) and desktop (1280 px)"

  viewport 375 812 true
  visit "file://$root/index.html"
  console_errors > /dev/null  # the log holds nothing of the site's yet
  for page in $pages; do
    name=${page%.html}
    visit "file://$root/$page"
    run_js tests/site-check.js '[]' > "$data/$page.json"
    console_errors | sed "s|^|$site/$page: console: |" > "$data/$page.console"
    screenshot "$SHOTS/$edition-$name-phone.png"
    width=$(jq '.client' "$data/$page.json")
    [ "$width" -eq 375 ] || fail "$site/$page: the phone's viewport is $width px, not 375"
    jq -r --arg p "$site/$page" 'select(.scroll > .client) |
      "\($p): wider than a 375 px phone (\(.scroll) px): \(.wide | join("; "))"' \
      "$data/$page.json" > "$data/$page.wide"
    jq -r --arg p "$site/$page" '.images[] |
      if .ok | not then "\($p): image \(.src) does not load"
      elif (.alt // "") == "" then "\($p): image \(.src) has no alt text"
      else empty end' "$data/$page.json" > "$data/$page.images"
    for f in "$data/$page.console" "$data/$page.wide" "$data/$page.images"; do
      if [ -s "$f" ]; then
        cat "$f" >&2
        failed=1
      fi
    done
    pages_checked=$((pages_checked + 1))
  done

  viewport 1280 900 false
  for page in $pages; do
    visit "file://$root/$page"
    screenshot "$SHOTS/$edition-${page%.html}-desktop.png"
    console_errors | sed "s|^|$site/$page (desktop): console: |" > "$data/$page.console"
    if [ -s "$data/$page.console" ]; then
      cat "$data/$page.console" >&2
      failed=1
    fi
  done

  # Search, as a reader would: type in the box of a chapter's page.
  visit "file://$root/$(echo "$pages" | grep -v '^index.html$' | head -n 1)"
  echo "$TERMS" | tr '|' '\n' > "$work/terms"
  while read -r term; do
    run_js tests/site-search.js "$(jq -n --arg t "$term" '[$t]')" async > "$work/search.json"
    count=$(jq '.count' "$work/search.json")
    if [ "$count" -le 0 ]; then
      fail "$site: searching for \"$term\" finds nothing ($(jq -r '.why // "no results"' "$work/search.json"))"
    else
      echo "search \"$term\": $count sections, first: $(jq -r '.first' "$work/search.json")"
    fi
    # the results' links are checked with the pages' own
    jq --slurpfile s "$work/search.json" '.links += $s[0].links' \
      "$data/index.html.json" > "$work/index.json" && mv "$work/index.json" "$data/index.html.json"
  done < "$work/terms"
  console_errors | sed "s|^|$site (search): console: |" > "$work/search.console"
  if [ -s "$work/search.console" ]; then
    cat "$work/search.console" >&2
    failed=1
  fi

  # Every local link: to an anchor of this page or of another page of the
  # site (whose ids were collected above), or to a file that exists.
  (cd "$data" && for f in *.html.json; do
    jq -c --arg p "${f%.json}" '{page: $p, ids: .ids, links: .links}' "$f"
  done) | jq -r -s '
    (map({key: .page, value: .ids}) | from_entries) as $ids
    | .[] | .page as $page | .links[] | . as $href
    | ($href | split("#")) as $parts
    | ($parts[0] // "") as $path | ($parts[1:] | join("#")) as $anchor
    | (if $path == "" then $page else $path end) as $target
    | if ($ids | has($target)) then
        (if $anchor == "" or ($ids[$target] | index($anchor)) then empty
         else "ANCHOR \($page) \($href)" end)
      else "FILE \($page) \($href) \($path)" end' > "$work/links"
  while read -r kind page href path; do
    case "$kind" in
      ANCHOR) fail "$site/$page: link $href: no such anchor" ;;
      FILE) [ -e "$site/$path" ] || fail "$site/$page: link $href: no such file" ;;
    esac
  done < "$work/links"
done

echo "site.sh: $pages_checked pages checked; screenshots in $SHOTS/"
if [ "$failed" -ne 0 ]; then
  echo "site.sh: FAILED" >&2
  exit 1
fi
echo "site.sh: all passed"
