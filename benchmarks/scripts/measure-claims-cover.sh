#!/usr/bin/env bash
# The claims cover's cost (issue 15): bytes read and etcd CPU of a first registration beside N nodes that hold their
# claims, with the cover (changed nodes found by the sorted range, then by a watch) and with every node read. Needs etcd, python3 and curl; starts and stops its own etcd.
#   benchmarks/scripts/measure-claims-cover.sh 10000 24790
#   benchmarks/scripts/measure-claims-cover.sh 50000 24890
# etcd CPU is the etcd process's own utime+stime (/proc/<pid>/stat, 1/100 s ticks) over the startups.
set -euo pipefail
N=$1; port=$2
root="$(cd "$(dirname "$0")/../.." && pwd)"
J="$root/cli/target/calico-startup.jar"
work=$(mktemp -d)
etcd --name mc --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$port" \
  --advertise-client-urls "http://127.0.0.1:$port" --listen-peer-urls "http://127.0.0.1:$((port+10))" \
  --quota-backend-bytes=8589934592 > "$work/etcd.log" 2>&1 &
etcd_pid=$!
trap 'kill $etcd_pid 2>/dev/null; rm -rf "$work"' EXIT
sleep 1.5
python3 - "$port" "$N" <<'PY'
import json, base64, urllib.request, sys
port, n = sys.argv[1], int(sys.argv[2])
b = lambda s: base64.b64encode(s.encode()).decode()
node = json.dumps({"kind": "Node", "apiVersion": "projectcalico.org/v3", "metadata": {"name": "NAME",
    "creationTimestamp": "2026-01-01T00:00:00Z", "uid": "x" * 36}, "spec": {"bgp": {"ipv4Address": "IP/16"},
    "orchRefs": [{"nodeName": "NAME", "orchestrator": "k8s"}]}, "padding": "p" * 700})
ops = []
for i in range(n):
    ip, name = "10.%d.%d.%d" % (100 + i // 62500, (i // 250) % 250, i % 250 + 1), "node-%d" % i
    ops.append({"request_put": {"key": b("/calico/resources/v3/projectcalico.org/nodes/" + name),
        "value": b(node.replace("NAME", name).replace("IP", ip))}})
    ops.append({"request_put": {"key": b("/calico/startup/v1/ipclaims/ipv4/" + ip),
        "value": b('{"node":"%s"}' % name)}})
    if len(ops) >= 120 or i == n - 1:
        urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%s/v3/kv/txn" % port,
            data=json.dumps({"success": ops}).encode())).read()
        ops = []
PY
run() {
  env -i PATH=/usr/bin:/bin ETCD_ENDPOINTS="http://127.0.0.1:$port" DATASTORE_TYPE=etcdv3 NODENAME="$1" IP="$2" \
    FELIX_IPV6SUPPORT=false CALICO_NODENAME_FILE="$work/nodename" ${3:-} \
    java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$J" run 2>&1 | grep "Startup complete" | sed 's/.*: node/node/'
}
ticks() { awk '{print $14+$15}' "/proc/$etcd_pid/stat"; }
echo "$N nodes with claims; the first startup reads every node and claim and creates the cover:"
run maker 10.250.0.1/16
t0=$(ticks); for i in $(seq 1 20); do out=$(run "m$i" "10.250.1.$i/16"); done; t1=$(ticks)
echo "with the cover: $out"
echo "  etcd CPU: $(( (t1-t0)*10/20 )) ms per first registration (20 startups)"
t0=$(ticks); for i in $(seq 1 20); do out=$(run "w$i" "10.250.3.$i/16" CALICO_STARTUP_CHANGED_NODES=watch); done
t1=$(ticks)
echo "with the cover, changed nodes by a watch: $out"
echo "  etcd CPU: $(( (t1-t0)*10/20 )) ms per first registration (20 startups)"
curl -s "http://127.0.0.1:$port/v3/kv/deleterange" \
  -d "{\"key\":\"$(printf %s /calico/startup/v1/claims-cover | base64)\"}" > /dev/null
t0=$(ticks); for i in $(seq 1 5); do out=$(run "f$i" "10.250.2.$i/16" CALICO_STARTUP_CLAIMS_COVER_MIN_NODES=1000000000); done; t1=$(ticks)
echo "reading every node: $out"
echo "  etcd CPU: $(( (t1-t0)*10/5 )) ms per first registration (5 startups)"
