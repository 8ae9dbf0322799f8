#!/bin/sh
# util-at-least.sh MIN TRACE...: passes if mdriver replays every trace
# correctly and the average utilization is at least MIN.
#
#     sh tests/util-at-least.sh 0.75 traces/*.rep
#
# Utilization (peak live payload / peak heap footprint) is deterministic:
# the same allocator gives the same figure on every machine.
if [ $# -lt 2 ]; then
  echo "usage: sh tests/util-at-least.sh MIN TRACE..." >&2
  exit 2
fi
min=$1
shift
json=$(./mdriver --json "$@")
status=$?
util=$(printf '%s\n' "$json" | sed -n 's/^], "util": \([0-9.]*\),.*/\1/p')
if [ $status -ne 0 ] || [ -z "$util" ]; then
  echo "mdriver found a trace it could not replay correctly: run ./mdriver $*"
  exit 1
fi
if awk -v u="$util" -v m="$min" 'BEGIN { exit !(u >= m) }'; then
  echo "average utilization $util (at least $min)"
else
  printf '%s\n' "$json" | grep '"name"'
  echo "average utilization $util is below $min"
  exit 1
fi
