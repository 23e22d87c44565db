#!/usr/bin/env bash
# Three silos on one machine with localhost clustering: two load the demo model, one is model-less.
# Each silo serves the HTTP API on its own port (8080, 8081, 8082); any of them can take any request.
# Stop with Ctrl+C (all three stop).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${Guard__AdminKey:=demo-admin-key-0123456789}"
export Guard__AdminKey
dotnet build -c Release src/Silo >/dev/null

run() { dotnet run -c Release --no-build --project src/Silo -- "$@" & }
trap 'kill 0' EXIT INT TERM
# First silo: the primary of localhost clustering.
run --demo --urls http://localhost:8080 --Cluster:SiloPort=11111 --Cluster:GatewayPort=30000 \
    --Guard:Storage:SqlitePath=data/cluster.db
sleep 5
run --demo --urls http://localhost:8081 --Cluster:SiloPort=11112 --Cluster:GatewayPort=30001 \
    --Cluster:PrimarySiloPort=11111 --Guard:Storage:SqlitePath=data/cluster.db
# Model-less: no --demo and no Guard:Model:Path, so workers and conversations are placed on the other two.
run --urls http://localhost:8082 --Cluster:SiloPort=11113 --Cluster:GatewayPort=30002 \
    --Cluster:PrimarySiloPort=11111 --Guard:Storage:SqlitePath=data/cluster.db
wait
