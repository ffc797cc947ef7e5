# Sourced by the launch scripts: what every data-parallel lacos-exp job needs in its environment.
# (Not run on its own.)

# The programs built by launch/setup.sh (or cmake), first on PATH; mpirun -x PATH hands it on.
LACOS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$LACOS_ROOT/${BUILD_DIR:-build}/bin:$PATH"
command -v lacos-exp >/dev/null || { echo "lacos-exp not found: build first (launch/setup.sh)" >&2; exit 1; }

# Containers often run as root, which Open MPI refuses unless told otherwise.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# When a rank dies, mpirun sends the others SIGTERM and, this many seconds later, SIGKILL
# (Open MPI's default is 1 s). Rank 0 needs a moment to mark run.h5; a stop between steps gets a
# checkpoint when the signal reaches the ranks in time.
export OMPI_MCA_odls_base_sigkill_timeout=${OMPI_MCA_odls_base_sigkill_timeout:-10}
# A node whose network breaks: without keepalives mpirun waits ~8 minutes (300 s idle + 9 x 20 s)
# to notice it lost the node's daemon, and meanwhile the job hangs after lacos gave up. With these
# it notices within ~30 s (tested with a cut link between two network namespaces).
export OMPI_MCA_oob_tcp_keepalive_time=${OMPI_MCA_oob_tcp_keepalive_time:-10}
export OMPI_MCA_oob_tcp_keepalive_intvl=${OMPI_MCA_oob_tcp_keepalive_intvl:-5}
export OMPI_MCA_oob_tcp_keepalive_probes=${OMPI_MCA_oob_tcp_keepalive_probes:-4}

# NCCL hints (docs/distributed.md): warnings only unless asked; set the interface between
# nodes when the first one NCCL picks is not the fast one, e.g. NCCL_SOCKET_IFNAME=ib0.
export NCCL_DEBUG=${NCCL_DEBUG:-WARN}

# The variables every rank must see the same (mpirun -x copies them to remote nodes).
LACOS_MPI_EXPORTS=(-x PATH -x LD_LIBRARY_PATH -x NCCL_DEBUG)
for name in LACOS_MODELS LACOS_DATA LACOS_THREADS NCCL_SOCKET_IFNAME NCCL_IB_HCA NCCL_P2P_DISABLE NCCL_IB_DISABLE; do
  [ -n "${!name:-}" ] && LACOS_MPI_EXPORTS+=(-x "$name")
done

# GPUs on this node (0 without a driver).
gpu_count() {
  if command -v nvidia-smi >/dev/null 2>&1; then nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true; else echo 0; fi
}
