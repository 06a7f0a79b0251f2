#include "lib/tokenizer/vocab.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "absl/hash/hash.h"
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

absl::Status StringTable::Assign(absl::Span<const std::string_view> strings, std::string_view what) {
  size_t bytes = 0;
  for (std::string_view s : strings) bytes += s.size();
  if (bytes > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat("tokenizer.ggml.", std::string(what), " holds ", bytes,
                                                   " bytes of text, more than 4 GiB"));
  }
  chars_.clear();
  chars_.reserve(bytes);
  ends_.clear();
  ends_.reserve(strings.size());
  for (std::string_view s : strings) {
    chars_.append(s.data(), s.size());
    ends_.push_back(static_cast<uint32_t>(chars_.size()));
  }
  return absl::OkStatus();
}

size_t Vocab::TokenHash::operator()(std::string_view text) const { return absl::Hash<std::string_view>{}(text); }

size_t Vocab::MergeHash::operator()(MergePair pair) const {
  return absl::Hash<std::pair<std::string_view, std::string_view>>{}(std::make_pair(pair.left, pair.right));
}

Vocab::Vocab(VocabData data)
    : data_(std::move(data)),
      token_ids_(0, TokenHash{this}, TokenEq{this}),
      merge_ranks_(0, MergeHash{this}, MergeEq{this}) {
  data_.tokens = {};
  data_.merges = {};
}

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

  // The texts are read as views into the metadata and copied once, into the Vocab's tables.
  HEARTH_ASSIGN_OR_RETURN(const std::vector<std::string_view> tokens, md.GetStringArray(Key("tokens")));
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
  std::vector<std::string_view> merges;
  if (md.Contains(merges_key)) {
    HEARTH_ASSIGN_OR_RETURN(merges, md.GetStringArray(merges_key));
  }

  HEARTH_ASSIGN_OR_RETURN(data.bos, ReadId(md, "bos_token_id"));
  HEARTH_ASSIGN_OR_RETURN(data.eos, ReadId(md, "eos_token_id"));
  HEARTH_ASSIGN_OR_RETURN(data.eot, ReadId(md, "eot_token_id"));
  HEARTH_ASSIGN_OR_RETURN(data.eom, ReadId(md, "eom_token_id"));
  HEARTH_ASSIGN_OR_RETURN(data.unk, ReadId(md, "unknown_token_id"));
  HEARTH_ASSIGN_OR_RETURN(data.pad, ReadId(md, "padding_token_id"));
  // A padding id outside the vocabulary is harmless; ignore it rather than reject the model.
  if (data.pad >= static_cast<int64_t>(tokens.size())) data.pad = -1;

  const bool spm = data.model == VocabModel::kSpm;
  HEARTH_ASSIGN_OR_RETURN(data.add_bos, ReadBool(md, "add_bos_token", spm || DefaultsToAddBos(data.pre)));
  HEARTH_ASSIGN_OR_RETURN(data.add_eos, ReadBool(md, "add_eos_token", false));
  HEARTH_ASSIGN_OR_RETURN(data.add_space_prefix, ReadBool(md, "add_space_prefix", spm));
  return Create(std::move(data), tokens, merges);
}

absl::StatusOr<std::unique_ptr<Vocab>> Vocab::Build(VocabData data) {
  const std::vector<std::string> tokens = std::move(data.tokens);
  const std::vector<std::string> merges = std::move(data.merges);
  return Create(std::move(data), std::vector<std::string_view>(tokens.begin(), tokens.end()),
                std::vector<std::string_view>(merges.begin(), merges.end()));
}

absl::StatusOr<std::unique_ptr<Vocab>> Vocab::Create(VocabData data, absl::Span<const std::string_view> tokens,
                                                     absl::Span<const std::string_view> merges) {
  std::unique_ptr<Vocab> vocab(new Vocab(std::move(data)));
  HEARTH_RETURN_IF_ERROR(vocab->Init(tokens, merges));
  return vocab;
}

absl::Status Vocab::Init(absl::Span<const std::string_view> tokens, absl::Span<const std::string_view> merges) {
  const size_t n = tokens.size();
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

  HEARTH_RETURN_IF_ERROR(tokens_.Assign(tokens, "tokens"));
  token_ids_.reserve(n);
  // On repeated texts the lowest id wins: e.g. deepseek's added single-character tokens repeat byte-level
  // entries, and the byte-level id is the one whose piece decodes back to the original byte.
  for (size_t i = 0; i < n; ++i) token_ids_.insert(static_cast<int32_t>(i));

  for (size_t r = 0; r < merges.size(); ++r) {
    const std::string_view m = merges[r];
    // The left part may itself start with a space, so search from the second byte.
    if (m.size() <= 1 || m.find(' ', 1) == std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("tokenizer.ggml.merges[", r, "] = '", std::string(m),
                                                     "' is not of the form 'left right'"));
    }
  }
  if (merges.size() > static_cast<size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError("tokenizer.ggml.merges is too large");
  }
  HEARTH_RETURN_IF_ERROR(merges_.Assign(merges, "merges"));
  merge_ranks_.reserve(merges.size());
  // On repeated merges the lowest rank wins.
  for (size_t r = 0; r < merges.size(); ++r) merge_ranks_.insert(static_cast<int32_t>(r));

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
        !text(static_cast<int32_t>(i)).empty()) {
      special_tokens_.push_back(static_cast<int32_t>(i));
    }
  }
  std::stable_sort(special_tokens_.begin(), special_tokens_.end(),
                   [this](int32_t a, int32_t b) { return text(a).size() > text(b).size(); });

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
  return it == token_ids_.end() ? -1 : *it;
}

int32_t Vocab::MergeRank(std::string_view left, std::string_view right) const {
  auto it = merge_ranks_.find(MergePair{left, right});
  return it == merge_ranks_.end() ? -1 : *it;
}

Vocab::MergePair Vocab::merge(int32_t rank) const {
  const std::string_view m = merges_[rank];
  const size_t space = m.find(' ', 1);
  return MergePair{m.substr(0, space), m.substr(space + 1)};
}

}  // namespace hearth::tokenizer
