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
exec ./mdriver --min-util "$min" "$@"
