// AutocastGuard over the autocast API of LibTorch 1.13 (per-device functions) and of 2.4+
// (functions taking the device type).
#include "ml/precision.h"

#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "core/error.h"

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define CAD_AUTOCAST_BY_DEVICE_TYPE 1
#else
#define CAD_AUTOCAST_BY_DEVICE_TYPE 0
#endif

namespace cad::ml {
namespace {

void require_supported(c10::DeviceType device) {
  if (device != c10::DeviceType::CPU && device != c10::DeviceType::CUDA)
    throw Error(std::string("autocast: unsupported device type ") + c10::DeviceTypeName(device));
}

bool get_enabled(c10::DeviceType device) {
#if CAD_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::is_autocast_enabled(device);
#else
  return device == c10::DeviceType::CPU ? at::autocast::is_cpu_enabled()
                                        : at::autocast::is_enabled();
#endif
}

void set_enabled(c10::DeviceType device, bool enabled) {
#if CAD_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_enabled(device, enabled);
#else
  if (device == c10::DeviceType::CPU)
    at::autocast::set_cpu_enabled(enabled);
  else
    at::autocast::set_enabled(enabled);
#endif
}

at::ScalarType get_dtype(c10::DeviceType device) {
#if CAD_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::get_autocast_dtype(device);
#else
  return device == c10::DeviceType::CPU ? at::autocast::get_autocast_cpu_dtype()
                                        : at::autocast::get_autocast_gpu_dtype();
#endif
}

void set_dtype(c10::DeviceType device, at::ScalarType dtype) {
#if CAD_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_dtype(device, dtype);
#else
  if (device == c10::DeviceType::CPU)
    at::autocast::set_autocast_cpu_dtype(dtype);
  else
    at::autocast::set_autocast_gpu_dtype(dtype);
#endif
}

}  // namespace

bool uses_bf16_autocast(const std::string& dtype) {
  return dtype == "bfloat16";
}

AutocastGuard::AutocastGuard(c10::DeviceType device, bool enabled, at::ScalarType dtype)
    : device_(device), was_enabled_(false), old_dtype_(at::kBFloat16), counted_(false) {
  require_supported(device);
  was_enabled_ = get_enabled(device);
  old_dtype_ = get_dtype(device);
  if (enabled) {
    set_dtype(device, dtype);
    at::autocast::increment_nesting();
    counted_ = true;
  }
  set_enabled(device, enabled);
}

AutocastGuard::~AutocastGuard() {
  // Python's torch.autocast clears the cache when the outermost region ends; so do we.
  if (counted_ && at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_enabled(device_, was_enabled_);
  set_dtype(device_, old_dtype_);
}

bool autocast_enabled(c10::DeviceType device) {
  require_supported(device);
  return get_enabled(device);
}

bool fused_attention_available() {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
  return true;
#else
  return false;
#endif
}

std::string libtorch_version() {
  return TORCH_VERSION;
}

bool cuda_available() {
  return at::hasCUDA();
}

}  // namespace cad::ml
