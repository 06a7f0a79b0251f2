#include "lib/tokenizer/vocab.h"

#include <algorithm>
#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/util/status_macros.h"

namespace hearth::tokenizer {
namespace {

// Keys are built by plain concatenation: the system Abseil's StrCat may not accept std::string_view.
std::string Key(std::string_view name) { return std::string("tokenizer.ggml.").append(name); }

// Pre-tokenizers whose models expect a BOS token when the GGUF does not say.
bool DefaultsToAddBos(std::string_view pre) {
  return pre == "llama3" || pre == "llama-v3" || pre == "llama-bpe";
}

// Texts that end a turn in common chat formats; such control tokens also stop generation.
constexpr std::string_view kEndOfTurnTexts[] = {
    "<|eot_id|>",      "<|im_end|>", "<|end|>", "<end_of_turn>",
    "<|endoftext|>",   "<|eom_id|>", "<EOT>",   "<｜end▁of▁sentence｜>",
    "<|end_of_text|>",
};

// Reads an optional token id. Absent, negative or sentinel values mean "none" (-1).
absl::StatusOr<int32_t> ReadId(const gguf::Metadata& md, std::string_view name) {
  const std::string key = Key(name);
  if (!md.Contains(key)) return -1;
  HEARTH_ASSIGN_OR_RETURN(const int64_t v, md.GetInt(key));
  if (v < 0 || v > INT32_MAX) return -1;
  return static_cast<int32_t>(v);
}

absl::StatusOr<bool> ReadBool(const gguf::Metadata& md, std::string_view name, bool fallback) {
  const std::string key = Key(name);
  if (!md.Contains(key)) return fallback;
  return md.GetBool(key);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Vocab>> Vocab::FromMetadata(const gguf::Metadata& md) {
  const std::string model_key = Key("model");
  if (!md.Contains(model_key)) {
    return absl::InvalidArgumentError(
        "GGUF has no tokenizer: metadata key 'tokenizer.ggml.model' is missing");
  }
  HEARTH_ASSIGN_OR_RETURN(const std::string_view model, md.GetString(model_key));
  VocabData data;
  if (model == "llama") {
    data.model = VocabModel::kSpm;
  } else if (model == "gpt2") {
    data.model = VocabModel::kBpe;
  } else {
    return absl::UnimplementedError(absl::StrCat("unsupported tokenizer model '", std::string(model),
                                                 "' (tokenizer.ggml.model); supported: 'llama', 'gpt2'"));
  }
  const std::string pre_key = Key("pre");
  if (md.Contains(pre_key)) {
    HEARTH_ASSIGN_OR_RETURN(const std::string_view pre, md.GetString(pre_key));
    data.pre = std::string(pre);
  }

  HEARTH_ASSIGN_OR_RETURN(const std::vector<std::string_view> tokens, md.GetStringArray(Key("tokens")));
  data.tokens.assign(tokens.begin(), tokens.end());
  const std::string scores_key = Key("scores");
  if (md.Contains(scores_key)) {
    HEARTH_ASSIGN_OR_RETURN(data.scores, md.GetFloatArray(scores_key));
  }
  const std::string types_key = Key("token_type");
  if (md.Contains(types_key)) {
    HEARTH_ASSIGN_OR_RETURN(const std::vector<int64_t> types, md.GetIntArray(types_key));
    data.types.reserve(types.size());
    for (size_t i = 0; i < types.size(); ++i) {
      if (types[i] < 0 || types[i] > static_cast<int64_t>(TokenType::kByte)) {
        return absl::InvalidArgumentError(
            absl::StrCat("tokenizer.ggml.token_type[", i, "] = ", types[i], " is not a token type (0..6)"));
      }
      data.types.push_back(static_cast<TokenType>(types[i]));
    }
  }
  const std::string merges_key = Key("merges");
  if (md.Contains(merges_key)) {
    HEARTH_ASSIGN_OR_RETURN(const std::vector<std::string_view> merges, md.GetStringArray(merges_key));
    data.merges.assign(merges.begin(), merges.end());
  }

  HEARTH_ASSIGN_OR_RETURN(data.bos, ReadId(md, "bos_token_id"));
  HEARTH_ASSIGN_OR_RETURN(data.eos, ReadId(md, "eos_token_id"));
  HEARTH_ASSIGN_OR_RETURN(data.eot, ReadId(md, "eot_token_id"));
  HEARTH_ASSIGN_OR_RETURN(data.eom, ReadId(md, "eom_token_id"));
  HEARTH_ASSIGN_OR_RETURN(data.unk, ReadId(md, "unknown_token_id"));
  HEARTH_ASSIGN_OR_RETURN(data.pad, ReadId(md, "padding_token_id"));
  // A padding id outside the vocabulary is harmless; ignore it rather than reject the model.
  if (data.pad >= static_cast<int64_t>(data.tokens.size())) data.pad = -1;

  const bool spm = data.model == VocabModel::kSpm;
  HEARTH_ASSIGN_OR_RETURN(data.add_bos, ReadBool(md, "add_bos_token", spm || DefaultsToAddBos(data.pre)));
  HEARTH_ASSIGN_OR_RETURN(data.add_eos, ReadBool(md, "add_eos_token", false));
  HEARTH_ASSIGN_OR_RETURN(data.add_space_prefix, ReadBool(md, "add_space_prefix", spm));
  return Build(std::move(data));
}

absl::StatusOr<std::unique_ptr<Vocab>> Vocab::Build(VocabData data) {
  std::unique_ptr<Vocab> vocab(new Vocab(std::move(data)));
  HEARTH_RETURN_IF_ERROR(vocab->Init());
  return vocab;
}

absl::Status Vocab::Init() {
  const size_t n = data_.tokens.size();
  if (n == 0) return absl::InvalidArgumentError("tokenizer.ggml.tokens is empty");
  if (n > static_cast<size_t>(INT32_MAX))
    return absl::InvalidArgumentError("tokenizer.ggml.tokens is too large");
  if (!data_.scores.empty() && data_.scores.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("tokenizer.ggml.scores has ", data_.scores.size(),
                                                   " entries but there are ", n, " tokens"));
  }
  if (!data_.types.empty() && data_.types.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("tokenizer.ggml.token_type has ", data_.types.size(),
                                                   " entries but there are ", n, " tokens"));
  }
  const std::pair<const char*, int32_t> ids[] = {
      {"bos_token_id", data_.bos}, {"eos_token_id", data_.eos},     {"eot_token_id", data_.eot},
      {"eom_token_id", data_.eom}, {"unknown_token_id", data_.unk}, {"padding_token_id", data_.pad}};
  for (const auto& [name, id] : ids) {
    if (id >= static_cast<int64_t>(n)) {
      return absl::InvalidArgumentError(
          absl::StrCat("tokenizer.ggml.", name, " = ", id, " is outside the vocabulary of ", n, " tokens"));
    }
  }

  token_ids_.reserve(n);
  // On repeated texts the lowest id wins: e.g. deepseek's added single-character tokens repeat byte-level
  // entries, and the byte-level id is the one whose piece decodes back to the original byte.
  for (size_t i = 0; i < n; ++i) token_ids_.try_emplace(data_.tokens[i], static_cast<int32_t>(i));

  merge_ranks_.reserve(data_.merges.size());
  for (size_t r = 0; r < data_.merges.size(); ++r) {
    const std::string_view m = data_.merges[r];
    // The left part may itself start with a space, so search from the second byte.
    const size_t space = m.size() > 1 ? m.find(' ', 1) : std::string_view::npos;
    if (space == std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("tokenizer.ggml.merges[", r, "] = '", std::string(m),
                                                     "' is not of the form 'left right'"));
    }
    merge_ranks_.try_emplace(std::make_pair(m.substr(0, space), m.substr(space + 1)),
                             static_cast<int32_t>(r));
  }

  for (int b = 0; b < 256; ++b) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), "<0x%02X>", b);
    int32_t id = Find(hex);
    if (id < 0) id = Find(std::string(1, static_cast<char>(b)));
    byte_tokens_[b] = id >= 0 ? id : data_.unk;
  }

  for (size_t i = 0; i < n; ++i) {
    const TokenType t = type(static_cast<int32_t>(i));
    if ((t == TokenType::kControl || t == TokenType::kUserDefined || t == TokenType::kUnknown) &&
        !data_.tokens[i].empty()) {
      special_tokens_.push_back(static_cast<int32_t>(i));
    }
  }
  std::stable_sort(special_tokens_.begin(), special_tokens_.end(),
                   [this](int32_t a, int32_t b) { return data_.tokens[a].size() > data_.tokens[b].size(); });

  if (data_.eot < 0) {
    for (std::string_view t : kEndOfTurnTexts) {
      const int32_t id = Find(t);
      if (id >= 0 && type(id) == TokenType::kControl) {
        data_.eot = id;
        break;
      }
    }
  }
  for (int32_t id : {data_.eos, data_.eot, data_.eom}) {
    if (id >= 0) eog_.insert(id);
  }
  for (std::string_view t : kEndOfTurnTexts) {
    const int32_t id = Find(t);
    if (id >= 0 && (type(id) == TokenType::kControl || type(id) == TokenType::kUserDefined)) eog_.insert(id);
  }
  return absl::OkStatus();
}

int32_t Vocab::Find(std::string_view text) const {
  auto it = token_ids_.find(text);
  return it == token_ids_.end() ? -1 : it->second;
}

int32_t Vocab::MergeRank(std::string_view left, std::string_view right) const {
  auto it = merge_ranks_.find(std::make_pair(left, right));
  return it == merge_ranks_.end() ? -1 : it->second;
}

}  // namespace hearth::tokenizer
