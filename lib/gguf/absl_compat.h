// The system Abseil may use its own absl::string_view rather than std::string_view; the hearth API uses
// std::string_view, so internal code converts explicitly where Abseil (StrCat, escaping, map lookup) needs
// it.
#ifndef HEARTH_LIB_GGUF_ABSL_COMPAT_H_
#define HEARTH_LIB_GGUF_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace hearth::gguf {

inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace hearth::gguf

#endif  // HEARTH_LIB_GGUF_ABSL_COMPAT_H_
