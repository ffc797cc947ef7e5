#!/usr/bin/env bash
# Open MPI's remote launcher for the namespace "hosts" of launch/netns-hosts.sh: called as ssh
# would be (`netns-rsh.sh HOST COMMAND...`), it runs COMMAND in the namespace that owns HOST's
# address instead of logging in anywhere. Use with `--mca plm_rsh_agent launch/netns-rsh.sh`.
set -euo pipefail
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do shift; done  # ssh options, if Open MPI adds any
host=${1:?host}
shift
for ns in $(ip netns list | cut -d' ' -f1); do
  # Not `ip ... | grep -q`: grep exits at the first match, ip may then die of SIGPIPE, and under
  # pipefail the match counts as a miss (seen under load).
  addresses=$(ip -n "$ns" -o addr show 2>/dev/null || true)
  case $addresses in
    *"inet $host/"*) exec ip netns exec "$ns" sh -c "$*" ;;
  esac
done
echo "netns-rsh.sh: no network namespace has address $host" >&2
exit 255
