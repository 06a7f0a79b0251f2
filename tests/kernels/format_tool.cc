// Test driver that exposes the format kernels to the Python oracle tests (gguf-py, numpy):
//   format_tool dequantize TYPE IN.bin OUT.f32
//   format_tool quantize   TYPE IN.f32 OUT.bin
//   format_tool vec_dot    TYPE WEIGHTS.bin ACTIVATIONS.f32 OUT.f32   (one dot per weight row)
// TYPE is a format name (Q4_K). The scalar reference table is used unless HEARTH_ISA names another.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kernels/formats/ggml_type.h"
#include "kernels/kernel_table.h"

namespace hearth {
namespace {

bool ReadFile(const std::string& path, std::vector<char>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

bool WriteFile(const std::string& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  return static_cast<bool>(out);
}

const GgmlTypeInfo* TypeByName(const std::string& name) {
  for (uint32_t id = 0; id < kGgmlTypeLimit; ++id) {
    const GgmlTypeInfo* info = FindGgmlTypeInfo(id);
    if (info != nullptr && info->name == name) return info;
  }
  return nullptr;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "format_tool: %s\n", message.c_str());
  return 2;
}

int Run(int argc, char** argv) {
  if (argc < 5) return Fail("usage: format_tool dequantize|quantize|vec_dot TYPE IN [IN2] OUT");
  const std::string op = argv[1];
  const GgmlTypeInfo* info = TypeByName(argv[2]);
  if (info == nullptr) return Fail("unknown type " + std::string(argv[2]));
  const kernels::FormatKernels& k = kernels::ScalarKernels().format(info->type);
  std::vector<char> in;
  if (!ReadFile(argv[3], in)) return Fail("cannot read " + std::string(argv[3]));

  if (op == "dequantize") {
    if (k.dequantize_row == nullptr) return Fail("no dequantize for " + std::string(info->name));
    if (in.size() % info->block_bytes != 0) return Fail("input is not a whole number of blocks");
    const int64_t n = static_cast<int64_t>(in.size() / info->block_bytes) * info->block_elems;
    std::vector<float> out(static_cast<size_t>(n));
    k.dequantize_row(in.data(), out.data(), n);
    return WriteFile(argv[4], out.data(), out.size() * sizeof(float)) ? 0 : Fail("cannot write output");
  }
  if (op == "quantize") {
    if (k.quantize_row == nullptr) return Fail("no quantize for " + std::string(info->name));
    const int64_t n = static_cast<int64_t>(in.size() / sizeof(float));
    if (n % info->block_elems != 0) return Fail("input is not a whole number of blocks");
    std::vector<char> out(static_cast<size_t>(n / info->block_elems) * info->block_bytes);
    k.quantize_row(reinterpret_cast<const float*>(in.data()), out.data(), n);
    return WriteFile(argv[4], out.data(), out.size()) ? 0 : Fail("cannot write output");
  }
  if (op == "vec_dot") {
    if (argc < 6) return Fail("vec_dot needs WEIGHTS ACTIVATIONS OUT");
    if (k.vec_dot == nullptr) return Fail("no vec_dot for " + std::string(info->name));
    std::vector<char> act;
    if (!ReadFile(argv[4], act)) return Fail("cannot read activations");
    const int64_t n = static_cast<int64_t>(act.size() / sizeof(float));
    const GgmlTypeInfo& dot_info = GetGgmlTypeInfo(k.dot_type);
    const kernels::FormatKernels& dk = kernels::ScalarKernels().format(k.dot_type);
    if (n % info->block_elems != 0 || n % dot_info.block_elems != 0) return Fail("bad row length");
    const size_t row_bytes = static_cast<size_t>(n / info->block_elems) * info->block_bytes;
    if (row_bytes == 0 || in.size() % row_bytes != 0) return Fail("weights are not whole rows");
    std::vector<char> qact(static_cast<size_t>(n / dot_info.block_elems) * dot_info.block_bytes);
    dk.quantize_row(reinterpret_cast<const float*>(act.data()), qact.data(), n);
    std::vector<float> out(in.size() / row_bytes);
    for (size_t r = 0; r < out.size(); ++r) out[r] = k.vec_dot(n, in.data() + r * row_bytes, qact.data());
    return WriteFile(argv[5], out.data(), out.size() * sizeof(float)) ? 0 : Fail("cannot write output");
  }
  return Fail("unknown operation " + op);
}

}  // namespace
}  // namespace hearth

int main(int argc, char** argv) { return hearth::Run(argc, argv); }
