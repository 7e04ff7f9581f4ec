#!/usr/bin/env bash
# Runs the DICOM reader fuzzer briefly on a seed corpus: real files from ../shared/data,
# small copies of them (their headers and transfer syntaxes, tiny frames: dicom_fuzz_seeds),
# those again in the other encodings, and small simulated clips. A crashing input is kept in ./fuzz-artifacts and the
# sanitizer's report printed. In the test suite the run is repeatable (fixed seed and
# number of inputs); pass a random seed and more runs to hunt.
# usage: run-fuzz.sh FUZZER CLI SEED_MAKER SHARED_DATA RUNS [SEED]
set -uo pipefail
source "$(dirname "$(readlink -f "$0")")/fuzz-common.sh"
fuzzer=$(readlink -f "$1") cli=$(readlink -f "$2") seed_maker=$(readlink -f "$3") shared=$4 runs=$5 seed=${6:-1}
prepare_fuzz_run
"$cli" simulate --preset full_tear --frames 2 --pitch-mm 0.4 --frame-size 128x100 --region-origin 20,12 \
  --out "$work/corpus/sim.dcm" >/dev/null || exit 1
"$cli" simulate --preset full_tear --frames 2 --frame-size 48x40 --region-origin 4,4 --pitch-mm 1.0 \
  --out "$work/corpus/sim-small.dcm" >/dev/null || exit 1
if [ -d "$shared" ]; then
  for f in "$shared"/*.dcm; do [ "$(stat -c %s "$f")" -lt 300000 ] && cp "$f" "$work/corpus/"; done
  "$seed_maker" "$work/corpus" "$shared"/*.dcm >/dev/null || echo "no small seeds made: the full-size files only"
fi
# The small native seeds again in the other encodings the reader takes (JPEG 2000 through our own
# OpenJPEG decoder; JPEG-LS, lossless JPEG, deflate, big endian through DCMTK), where the tools are.
encoders=("gdcmconv --j2k:j2k" "dcmcjpls +el:jls" "dcmcjpeg +el:jpl" "dcmconv +td:deflated" "dcmconv +tb:big")
for small in "$work"/corpus/small-*.dcm "$work/corpus/sim-small.dcm"; do
  [ -f "$small" ] || continue
  for encoder in "${encoders[@]}"; do
    command -v "${encoder%% *}" >/dev/null || continue
    ${encoder%%:*} "$small" "${small%.dcm}-${encoder##*:}.dcm" >/dev/null 2>&1 || rm -f "${small%.dcm}-${encoder##*:}.dcm"
  done
done
cd "$work"
# One allocation may reach 4 GiB here: DCMTK reserves an element's declared length (a 32-bit
# field) before reading it from a deflated stream, whose remaining size it cannot know. The
# program then reports the file unreadable having touched a few pages (a 4 KiB file declaring
# 2.2 GB: 39 MB resident), which is no failure; memory in use stays capped at 2 GiB.
malloc_limit_mb=4200
# Under ASan such a reservation of 4 GiB maps and poisons its shadow: 11 s for a 3 KB input
# that the release build refuses in 0.12 s with 40 MB resident. Not a hang of the program.
# Run niced beside builds, such an input can starve past 30 s: FT_FUZZ_TIMEOUT_S raises it.
timeout_s=${FT_FUZZ_TIMEOUT_S:-30}
run_fuzzer "$fuzzer" "$runs" "$seed" 300000 "$artifacts"
