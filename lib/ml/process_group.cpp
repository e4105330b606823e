// c10d Gloo process group for data-parallel training (built when the Gloo headers exist).
#include "ml/process_group.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>

#include "core/error.h"

#if __has_include(<gloo/algorithm.h>) && __has_include(<torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>)
#define CAD_HAVE_GLOO 1
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#else
#define CAD_HAVE_GLOO 0
#endif

namespace cad::ml {
namespace {

int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  try {
    std::size_t used = 0;
    const int parsed = std::stoi(value, &used);
    if (value[used] != '\0') throw std::invalid_argument("trailing");
    return parsed;
  } catch (const std::exception&) {
    throw UsageError(fmt::format("{}={} is not an integer", name, value));
  }
}

}  // namespace

DistributedEnv distributed_env_from_environment() {
  DistributedEnv env;
  env.rank = env_int("RANK", 0);
  env.world_size = env_int("WORLD_SIZE", 1);
  env.master_port = env_int("MASTER_PORT", 29500);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0')
    env.master_addr = addr;
  if (env.world_size < 1 || env.rank < 0 || env.rank >= env.world_size)
    throw UsageError(fmt::format("RANK {} and WORLD_SIZE {} do not fit", env.rank, env.world_size));
  if (env.master_port < 1 || env.master_port > 65535)
    throw UsageError(fmt::format("MASTER_PORT {} is out of range", env.master_port));
  return env;
}

bool distributed_available() {
  return CAD_HAVE_GLOO != 0;
}

#if CAD_HAVE_GLOO
struct ProcessGroup::Impl {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};
#else
struct ProcessGroup::Impl {};
#endif

ProcessGroup::ProcessGroup(const DistributedEnv& env, double timeout_s) : env_(env) {
#if CAD_HAVE_GLOO
  impl_ = std::make_unique<Impl>();
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000));
  try {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(env.master_port);
    // Under torchrun the agent already hosts the store on MASTER_PORT: every rank is a client.
    const char* agent_store = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
    const bool use_agent_store = agent_store != nullptr && std::string(agent_store) == "True";
    options.isServer = env.rank == 0 && !use_agent_store;
    options.numWorkers = static_cast<std::size_t>(env.world_size);
    options.waitWorkers = true;
    options.timeout = timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, options);
    auto group_options = c10d::ProcessGroupGloo::Options::create(timeout);
    group_options->devices.push_back(
        c10d::ProcessGroupGloo::createDeviceForHostname(env.master_addr));
    impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, env.rank,
                                                               env.world_size, group_options);
  } catch (const std::exception& e) {
    throw Error(fmt::format("process group (rank {} of {}, {}:{}): {}", env.rank, env.world_size,
                            env.master_addr, env.master_port, e.what()));
  }
#else
  (void)timeout_s;
  throw Error(
      "several processes need the c10d Gloo backend, which this build lacks "
      "(install libgloo-dev and rebuild)");
#endif
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::all_reduce_mean(const std::vector<at::Tensor>& tensors) {
#if CAD_HAVE_GLOO
  if (tensors.empty() || env_.world_size == 1) return;
  std::vector<at::Tensor> flat_parts;
  flat_parts.reserve(tensors.size());
  for (const auto& t : tensors)
    flat_parts.push_back(t.detach().to(at::kCPU, at::kFloat).reshape(-1));
  std::vector<at::Tensor> buffer = {at::cat(flat_parts)};
  impl_->group->allreduce(buffer)->wait();
  buffer[0].div_(static_cast<double>(env_.world_size));
  std::int64_t offset = 0;
  for (const auto& t : tensors) {
    const std::int64_t n = t.numel();
    t.detach().copy_(buffer[0].slice(0, offset, offset + n).view_as(t));
    offset += n;
  }
#else
  (void)tensors;
#endif
}

void ProcessGroup::barrier() {
#if CAD_HAVE_GLOO
  impl_->group->barrier()->wait();
#endif
}

}  // namespace cad::ml
