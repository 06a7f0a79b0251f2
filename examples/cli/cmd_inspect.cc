// hearth inspect MODEL.gguf [--json]: everything hearth_file_* reports about a GGUF file. Works on any
// valid GGUF file, including vocabulary-only files and architectures hearth cannot run.
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "examples/cli/args.h"
#include "examples/cli/commands.h"
#include "hearth/hearth.h"

namespace hearth_cli {
namespace {

// Arrays (vocabularies, merges) are cut to this many elements in the listing.
constexpr uint64_t kMaxArrayElements = 16;

struct FileCloser {
  void operator()(hearth_file* f) const { hearth_file_free(f); }
};
using FilePtr = std::unique_ptr<hearth_file, FileCloser>;

struct SpecialToken {
  std::string name;  // "bos"
  int64_t id = -1;
  bool has_text = false;
  std::string text;
};

struct TensorRow {
  std::string name;
  std::string type;
  std::vector<int64_t> shape;
  uint64_t offset = 0;
  uint64_t bytes = 0;
  uint64_t elements = 1;
};

struct Report {
  std::string path;
  uint32_t version = 0;
  uint64_t file_size = 0;
  std::string architecture;
  std::vector<std::pair<std::string, std::string>> hyperparameters;  // key, JSON value
  std::vector<std::pair<std::string, std::string>> metadata;
  bool has_tokenizer_model = false;
  std::string tokenizer_model;
  bool has_pre = false;
  std::string pre;
  bool has_vocab = false;
  uint64_t vocab_size = 0;
  std::vector<SpecialToken> specials;
  std::vector<TensorRow> tensors;
  uint64_t total_bytes = 0;
  uint64_t total_elements = 0;
};

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The value under `key` as JSON, growing the buffer when the library reports BUFFER_TOO_SMALL.
hearth_status ValueJson(const hearth_file* file, const char* key, std::string* out) {
  std::vector<char> buffer(256);
  size_t length = 0;
  hearth_status status =
      hearth_file_metadata_to_json(file, key, kMaxArrayElements, buffer.data(), buffer.size(), &length);
  if (status == HEARTH_ERROR_BUFFER_TOO_SMALL) {
    buffer.resize(length + 1);
    status = hearth_file_metadata_to_json(file, key, kMaxArrayElements, buffer.data(), buffer.size(), &length);
  }
  if (status == HEARTH_OK) out->assign(buffer.data(), length);
  return status;
}

bool GetString(const hearth_file* file, const char* key, std::string* out) {
  const char* s = nullptr;
  size_t n = 0;
  if (hearth_file_metadata_get_string(file, key, &s, &n) != HEARTH_OK) return false;
  out->assign(s, n);
  return true;
}

int Collect(const std::string& path, Report* r) {
  hearth_file* raw = nullptr;
  hearth_status status = hearth_file_open(path.c_str(), &raw);
  if (status != HEARTH_OK) return ApiError("cannot open '" + path + "'", status);
  FilePtr file(raw);

  r->path = path;
  r->version = hearth_file_version(file.get());
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    if (std::fseek(f, 0, SEEK_END) == 0) r->file_size = static_cast<uint64_t>(std::ftell(f));
    std::fclose(f);
  }
  r->architecture = hearth_file_architecture(file.get());
  const std::string arch_prefix = r->architecture + ".";

  const int64_t n_keys = hearth_file_metadata_count(file.get());
  for (int64_t i = 0; i < n_keys; ++i) {
    const std::string key = hearth_file_metadata_key(file.get(), i);
    std::string json;
    status = ValueJson(file.get(), key.c_str(), &json);
    if (status != HEARTH_OK) return ApiError("cannot read metadata '" + key + "'", status);
    if (!r->architecture.empty() && StartsWith(key, arch_prefix)) {
      r->hyperparameters.emplace_back(key, json);
    } else {
      r->metadata.emplace_back(key, json);
    }
    // Special tokens: tokenizer.ggml.<name>_token_id.
    const std::string tok_prefix = "tokenizer.ggml.";
    if (StartsWith(key, tok_prefix) && EndsWith(key, "_token_id")) {
      SpecialToken special;
      special.name = key.substr(tok_prefix.size(), key.size() - tok_prefix.size() - 9);
      if (hearth_file_metadata_get_int(file.get(), key.c_str(), &special.id) == HEARTH_OK) {
        const char* text = nullptr;
        size_t length = 0;
        if (special.id >= 0 &&
            hearth_file_metadata_array_get_string(file.get(), "tokenizer.ggml.tokens",
                                                  static_cast<uint64_t>(special.id), &text,
                                                  &length) == HEARTH_OK) {
          special.has_text = true;
          special.text.assign(text, length);
        }
        r->specials.push_back(special);
      }
    }
  }
  r->has_tokenizer_model = GetString(file.get(), "tokenizer.ggml.model", &r->tokenizer_model);
  r->has_pre = GetString(file.get(), "tokenizer.ggml.pre", &r->pre);
  hearth_value_type type, element_type;
  r->has_vocab = hearth_file_metadata_type(file.get(), "tokenizer.ggml.tokens", &type, &element_type,
                                           &r->vocab_size) == HEARTH_OK &&
                 type == HEARTH_VALUE_ARRAY;
  if (!r->has_vocab) r->vocab_size = 0;

  const int64_t n_tensors = hearth_file_tensor_count(file.get());
  for (int64_t i = 0; i < n_tensors; ++i) {
    hearth_tensor_info info;
    info.struct_size = sizeof(info);
    status = hearth_file_tensor_info(file.get(), i, &info);
    if (status != HEARTH_OK) return ApiError("cannot read tensor " + std::to_string(i), status);
    TensorRow row;
    row.name = info.name;
    row.type = info.type_name;
    row.offset = info.offset;
    row.bytes = info.n_bytes;
    for (int d = 0; d < info.n_dims && d < 4; ++d) {
      row.shape.push_back(info.shape[d]);
      row.elements *= static_cast<uint64_t>(info.shape[d]);
    }
    r->total_bytes += row.bytes;
    r->total_elements += row.elements;
    r->tensors.push_back(row);
  }
  return 0;
}

std::string Json(const std::string& s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

void PrintText(const Report& r) {
  std::printf("file: %s\n", r.path.c_str());
  std::printf("  gguf version: %u\n", r.version);
  std::printf("  size: %" PRIu64 " bytes (%.2f MiB)\n", r.file_size, r.file_size / 1048576.0);
  std::printf("architecture: %s\n", r.architecture.empty() ? "(none)" : r.architecture.c_str());
  std::printf("hyperparameters:\n");
  if (r.hyperparameters.empty()) std::printf("  (none)\n");
  for (const auto& [key, value] : r.hyperparameters) std::printf("  %s = %s\n", key.c_str(), value.c_str());
  std::printf("tokenizer:\n");
  std::printf("  model: %s\n", r.has_tokenizer_model ? r.tokenizer_model.c_str() : "(none)");
  std::printf("  pre-tokenizer: %s\n", r.has_pre ? r.pre.c_str() : "(none)");
  std::printf("  vocabulary size: %" PRIu64 "\n", r.vocab_size);
  std::printf("  special tokens:%s\n", r.specials.empty() ? " (none)" : "");
  for (const SpecialToken& s : r.specials) {
    std::printf("    %s: %" PRId64 " %s\n", s.name.c_str(), s.id,
                s.has_text ? Json(s.text).c_str() : "(not in vocabulary)");
  }
  std::printf("metadata:\n");
  for (const auto& [key, value] : r.metadata) std::printf("  %s = %s\n", key.c_str(), value.c_str());
  std::printf("tensors: %zu\n", r.tensors.size());
  if (!r.tensors.empty()) {
    size_t name_width = 4;
    for (const TensorRow& t : r.tensors) name_width = std::max(name_width, t.name.size());
    std::printf("  %-*s  %-7s  %-24s  %12s\n", static_cast<int>(name_width), "name", "type", "shape", "bytes");
    for (const TensorRow& t : r.tensors) {
      std::printf("  %-*s  %-7s  %-24s  %12" PRIu64 "\n", static_cast<int>(name_width), t.name.c_str(),
                  t.type.c_str(), ShapeText(t.shape).c_str(), t.bytes);
    }
  }
  std::printf("total: %zu tensors, %" PRIu64 " elements, %" PRIu64 " bytes (%.2f MiB)\n", r.tensors.size(),
              r.total_elements, r.total_bytes, r.total_bytes / 1048576.0);
}

void PrintJson(const Report& r) {
  std::string out = "{";
  out += "\"file\":{\"path\":" + Json(r.path) + ",\"gguf_version\":" + std::to_string(r.version) +
         ",\"size\":" + std::to_string(r.file_size) + "}";
  out += ",\"architecture\":" + (r.architecture.empty() ? std::string("null") : Json(r.architecture));
  const auto append_object = [&](const std::vector<std::pair<std::string, std::string>>& entries) {
    out += "{";
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i > 0) out += ",";
      out += Json(entries[i].first) + ":" + entries[i].second;
    }
    out += "}";
  };
  out += ",\"hyperparameters\":";
  append_object(r.hyperparameters);
  out += ",\"tokenizer\":{\"model\":" + (r.has_tokenizer_model ? Json(r.tokenizer_model) : "null");
  out += ",\"pre\":" + (r.has_pre ? Json(r.pre) : "null");
  out += ",\"vocab_size\":" + std::to_string(r.vocab_size) + ",\"special_tokens\":{";
  for (size_t i = 0; i < r.specials.size(); ++i) {
    const SpecialToken& s = r.specials[i];
    if (i > 0) out += ",";
    out += Json(s.name) + ":{\"id\":" + std::to_string(s.id) +
           ",\"text\":" + (s.has_text ? Json(s.text) : "null") + "}";
  }
  out += "}}";
  out += ",\"metadata\":";
  append_object(r.metadata);
  out += ",\"tensors\":[";
  for (size_t i = 0; i < r.tensors.size(); ++i) {
    const TensorRow& t = r.tensors[i];
    if (i > 0) out += ",";
    out += "{\"name\":" + Json(t.name) + ",\"type\":" + Json(t.type) + ",\"shape\":[";
    for (size_t d = 0; d < t.shape.size(); ++d) out += (d > 0 ? "," : "") + std::to_string(t.shape[d]);
    out += "],\"elements\":" + std::to_string(t.elements) + ",\"offset\":" + std::to_string(t.offset) +
           ",\"bytes\":" + std::to_string(t.bytes) + "}";
  }
  out += "],\"totals\":{\"tensors\":" + std::to_string(r.tensors.size()) +
         ",\"elements\":" + std::to_string(r.total_elements) + ",\"bytes\":" + std::to_string(r.total_bytes) +
         "}}\n";
  std::fputs(out.c_str(), stdout);
}

}  // namespace

int RunInspect(int argc, char** argv) {
  ArgParser parser;
  bool json = false;
  parser.AddFlag("--json", &json);
  std::vector<std::string> positionals;
  std::string error;
  if (!parser.Parse(argc, argv, 1, &positionals, &error)) return UsageError("inspect", error);
  if (positionals.size() != 1) return UsageError("inspect", "expected exactly one GGUF file");
  Report report;
  if (int code = Collect(positionals[0], &report); code != 0) return code;
  if (json) {
    PrintJson(report);
  } else {
    PrintText(report);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace hearth_cli
