#include "lib/sampling/stop_strings.h"

#include <algorithm>
#include <utility>

namespace hearth::sampling {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stop_strings) {
  for (std::string& s : stop_strings) {
    if (!s.empty()) stops_.push_back(std::move(s));
  }
}

StopStringMatcher::Result StopStringMatcher::Feed(absl::string_view piece) {
  Result result;
  if (stopped_) {
    result.stopped = true;
    return result;
  }
  pending_.append(piece.data(), piece.size());
  const absl::string_view text(pending_);

  // Earliest full occurrence of any stop string. Everything emitted earlier was checked not to
  // start one, so an occurrence can only begin inside pending_.
  size_t stop_at = absl::string_view::npos;
  const std::string* stop = nullptr;
  for (const std::string& s : stops_) {
    const size_t pos = text.find(s);
    if (pos < stop_at) {
      stop_at = pos;
      stop = &s;
    }
  }
  if (stop != nullptr) {
    result.text = pending_.substr(0, stop_at);
    result.stopped = true;
    matched_ = *stop;
    stopped_ = true;
    pending_.clear();
    return result;
  }

  // Hold back the longest suffix that is a proper prefix of some stop string.
  size_t hold = 0;
  for (const std::string& s : stops_) {
    const size_t max_len = std::min(s.size() - 1, text.size());
    for (size_t len = max_len; len > hold; --len) {
      if (text.substr(text.size() - len) == absl::string_view(s).substr(0, len)) {
        hold = len;
        break;
      }
    }
  }
  const size_t emit = pending_.size() - hold;
  result.text = pending_.substr(0, emit);
  pending_.erase(0, emit);
  return result;
}

std::string StopStringMatcher::Flush() {
  std::string out;
  out.swap(pending_);
  return out;
}

void StopStringMatcher::Reset() {
  pending_.clear();
  matched_.clear();
  stopped_ = false;
}

}  // namespace hearth::sampling
