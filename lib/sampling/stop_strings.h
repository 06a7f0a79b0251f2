// Detects stop strings in streamed text. Generated pieces arrive one token at a time and a stop
// string may span several of them, so text that could be the start of a stop string is held back
// until it is known not to be one. The text before a stop string is emitted; the stop string and
// anything after it are not.
#ifndef HEARTH_LIB_SAMPLING_STOP_STRINGS_H_
#define HEARTH_LIB_SAMPLING_STOP_STRINGS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hearth::sampling {

class StopStringMatcher {
 public:
  struct Result {
    std::string text;      // Safe to emit now.
    bool stopped = false;  // A stop string completed; later Feeds return nothing.
  };

  // Empty stop strings are ignored.
  explicit StopStringMatcher(std::vector<std::string> stop_strings);

  // Appends `piece` to the generated text and returns what can be emitted.
  Result Feed(absl::string_view piece);

  // At the end of generation (no stop string), releases the held-back text.
  std::string Flush();

  // Forgets held text and the stopped state.
  void Reset();

  bool stopped() const { return stopped_; }
  // The stop string that matched (empty until stopped).
  const std::string& matched() const { return matched_; }
  // Bytes currently held back as a possible stop-string prefix.
  size_t held_bytes() const { return pending_.size(); }

 private:
  std::vector<std::string> stops_;
  std::string pending_;
  std::string matched_;
  bool stopped_ = false;
};

}  // namespace hearth::sampling

#endif  // HEARTH_LIB_SAMPLING_STOP_STRINGS_H_
