# shellcheck shell=bash
# Sourced by scripts/archive-demo and bench/archive-throughput: a throw-away PostgreSQL and
# Orthanc nodes with the FibreTrack plugin on one PostgreSQL index and one storage folder,
# all on 127.0.0.1 on free ports, stopped by PID when the sourcing script exits.
#   archive_cluster_start_postgres          -> $pg_port
#   archive_cluster_start_node NAME WORKERS -> ${http[NAME]} ${dicom[NAME]}
#   archive_cluster_stop_nodes              (SIGTERM, waits: running analyses go back to the queue)
ac_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ac_cli=$ac_root/build/default/plugin/fibretrack
ac_plugin=$ac_root/build/default/plugin/orthanc/libFibreTrackOrthanc.so
ac_index_plugin=/usr/share/orthanc/plugins/libOrthancPostgreSQLIndex.so
ac_pgbin=/usr/lib/postgresql/15/bin
for f in "$ac_cli" "$ac_plugin" "$ac_index_plugin" "$ac_pgbin/postgres"; do
  [ -e "$f" ] || { echo "$0: $f is missing (run scripts/setup and scripts/build)" >&2; exit 1; }
done

ac_work=$(mktemp -d /tmp/fibretrack-archive-XXXXXX)
chmod 711 "$ac_work"  # the PostgreSQL server's user must reach its folder inside
mkdir -p "$ac_work/storage"
declare -A http dicom ac_node_pid
ac_pg_pid=""

archive_cluster_stop_nodes() {
  local node
  for node in "${!ac_node_pid[@]}"; do kill -TERM "${ac_node_pid[$node]}" 2>/dev/null || true; done
  for node in "${!ac_node_pid[@]}"; do
    while kill -0 "${ac_node_pid[$node]}" 2>/dev/null; do sleep 0.2; done
    unset "ac_node_pid[$node]"
  done
}

ac_cleanup() {
  archive_cluster_stop_nodes
  if [ -n "$ac_pg_pid" ]; then
    kill -INT "$ac_pg_pid" 2>/dev/null || true
    while kill -0 "$ac_pg_pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -rf "$ac_work"
}
trap ac_cleanup EXIT

ac_free_port() {  # a loopback port nobody answers on
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

ac_as_server_user() {  # PostgreSQL refuses to run as root
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

archive_cluster_start_postgres() {
  pg_port=$(ac_free_port)
  mkdir "$ac_work/pg"
  [ "$(id -u)" -ne 0 ] || chown postgres "$ac_work/pg"
  ac_as_server_user "$ac_pgbin/initdb" -D "$ac_work/pg/data" -A trust -U ft --no-sync >"$ac_work/pg/initdb.log"
  ac_as_server_user "$ac_pgbin/postgres" -D "$ac_work/pg/data" -p "$pg_port" -k "$ac_work/pg" \
    -c listen_addresses=127.0.0.1 >"$ac_work/pg/server.log" 2>&1 &
  until "$ac_pgbin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; do sleep 0.2; done
  ac_pg_pid=$(head -1 "$ac_work/pg/data/postmaster.pid")
  psql -X -q -h 127.0.0.1 -p "$pg_port" -U ft -d postgres -c "CREATE DATABASE orthanc"
}

# The configuration is what docs/archive.md gives a hospital, with this machine's paths.
archive_cluster_start_node() {
  local node=$1 workers=$2
  [ -n "${http[$node]:-}" ] || { http[$node]=$(ac_free_port); dicom[$node]=$(ac_free_port); }
  mkdir -p "$ac_work/$node"
  cat >"$ac_work/$node/orthanc.json" <<JSON
{
  "Name": "$node", "HttpPort": ${http[$node]}, "DicomPort": ${dicom[$node]}, "DicomAet": "ORTHANC",
  "RemoteAccessAllowed": false, "AuthenticationEnabled": false, "DicomCheckCalledAet": false,
  "StorageDirectory": "$ac_work/storage", "IndexDirectory": "$ac_work/$node", "StableAge": 2,
  "Plugins": [ "$ac_index_plugin", "$ac_plugin" ],
  "PostgreSQL": { "EnableIndex": true, "EnableStorage": false, "Host": "127.0.0.1", "Port": $pg_port,
                  "Database": "orthanc", "Username": "ft", "Password": "", "Lock": false },
  "FibreTrack": { "NodeName": "$node", "Workers": $workers, "Executable": "$ac_cli", "Backend": "auto",
                  "ScratchDirectory": "$ac_work/$node" }
}
JSON
  Orthanc "$ac_work/$node/orthanc.json" >>"$ac_work/$node/orthanc.log" 2>&1 &
  ac_node_pid[$node]=$!
  until curl -sf "http://127.0.0.1:${http[$node]}/system" >/dev/null; do
    kill -0 "${ac_node_pid[$node]}" 2>/dev/null || { cat "$ac_work/$node/orthanc.log" >&2; exit 1; }
    sleep 0.2
  done
}

# How many jobs are done + failed + skipped, as any node sees the shared queue.
archive_cluster_settled() {
  curl -sf "http://127.0.0.1:${http[$1]}/fibretrack/queue" | jq '.jobs.done + .jobs.failed + .jobs.skipped'
}
