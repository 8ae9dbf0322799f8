#!/bin/sh
# record.sh: records the malloc calls of real programs as traces.
#
#     make && sh traces/record.sh        (from the lab's folder)
#
# Each program runs with glibc's mtrace(3) switched on by preloading
# libc_malloc_debug.so (which has mtrace since glibc 2.34) and our
# traces/mtrace-shim.so (which calls mtrace() before main, as the program
# does not). traces/mtrace2rep turns each log into traces/NAME.rep, keeping
# at most MAX_OPS operations. The traces depend on the machine (the files in
# /usr/bin, the versions of the programs): the committed ones were recorded
# on Debian 12 with glibc 2.36, Python 3.11, Perl 5.36 and Bash 5.2.
set -eu

MAX_OPS=50000
DEBUG_LIB=/usr/lib/x86_64-linux-gnu/libc_malloc_debug.so.0
SHIM=$PWD/traces/mtrace-shim.so
LOG=$(mktemp /tmp/mtrace.XXXXXX)
INPUT=$(mktemp /tmp/sort-input.XXXXXX)
trap 'rm -f "$LOG" "$INPUT"' EXIT

for f in "$DEBUG_LIB" "$SHIM" traces/mtrace2rep; do
  if [ ! -e "$f" ]; then
    echo "record.sh: $f is missing (run make first?)" >&2
    exit 1
  fi
done

# record NAME COMMAND...: runs COMMAND under mtrace, writes traces/NAME.rep.
record() {
  name=$1
  shift
  rm -f "$LOG"
  MALLOC_TRACE=$LOG LD_PRELOAD="$DEBUG_LIB $SHIM" "$@" > /dev/null
  traces/mtrace2rep --max-ops "$MAX_OPS" "$LOG" > "traces/$name.rep"
  echo "record.sh: wrote traces/$name.rep ($1)"
}

record ls ls -l /usr/bin

seq 1 30000 | awk '{ print ($1 * 7919) % 30011, "line", $1 }' > "$INPUT"
record sort sort "$INPUT"

record python /usr/bin/python3 -c '
import json
rows = [list(range(i % 300)) for i in range(1000)]
text = json.dumps({str(i): r for i, r in enumerate(rows)})
back = json.loads(text)
print(len(text), sum(len(v) for v in back.values()))'

record perl perl -e '
my %h;
$h{$_} = "x" x ($_ % 100) for 1..5000;
my @k = sort keys %h;
print length(join(",", @k)), "\n";'

record bash bash -c '
a=()
for i in $(seq 1 1000); do a+=("item$i"); done
s=${a[*]}
declare -A m
for i in $(seq 1 500); do m[k$i]=$i; done
echo ${#a[@]} ${#s} ${#m[@]}'
