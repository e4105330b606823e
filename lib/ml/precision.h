// Mixed precision as PyTorch's torch.autocast does it: fp32 master weights and optimizer state,
// bf16 matrix products inside the model's forward (and so its backward), norms, softmax and
// losses in fp32. One guard works on LibTorch 1.13 and 2.x, on the CPU and on CUDA.
#pragma once

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>

namespace cad::ml {

/// True when a model config's `dtype` asks for bf16 autocast ("bfloat16"); false for "float32".
bool uses_bf16_autocast(const std::string& dtype);

/// For its lifetime, turns autocast for `device`'s type on (with `dtype` as the lower precision)
/// or off, then restores what was there. The outermost guard that turned it on clears autocast's
/// cache of cast weights when it ends, so an optimizer step between two forwards is never
/// hidden behind stale bf16 copies. Nests freely; thread-local like autocast itself.
class AutocastGuard {
 public:
  AutocastGuard(c10::DeviceType device, bool enabled, at::ScalarType dtype = at::kBFloat16);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  c10::DeviceType device_;
  bool was_enabled_;
  at::ScalarType old_dtype_;
  bool counted_;
};

/// Whether autocast is on for `device` in this thread.
bool autocast_enabled(c10::DeviceType device);

/// True when this LibTorch has fused scaled-dot-product attention (at::scaled_dot_product_
/// attention, LibTorch >= 2.1); the model uses it then and its own attention otherwise.
bool fused_attention_available();

/// "1.13.0"-style version of the LibTorch this was built against.
std::string libtorch_version();

/// True when this build can use CUDA and a device is present.
bool cuda_available();

}  // namespace cad::ml
