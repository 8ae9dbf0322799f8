#!/bin/sh
# util-at-least.sh MIN TRACE...: passes if mdriver replays every trace
# correctly and the average utilization is at least MIN.
#
#     sh tests/util-at-least.sh 0.75 traces/*.rep
#
# Utilization (peak live payload / peak heap footprint) is deterministic:
# the same allocator gives the same figure on every machine. Throughput is
# not timed (--no-timing): the check does not need it, and timing takes
# most of mdriver's run.
if [ $# -lt 2 ]; then
  echo "usage: sh tests/util-at-least.sh MIN TRACE..." >&2
  exit 2
fi
min=$1
shift
exec ./mdriver --no-timing --min-util "$min" "$@"
