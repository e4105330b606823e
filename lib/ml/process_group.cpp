// c10d process groups for data-parallel training: Gloo on the CPU (built when the Gloo headers
// exist) and NCCL on CUDA (built when CMake found a CUDA LibTorch and nccl.h: CAD_WITH_NCCL).
#include "ml/process_group.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <type_traits>
#include <utility>

#include "core/error.h"
#include "core/log.h"

#if __has_include(<gloo/algorithm.h>) && __has_include(<torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>)
#define CAD_HAVE_GLOO 1
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#else
#define CAD_HAVE_GLOO 0
#endif

#if defined(CAD_WITH_NCCL)
#define CAD_HAVE_NCCL 1
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#else
#define CAD_HAVE_NCCL 0
#endif

#if CAD_HAVE_GLOO || CAD_HAVE_NCCL
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
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

#if CAD_HAVE_GLOO || CAD_HAVE_NCCL
// LibTorch >= 2.4 asks for the libuv store by default, which builds without libuv (Debian's 2.6)
// refuse: the classic store is the fallback.
template <typename T, typename = void>
struct HasUseLibUv : std::false_type {};
template <typename T>
struct HasUseLibUv<T, std::void_t<decltype(std::declval<T&>().useLibUV)>> : std::true_type {};

template <typename Options>  // a template, so that the 1.x branch never names useLibUV
c10::intrusive_ptr<c10d::TCPStore> make_store(const std::string& host, Options options) {
  try {
    return c10::make_intrusive<c10d::TCPStore>(host, options);
  } catch (const std::exception& e) {
    if constexpr (HasUseLibUv<Options>::value) {
      if (std::string(e.what()).find("libuv") != std::string::npos) {
        options.useLibUV = false;
        return c10::make_intrusive<c10d::TCPStore>(host, options);
      }
    }
    throw;
  }
}
#endif

}  // namespace

DistributedEnv distributed_env_from_environment() {
  DistributedEnv env;
  env.rank = env_int("RANK", 0);
  env.world_size = env_int("WORLD_SIZE", 1);
  env.local_rank = env_int("LOCAL_RANK", env.rank);
  env.master_port = env_int("MASTER_PORT", 29500);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0')
    env.master_addr = addr;
  if (env.world_size < 1 || env.rank < 0 || env.rank >= env.world_size)
    throw UsageError(fmt::format("RANK {} and WORLD_SIZE {} do not fit", env.rank, env.world_size));
  if (env.local_rank < 0)
    throw UsageError(fmt::format("LOCAL_RANK {} is negative", env.local_rank));
  if (env.master_port < 1 || env.master_port > 65535)
    throw UsageError(fmt::format("MASTER_PORT {} is out of range", env.master_port));
  return env;
}

std::string rank_device(const std::string& device, const DistributedEnv& env) {
  if (device != "cuda" || env.world_size <= 1) return device;
  return fmt::format("cuda:{}", env.local_rank);
}

bool distributed_available() {
  return CAD_HAVE_GLOO != 0 || CAD_HAVE_NCCL != 0;
}

bool gloo_available() {
  return CAD_HAVE_GLOO != 0;
}

bool nccl_available() {
  return CAD_HAVE_NCCL != 0;
}

std::string process_group_backend(const c10::Device& device) {
  return device.is_cuda() && nccl_available() ? "nccl" : "gloo";
}

struct ProcessGroup::Impl {
#if CAD_HAVE_GLOO || CAD_HAVE_NCCL
  c10::intrusive_ptr<c10d::TCPStore> store;
#endif
#if CAD_HAVE_GLOO
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#endif
#if CAD_HAVE_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif

  void allreduce(std::vector<at::Tensor>& buffer) {
#if CAD_HAVE_NCCL
    if (nccl) {
      nccl->allreduce(buffer)->wait();
      return;
    }
#endif
#if CAD_HAVE_GLOO
    gloo->allreduce(buffer)->wait();
#else
    (void)buffer;
#endif
  }

  void broadcast(std::vector<at::Tensor>& buffer, int root) {
#if CAD_HAVE_GLOO || CAD_HAVE_NCCL
    c10d::BroadcastOptions options;
    options.rootRank = root;
#endif
#if CAD_HAVE_NCCL
    if (nccl) {
      nccl->broadcast(buffer, options)->wait();
      return;
    }
#endif
#if CAD_HAVE_GLOO
    gloo->broadcast(buffer, options)->wait();
#else
    (void)buffer;
    (void)root;
#endif
  }

  void barrier() {
#if CAD_HAVE_NCCL
    if (nccl) {
      nccl->barrier()->wait();
      return;
    }
#endif
#if CAD_HAVE_GLOO
    gloo->barrier()->wait();
#endif
  }
};

ProcessGroup::ProcessGroup(const DistributedEnv& env, double timeout_s, const c10::Device& device)
    : env_(env), backend_(process_group_backend(device)), device_(c10::DeviceType::CPU) {
  if (device.is_cuda() && backend_ == "gloo")
    cad::core::logger().warn(
        "this build has no NCCL: gradients of the CUDA model are averaged through Gloo on the CPU");
  if (backend_ == "gloo" && CAD_HAVE_GLOO == 0)
    throw Error(
        "several processes need the c10d Gloo backend, which this build lacks "
        "(install libgloo-dev and rebuild)");
  impl_ = std::make_unique<Impl>();
#if CAD_HAVE_GLOO || CAD_HAVE_NCCL
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
    impl_->store = make_store(env.master_addr, options);
#if CAD_HAVE_NCCL
    if (backend_ == "nccl") {
      device_ = device.has_index() ? device : c10::Device(c10::DeviceType::CUDA, env.local_rank);
      c10::cuda::set_device(device_.index());
      auto group_options = c10d::ProcessGroupNCCL::Options::create();
      group_options->timeout = timeout;
      impl_->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl_->store, env.rank,
                                                                env.world_size, group_options);
    }
#endif
#if CAD_HAVE_GLOO
    if (backend_ == "gloo") {
      auto group_options = c10d::ProcessGroupGloo::Options::create(timeout);
      group_options->devices.push_back(
          c10d::ProcessGroupGloo::createDeviceForHostname(env.master_addr));
      impl_->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, env.rank,
                                                                env.world_size, group_options);
    }
#endif
  } catch (const std::exception& e) {
    throw Error(fmt::format("process group ({}, rank {} of {}, {}:{}): {}", backend_, env.rank,
                            env.world_size, env.master_addr, env.master_port, e.what()));
  }
#else
  (void)timeout_s;
#endif
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::all_reduce_mean(const std::vector<at::Tensor>& tensors) {
  if (tensors.empty() || env_.world_size == 1) return;
  std::vector<at::Tensor> flat_parts;
  flat_parts.reserve(tensors.size());
  for (const auto& t : tensors)
    flat_parts.push_back(t.detach().to(device_, at::kFloat).reshape(-1));
  std::vector<at::Tensor> buffer = {at::cat(flat_parts)};
  impl_->allreduce(buffer);
  buffer[0].div_(static_cast<double>(env_.world_size));
  std::int64_t offset = 0;
  for (const auto& t : tensors) {
    const std::int64_t n = t.numel();
    t.detach().copy_(buffer[0].slice(0, offset, offset + n).view_as(t));
    offset += n;
  }
}

void ProcessGroup::broadcast(const std::vector<at::Tensor>& tensors, int root) {
  if (tensors.empty() || env_.world_size == 1) return;
  if (root < 0 || root >= env_.world_size)
    throw UsageError(fmt::format("broadcast from rank {} of {}", root, env_.world_size));
  // One flat buffer per dtype, so that every value arrives bit for bit.
  std::map<int, std::vector<std::size_t>> by_type;
  for (std::size_t i = 0; i < tensors.size(); ++i)
    by_type[static_cast<int>(tensors[i].scalar_type())].push_back(i);
  for (const auto& [type, indices] : by_type) {
    std::vector<at::Tensor> flat_parts;
    for (std::size_t i : indices) flat_parts.push_back(tensors[i].detach().to(device_).reshape(-1));
    std::vector<at::Tensor> buffer = {at::cat(flat_parts)};
    impl_->broadcast(buffer, root);
    std::int64_t offset = 0;
    for (std::size_t i : indices) {
      const at::Tensor& t = tensors[i];
      const std::int64_t n = t.numel();
      t.detach().copy_(buffer[0].slice(0, offset, offset + n).view_as(t));
      offset += n;
    }
  }
}

void ProcessGroup::barrier() {
  impl_->barrier();
}

}  // namespace cad::ml
