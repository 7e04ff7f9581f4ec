# shellcheck shell=bash
# Sourced by scripts/archive-demo and bench/archive-throughput: a throw-away PostgreSQL and
# Orthanc nodes with the FibreTrack plugin on one PostgreSQL index and one storage folder,
# all on 127.0.0.1 on free ports, stopped by PID when the sourcing script exits.
#   archive_cluster_start_postgres          -> $pg_port
#   archive_cluster_start_node NAME WORKERS -> ${http[NAME]} ${dicom[NAME]}
#   archive_cluster_stop_nodes              (SIGTERM, waits: running analyses go back to the queue)
ac_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ac_build=${FT_BUILD_DIR:-$ac_root/build/default}  # the test suite names its own build (scripts/sanitize's too)
ac_cli=$ac_build/plugin/fibretrack
ac_plugin=$ac_build/plugin/orthanc/libFibreTrackOrthanc.so
ac_index_plugin=/usr/share/orthanc/plugins/libOrthancPostgreSQLIndex.so
ac_pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
ac_orthanc=$(command -v Orthanc || echo /usr/sbin/Orthanc)  # not on a user's PATH in Debian
for f in "$ac_cli" "$ac_plugin" "$ac_index_plugin" "$ac_pgbin/postgres" "$ac_orthanc"; do
  [ -e "$f" ] || { echo "$0: $f is missing (run scripts/setup and scripts/build)" >&2; exit 1; }
done

ac_work=$(mktemp -d /tmp/fibretrack-archive-XXXXXX)
chmod 711 "$ac_work"  # the PostgreSQL server's user must reach its folder inside
mkdir -p "$ac_work/storage"
declare -A http dicom ac_node_pid
ac_pg_pid=""

# Asks PID to stop with SIGNAL, waits up to 30 s, then kills it.
ac_stop_pid() {
  local pid=$1 signal=$2 i
  kill "-$signal" "$pid" 2>/dev/null || return 0
  for i in $(seq 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  echo "$0: PID $pid did not stop in 30 s: killed" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

archive_cluster_stop_nodes() {
  local node
  for node in "${!ac_node_pid[@]}"; do
    ac_stop_pid "${ac_node_pid[$node]}" TERM
    unset "ac_node_pid[$node]"
  done
}

ac_cleanup() {
  archive_cluster_stop_nodes
  [ -z "$ac_pg_pid" ] || ac_stop_pid "$ac_pg_pid" INT  # PostgreSQL's fast shutdown
  rm -rf "$ac_work"
}
trap ac_cleanup EXIT

ac_free_port() {  # a loopback port nobody answers on
  # Below the kernel's ephemeral range: a port there may be the local end of another program's
  # outgoing connection, which nothing answers on but which a server cannot bind (an archive
  # node failed so beside the other tests).
  local p low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 12000 ] || low=32768
  while :; do
    p=$((10000 + RANDOM % (low - 10000)))
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
  local i
  for i in $(seq 150); do "$ac_pgbin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.2; done
  "$ac_pgbin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" || { cat "$ac_work/pg/server.log" >&2; exit 1; }
  ac_pg_pid=$(head -1 "$ac_work/pg/data/postmaster.pid")
  "$ac_pgbin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U ft -d postgres -c "CREATE DATABASE orthanc"
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
  "$ac_orthanc" "$ac_work/$node/orthanc.json" >>"$ac_work/$node/orthanc.log" 2>&1 &
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
