#!/usr/bin/env bash
# Runs the DICOM reader fuzzer briefly on a seed corpus: real files from ../shared/data
# and a small simulated clip. A crashing input is kept in ./fuzz-artifacts and the
# sanitizer's report printed. In the test suite the run is repeatable (fixed seed and
# number of inputs); pass a random seed and more runs to hunt.
# usage: run-fuzz.sh FUZZER CLI SHARED_DATA RUNS [SEED]
set -uo pipefail
source "$(dirname "$(readlink -f "$0")")/fuzz-common.sh"
fuzzer=$(readlink -f "$1") cli=$(readlink -f "$2") shared=$3 runs=$4 seed=${5:-1}
prepare_fuzz_run
"$cli" simulate --preset full_tear --frames 2 --pitch-mm 0.4 --frame-size 128x100 --region-origin 20,12 \
  --out "$work/corpus/sim.dcm" >/dev/null || exit 1
if [ -d "$shared" ]; then
  for f in "$shared"/*.dcm; do [ "$(stat -c %s "$f")" -lt 300000 ] && cp "$f" "$work/corpus/"; done
fi
cd "$work"
run_fuzzer "$fuzzer" "$runs" "$seed" 300000 "$artifacts"
