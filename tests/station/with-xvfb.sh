#!/bin/sh
# Runs a command under its own virtual X server; Xvfb picks a free display itself
# (-displayfd), so parallel test processes never race for one.
out=$(mktemp)
Xvfb -displayfd 3 -screen 0 1400x1000x24 -nolisten tcp 3>"$out" 2>/dev/null &
xvfb=$!
i=0
while [ ! -s "$out" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
DISPLAY=":$(cat "$out")"
export DISPLAY
rm -f "$out"
"$@"
rc=$?
kill "$xvfb" 2>/dev/null
wait "$xvfb" 2>/dev/null
exit $rc
