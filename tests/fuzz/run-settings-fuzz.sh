#!/usr/bin/env bash
# Runs the settings-file fuzzer briefly on a seed corpus of settings files (the documented
# example and small variations). A crashing input is kept in ./fuzz-artifacts. In the test
# suite the run is repeatable (fixed seed and number of inputs); pass a random seed and more
# runs to hunt.
# usage: run-settings-fuzz.sh FUZZER RUNS [SEED]
set -uo pipefail
source "$(dirname "$(readlink -f "$0")")/fuzz-common.sh"
fuzzer=$(readlink -f "$1") runs=$2 seed=${3:-1}
prepare_fuzz_run
cat > "$work/corpus/full.json" <<'JSON'
{"local_ae_title": "FIBRETRACK", "timeout_s": 10, "retrieve_port": 11113, "max_query_matches": 1000,
 "move_sources": ["PACS2@10.0.0.8"],
 "tls": {"certificate": "certs/a.crt", "private_key": "certs/a.key", "trusted": ["certs/ca.crt"], "verify_peer": true},
 "nodes": {"pacs": {"ae_title": "ORTHANC", "host": "pacs.local", "port": 4242, "tls": true, "tls_name": "pacs.local"},
           "web": {"dicomweb_url": "https://u:p@pacs.local/dicom-web"}},
 "outbox_directory": "", "study_store_directory": "", "log_patient_data": false}
JSON
echo '{}' > "$work/corpus/empty.json"
echo '{"nodes": {"x": {"ae_title": "A", "host": "h", "port": 70000}}}' > "$work/corpus/bad-port.json"
# What the fuzzer found under UBSan (a float too large for the int it was read into).
echo '{"timeout_s": 77, "retrieve_port": 111e13, "nodes": {"x": {"ae_title": "A", "host": "h", "port": 1e19}}}' > "$work/corpus/huge-float.json"
cd "$work"
run_fuzzer "$fuzzer" "$runs" "$seed" 4096 "$artifacts"
