#!/bin/sh
# timed.sh LABEL COMMAND [ARG...]: runs the command, then prints how long it
# took ("time: LABEL 12.3 s"); exits with the command's status. The book's
# build (mk/site.mk) times each of its steps with it.
label=$1
shift
start=$(date +%s%N)
"$@"
rc=$?
end=$(date +%s%N)
tenths=$(( (end - start) / 100000000 ))
printf 'time: %-40s %4d.%d s\n' "$label" $((tenths / 10)) $((tenths % 10))
exit $rc
