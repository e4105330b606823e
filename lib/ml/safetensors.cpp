// safetensors writer and reader: header JSON via nlohmann, tensor bytes copied as they lie.
#include "ml/safetensors.h"

#include <torch/torch.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace cad::ml {
namespace {

struct DtypeName {
  at::ScalarType type;
  const char* name;
};

constexpr DtypeName kDtypes[] = {
    {at::kFloat, "F32"}, {at::kHalf, "F16"}, {at::kBFloat16, "BF16"}, {at::kLong, "I64"},
    {at::kInt, "I32"},   {at::kByte, "U8"},  {at::kBool, "BOOL"},
};

const char* dtype_name(at::ScalarType type) {
  for (const auto& d : kDtypes) {
    if (d.type == type) return d.name;
  }
  throw Error(std::string("safetensors: unsupported dtype ") + c10::toString(type));
}

at::ScalarType dtype_of(const std::string& name) {
  for (const auto& d : kDtypes) {
    if (name == d.name) return d.type;
  }
  throw Error("safetensors: unsupported dtype " + name);
}

bool little_endian() {
  const std::uint16_t probe = 1;
  unsigned char first = 0;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

}  // namespace

void save_safetensors(const std::string& path, const TensorFile& file) {
  if (!little_endian()) throw Error("safetensors: big-endian hosts are not supported");
  nlohmann::json header = nlohmann::json::object();
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::vector<at::Tensor> ordered;
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : file.tensors) {
    at::Tensor cpu = tensor.detach().to(at::kCPU).contiguous();
    const std::uint64_t bytes = cpu.numel() * cpu.element_size();
    header[name] = {{"dtype", dtype_name(cpu.scalar_type())},
                    {"shape", cpu.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    ordered.push_back(cpu);
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  const std::uint64_t length = text.size();

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(path + ": cannot write safetensors file");
  out.write(reinterpret_cast<const char*>(&length), sizeof length);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const at::Tensor& t : ordered) {
    out.write(static_cast<const char*>(t.data_ptr()),
              static_cast<std::streamsize>(t.numel() * t.element_size()));
  }
  out.flush();
  if (!out) throw Error(path + ": write failed");
}

TensorFile load_safetensors(const std::string& path) {
  if (!little_endian()) throw Error("safetensors: big-endian hosts are not supported");
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error(path + ": cannot open safetensors file");
  const std::uint64_t size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  std::uint64_t length = 0;
  if (size < 8 || !in.read(reinterpret_cast<char*>(&length), sizeof length) || length > size - 8) {
    throw Error(path + ": not a safetensors file (bad header length)");
  }
  std::string text(length, '\0');
  in.read(text.data(), static_cast<std::streamsize>(length));
  const std::uint64_t data_size = size - 8 - length;
  std::vector<char> data(data_size);
  in.read(data.data(), static_cast<std::streamsize>(data_size));
  if (!in) throw Error(path + ": truncated safetensors file");

  TensorFile file;
  try {
    const nlohmann::json header = nlohmann::json::parse(text);
    for (const auto& [name, entry] : header.items()) {
      if (name == "__metadata__") {
        file.metadata = entry.get<std::map<std::string, std::string>>();
        continue;
      }
      const at::ScalarType type = dtype_of(entry.at("dtype").get<std::string>());
      const auto shape = entry.at("shape").get<std::vector<std::int64_t>>();
      const auto begin = entry.at("data_offsets").at(0).get<std::uint64_t>();
      const auto end = entry.at("data_offsets").at(1).get<std::uint64_t>();
      at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(type));
      const std::uint64_t bytes = tensor.numel() * tensor.element_size();
      if (end < begin || end > data_size || end - begin != bytes) {
        throw Error(path + ": tensor " + name + " has offsets that do not match its shape");
      }
      if (bytes > 0) std::memcpy(tensor.data_ptr(), data.data() + begin, bytes);
      file.tensors[name] = tensor;
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": malformed safetensors header: " + e.what());
  }
  return file;
}

}  // namespace cad::ml
