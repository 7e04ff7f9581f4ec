#!/usr/bin/env bash
# Runs the OpenIGTLink message fuzzer briefly on a seed corpus of valid streams (written by
# the OpenIGTLink library through igtl_fuzz_seeds). A crashing input is kept in ./fuzz-artifacts.
# usage: run-igtl-fuzz.sh FUZZER SEEDS_PROGRAM RUNS [SEED]
set -uo pipefail
source "$(dirname "$(readlink -f "$0")")/fuzz-common.sh"
fuzzer=$(readlink -f "$1") seeds=$(readlink -f "$2") runs=$3 seed=${4:-1}
prepare_fuzz_run
"$seeds" "$work/corpus" || exit 1
cd "$work"
run_fuzzer "$fuzzer" "$runs" "$seed" 65536 "$artifacts"
