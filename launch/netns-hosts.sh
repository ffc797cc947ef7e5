#!/usr/bin/env bash
# Two "hosts" on this machine for network-fault tests: network namespaces joined by a veth pair,
# Open MPI over TCP between them, launched with `ip netns exec` instead of ssh
# (launch/netns-rsh.sh). Traffic only ever flows between the two namespaces this script creates.
#
#   launch/netns-hosts.sh up NAME      # namespaces NAME-a (10.77.N.1) and NAME-b (10.77.N.2)
#   launch/netns-hosts.sh down NAME    # removes them (and the veth pair)
#   launch/netns-hosts.sh cut NAME     # takes the link down (both ends): the network breaks
#
# Needs root (CAP_NET_ADMIN) and iproute2. N is derived from NAME, so tests can run side by side.
set -euo pipefail
action=${1:?up|down|cut}
name=${2:?name}
subnet=$(( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 200 + 20 ))
a=$name-a
b=$name-b
case $action in
  up)
    ip netns add "$a"
    ip netns add "$b"
    ip link add "v${subnet}a" netns "$a" type veth peer name "v${subnet}b" netns "$b"
    ip -n "$a" addr add "10.77.$subnet.1/24" dev "v${subnet}a"
    ip -n "$b" addr add "10.77.$subnet.2/24" dev "v${subnet}b"
    for ns in "$a" "$b"; do
      ip -n "$ns" link set lo up
    done
    ip -n "$a" link set "v${subnet}a" up
    ip -n "$b" link set "v${subnet}b" up
    echo "10.77.$subnet.1 10.77.$subnet.2 10.77.$subnet.0/24"
    ;;
  cut)
    ip -n "$a" link set "v${subnet}a" down
    ip -n "$b" link set "v${subnet}b" down
    ;;
  down)
    ip netns del "$a" 2>/dev/null || true
    ip netns del "$b" 2>/dev/null || true
    ;;
  *) echo "netns-hosts.sh: unknown action $action" >&2; exit 2 ;;
esac
