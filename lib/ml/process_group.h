// Several training processes (torchrun's RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT): a c10d
// process group that averages gradients after backward and broadcasts the start weights. The
// backend follows the model's device: NCCL on CUDA (tensors stay on the GPU), Gloo on the CPU.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <memory>
#include <string>
#include <vector>

namespace cad::ml {

/// Where this process stands in a multi-process run.
struct DistributedEnv {
  int rank = 0;                           ///< RANK
  int world_size = 1;                     ///< WORLD_SIZE
  int local_rank = 0;                     ///< LOCAL_RANK (default: RANK): this node's GPU index
  std::string master_addr = "127.0.0.1";  ///< MASTER_ADDR
  int master_port = 29500;                ///< MASTER_PORT
};

/// Reads RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT (absent: a single process). Throws
/// cad::UsageError on malformed values.
DistributedEnv distributed_env_from_environment();

/// The device a rank trains on: "cuda" becomes "cuda:LOCAL_RANK" in a run of several
/// processes (one GPU each); anything else (cpu, cuda:N) is kept.
std::string rank_device(const std::string& device, const DistributedEnv& env);

/// True when this build has the c10d Gloo backend (Gloo headers found at build time).
bool distributed_available();

/// True when this build has the c10d Gloo backend (the CPU one).
bool gloo_available();

/// True when this build has the c10d NCCL backend (a CUDA LibTorch and nccl.h at build time).
bool nccl_available();

/// The backend a group on `device` uses: "nccl" for CUDA when NCCL is built in, else "gloo".
std::string process_group_backend(const c10::Device& device);

/// A process group over a TCP store at master_addr:master_port (rank 0 hosts it, unless
/// TORCHELASTIC_USE_AGENT_STORE=True says that torchrun's agent already does).
class ProcessGroup {
 public:
  /// Connects every process of `env` (blocks until all have joined, at most `timeout_s`) with
  /// the backend for `device` (process_group_backend; CUDA without NCCL falls back to Gloo over
  /// CPU copies with a warning). With NCCL, rank r uses GPU LOCAL_RANK (else r modulo the GPU
  /// count). Throws cad::Error when no backend is built in or the connection fails.
  explicit ProcessGroup(const DistributedEnv& env, double timeout_s = 300.0,
                        const c10::Device& device = c10::Device(c10::DeviceType::CPU));
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  /// Replaces each float tensor by its mean over the processes: one flat fp32 all-reduce on
  /// the tensors' device (NCCL) or on the CPU (Gloo). Tensors may be on different devices.
  void all_reduce_mean(const std::vector<at::Tensor>& tensors);
  /// Replaces each tensor by rank `root`'s (one flat broadcast per dtype), e.g. the weights at
  /// the start of a run, so that every process starts from the same model.
  void broadcast(const std::vector<at::Tensor>& tensors, int root = 0);
  /// "nccl" or "gloo".
  const std::string& backend() const { return backend_; }
  /// Waits until every process reaches this point.
  void barrier();

  int rank() const { return env_.rank; }              ///< this process
  int world_size() const { return env_.world_size; }  ///< processes

 private:
  struct Impl;
  DistributedEnv env_;
  std::string backend_;
  c10::Device device_;  ///< where collectives run: the GPU (NCCL) or the CPU (Gloo)
  std::unique_ptr<Impl> impl_;
};

}  // namespace cad::ml
