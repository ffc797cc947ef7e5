// The `dist.*` settings of a run: which communicator carries the collectives and how training
// uses it (docs/distributed.md).
#pragma once

#include <cstdint>
#include <string>

namespace lacos {

struct DistOptions {
  std::string backend = "auto";        // auto | none | mpi | nccl
  bool global_negatives = true;        // MNR over the embeddings of all ranks (the global batch)
  std::int64_t check_every = 100;      // steps between adapter checksums across ranks (0: only at the end)
  double timeout_seconds = 600;        // a collective waiting longer than this ends the job
  double stop_grace_seconds = 5;       // how long a wait goes on after SIGINT/SIGTERM (mpi_communicator.h)
  std::int64_t bucket_megabytes = 64;  // gradient all-reduce bucket cap
  bool force_collectives = false;      // run collectives even with one rank (checks the NCCL path on one GPU)
};

}  // namespace lacos
