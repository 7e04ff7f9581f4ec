#!/usr/bin/env bash
# Runs the SR / presentation-state reader fuzzer briefly on a seed corpus: the report and the
# presentation state FibreTrack writes for a small simulated tear. A crashing input is kept in
# ./fuzz-artifacts. Repeatable in the suite (fixed seed and number of inputs).
# usage: run-report-fuzz.sh FUZZER CLI RUNS [SEED]
set -uo pipefail
source "$(dirname "$(readlink -f "$0")")/fuzz-common.sh"
fuzzer=$(readlink -f "$1") cli=$(readlink -f "$2") runs=$3 seed=${4:-1}
prepare_fuzz_run
mkdir -p "$work/objects"
"$cli" simulate --preset full_tear --out "$work/clip.dcm" >/dev/null || exit 1
"$cli" analyze "$work/clip.dcm" --dicom-out "$work/objects" >/dev/null || exit 1
cp "$work"/objects/*.dcm "$work/corpus/" 2>/dev/null
[ -n "$(ls "$work/corpus")" ] || { echo "no report or presentation state was written for the seed corpus"; exit 1; }
cd "$work"
run_fuzzer "$fuzzer" "$runs" "$seed" 200000 "$artifacts"
