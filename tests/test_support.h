// Helpers shared by the tests: locating ../shared reference data.
#ifndef HEARTH_TESTS_TEST_SUPPORT_H_
#define HEARTH_TESTS_TEST_SUPPORT_H_

#include <string>

#include "gtest/gtest.h"

namespace hearth::testing {

// Directory of the shared reference data ($HEARTH_SHARED_DIR, else ../shared beside the checkout).
const std::string& SharedDir();
bool SharedDataPresent();
// Absolute path of `relative` inside the shared directory.
std::string SharedPath(const std::string& relative);

}  // namespace hearth::testing

// Skips the test, with a message, only when ../shared is absent.
#define HEARTH_REQUIRE_SHARED_DATA()                                                   \
  do {                                                                                 \
    if (!::hearth::testing::SharedDataPresent())                                       \
      GTEST_SKIP() << "shared reference data not found at " << ::hearth::testing::SharedDir(); \
  } while (0)

#endif  // HEARTH_TESTS_TEST_SUPPORT_H_
