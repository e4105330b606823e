// Several training processes (torchrun's RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT): a c10d
// process group (Gloo, CPU tensors) that averages gradients after backward.
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

namespace cad::ml {

/// Where this process stands in a multi-process run.
struct DistributedEnv {
  int rank = 0;                           ///< RANK
  int world_size = 1;                     ///< WORLD_SIZE
  std::string master_addr = "127.0.0.1";  ///< MASTER_ADDR
  int master_port = 29500;                ///< MASTER_PORT
};

/// Reads RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT (absent: a single process). Throws
/// cad::UsageError on malformed values.
DistributedEnv distributed_env_from_environment();

/// True when this build has the c10d Gloo backend (Gloo headers found at build time).
bool distributed_available();

/// A process group over a TCP store at master_addr:master_port (rank 0 hosts it, unless
/// TORCHELASTIC_USE_AGENT_STORE=True says that torchrun's agent already does).
class ProcessGroup {
 public:
  /// Connects every process of `env` (blocks until all have joined, at most `timeout_s`).
  /// Throws cad::Error when the backend is not built in or the connection fails.
  explicit ProcessGroup(const DistributedEnv& env, double timeout_s = 300.0);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  /// Replaces each CPU float tensor by its mean over the processes (one flat all-reduce).
  void all_reduce_mean(const std::vector<at::Tensor>& tensors);
  /// Waits until every process reaches this point.
  void barrier();

  int rank() const { return env_.rank; }              ///< this process
  int world_size() const { return env_.world_size; }  ///< processes

 private:
  struct Impl;
  DistributedEnv env_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cad::ml
