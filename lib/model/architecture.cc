#include "lib/model/architecture.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "lib/gguf/absl_compat.h"

namespace hearth::model {
namespace {

using SpecGetter = const ArchitectureSpec& (*)();

// Explicit list (not static self-registration, which a static library's linker may drop).
constexpr std::array<SpecGetter, 3> kArchitectures = {
    &LlamaArchitecture,
    &Qwen2Architecture,
    &Qwen3Architecture,
};

}  // namespace

std::string SupportedArchitectureList() {
  std::string list;
  for (SpecGetter get : kArchitectures) {
    if (!list.empty()) list += ", ";
    list += get().name;
  }
  return list;
}

absl::StatusOr<const ArchitectureSpec*> FindArchitecture(std::string_view name) {
  for (SpecGetter get : kArchitectures) {
    if (get().name == name) return &get();
  }
  return absl::UnimplementedError(absl::StrCat("unsupported architecture '", gguf::AV(name),
                                                 "' (supported: ", SupportedArchitectureList(), ")"));
}

}  // namespace hearth::model
