# Shared by the run-*fuzz.sh scripts (sourced).

# Sets $artifacts (./fuzz-artifacts: crashing inputs, kept) and $work (a temporary folder with an
# empty corpus/ and the targets' scratch/, removed on exit), and points $TMPDIR at that scratch/.
prepare_fuzz_run() {
  # The run works in $work: a corpus or log folder given relative to where the caller ran would
  # land in $work and be removed with it (a hunt's grown corpus was lost that way).
  [ -n "${FT_FUZZ_CORPUS:-}" ] && FT_FUZZ_CORPUS=$(realpath -m "$FT_FUZZ_CORPUS")
  [ -n "${FT_FUZZ_LOG:-}" ] && FT_FUZZ_LOG=$(realpath -m "$FT_FUZZ_LOG")
  artifacts=$(pwd)/fuzz-artifacts
  mkdir -p "$artifacts"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/corpus" "$work/scratch"
  # The targets' scratch files (FuzzScratch.h) go under $work too, on the caller's $TMPDIR's
  # file system still: a target that crashes mid-input cannot leave them behind.
  export TMPDIR="$work/scratch"
}

# Runs FUZZER on ./corpus in the current folder
# with a fixed seed and number of inputs, keeps a crashing input in $artifacts and prints the
# sanitizer's report, else libFuzzer's final statistics. Exits with the fuzzer's status.
# With FT_FUZZ_SECONDS set (scripts/fuzz), runs that long instead (RUNS ignored); with
# FT_FUZZ_CORPUS set, the corpus grown is kept there for the next hunt; with FT_FUZZ_MAX_LEN
# set, inputs are at most that long (a long hunt on the small seeds: many more inputs a second).
# usage: run_fuzzer FUZZER RUNS SEED MAX_LEN ARTIFACTS
run_fuzzer() {
  local fuzzer=$1 runs=$2 seed=$3 max_len=${FT_FUZZ_MAX_LEN:-$4} artifacts=$5
  local limit=(-runs="$runs")
  [ -n "${FT_FUZZ_SECONDS:-}" ] && limit=(-runs=-1 -max_total_time="$FT_FUZZ_SECONDS")
  local corpora=(corpus)
  if [ -n "${FT_FUZZ_CORPUS:-}" ]; then
    mkdir -p "$FT_FUZZ_CORPUS"
    corpora=("$FT_FUZZ_CORPUS" corpus)  # new inputs go to the first
  fi
  # Memory in use is capped at 2 GiB, and so is one allocation unless the caller set
  # $malloc_limit_mb; an input may take 10 s unless it set $timeout_s (the DICOM reader: see
  # run-fuzz.sh).
  "$fuzzer" "${limit[@]}" -seed="$seed" -max_len="$max_len" -rss_limit_mb=2048 -malloc_limit_mb="${malloc_limit_mb:-2048}" \
    -timeout="${timeout_s:-10}" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "${corpora[@]}" > log.txt 2>&1
  local status=$?
  if [ $status -eq 72 ]; then  # libFuzzer stopped by SIGINT/SIGTERM: no input was at fault
    grep "stat::number_of_executed_units" log.txt
    echo "fuzzer interrupted (exit 72): stopped by a signal, nothing found to keep"
  elif [ $status -ne 0 ]; then
    grep -A40 -m1 "ERROR: \|==ERROR\|SUMMARY\|deadly signal" log.txt | head -60
    echo "fuzzer failed (exit $status); input kept in $artifacts"
  else
    tail -n 6 log.txt
  fi
  [ -n "${FT_FUZZ_LOG:-}" ] && cp log.txt "$FT_FUZZ_LOG"
  exit $status
}
