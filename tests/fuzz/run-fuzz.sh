#!/usr/bin/env bash
# Runs the DICOM reader fuzzer briefly on a seed corpus: real files from ../shared/data
# and a small simulated clip. usage: run-fuzz.sh FUZZER CLI SHARED_DATA SECONDS
set -euo pipefail
fuzzer=$(readlink -f "$1") cli=$(readlink -f "$2") shared=$3 seconds=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
"$cli" simulate --preset full_tear --frames 2 --pitch-mm 0.4 --frame-size 128x100 --region-origin 20,12 \
  --out "$work/corpus/sim.dcm" >/dev/null
if [ -d "$shared" ]; then
  for f in "$shared"/*.dcm; do [ "$(stat -c %s "$f")" -lt 300000 ] && cp "$f" "$work/corpus/"; done
fi
cd "$work"
"$fuzzer" -max_total_time="$seconds" -max_len=300000 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 corpus 2>&1 | tail -n 8
