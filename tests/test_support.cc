#include "tests/test_support.h"

#include <sys/stat.h>

#include <cstdlib>

namespace hearth::testing {

const std::string& SharedDir() {
  static const std::string dir = [] {
    const char* env = std::getenv("HEARTH_SHARED_DIR");
    return std::string(env != nullptr && *env != '\0' ? env : HEARTH_DEFAULT_SHARED_DIR);
  }();
  return dir;
}

bool SharedDataPresent() {
  struct stat st;
  return ::stat((SharedDir() + "/README.md").c_str(), &st) == 0;
}

std::string SharedPath(const std::string& relative) { return SharedDir() + "/" + relative; }

}  // namespace hearth::testing
