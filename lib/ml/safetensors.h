// Reading and writing the safetensors format (8-byte little-endian header length, JSON header,
// raw little-endian tensor bytes), our own implementation.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>

namespace cad::ml {

/// Named tensors plus string metadata (the header's "__metadata__").
struct TensorFile {
  std::map<std::string, at::Tensor> tensors;    ///< CPU, contiguous
  std::map<std::string, std::string> metadata;  ///< free-form key/value strings
};

/// Writes `file` to `path`: tensors in name order, each moved to the CPU and made contiguous;
/// dtypes F32, F16, BF16, I64, I32, U8 and BOOL. The header is padded with spaces to a
/// multiple of 8 bytes. Throws cad::Error on an unsupported dtype or an I/O failure.
void save_safetensors(const std::string& path, const TensorFile& file);

/// Reads a safetensors file into CPU tensors (copies; the file is not kept open). Throws
/// cad::Error on I/O failure, a malformed header, an unsupported dtype or offsets that do not
/// match the shapes.
TensorFile load_safetensors(const std::string& path);

}  // namespace cad::ml
