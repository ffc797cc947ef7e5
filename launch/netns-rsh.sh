#!/usr/bin/env bash
# Open MPI's remote launcher for the namespace "hosts" of launch/netns-hosts.sh: called as ssh
# would be (`netns-rsh.sh HOST COMMAND...`), it runs COMMAND in the namespace that owns HOST's
# address instead of logging in anywhere. Use with `--mca plm_rsh_agent launch/netns-rsh.sh`.
set -euo pipefail
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do shift; done  # ssh options, if Open MPI adds any
host=${1:?host}
shift
for ns in $(ip netns list | cut -d' ' -f1); do
  if ip -n "$ns" -o addr show | grep -q "inet $host/"; then
    exec ip netns exec "$ns" sh -c "$*"
  fi
done
echo "netns-rsh.sh: no network namespace has address $host" >&2
exit 255
