#!/usr/bin/env bash
# Runs the outbox job-file fuzzer briefly on a seed corpus: a job as the outbox writes it
# (DIMSE and DICOMweb destinations), one from a version before nodes were saved whole, and an
# empty file (a crash between create and write). A crashing input is kept in ./fuzz-artifacts.
# usage: run-outbox-fuzz.sh FUZZER RUNS [SEED]
set -uo pipefail
source "$(dirname "$(readlink -f "$0")")/fuzz-common.sh"
fuzzer=$(readlink -f "$1") runs=$2 seed=${3:-1}
prepare_fuzz_run
cat > "$work/corpus/dimse.json" <<'JSON'
{"destination": "ORTHANC@127.0.0.1:4242", "node": {"ae_title": "ORTHANC", "host": "127.0.0.1", "port": 4242, "tls": true,
 "tls_name": "pacs.local"}, "node_name": "pacs", "original_file": "/data/clip.dcm", "sop_instance_uid": "2.25.1",
 "attempts": 2, "last_error": "association refused", "next_attempt_unix_s": 1764580000, "object_bytes": 132}
JSON
echo '{"destination": "https://pacs.local/dicom-web", "node": {"dicomweb_url": "https://pacs.local/dicom-web"}, "attempts": 0}' \
  > "$work/corpus/web.json"
echo '{"destination": "ORTHANC@pacs:4242", "original_file": "a.dcm"}' > "$work/corpus/old.json"
: > "$work/corpus/empty.json"
cd "$work"
run_fuzzer "$fuzzer" "$runs" "$seed" 4096 "$artifacts"
