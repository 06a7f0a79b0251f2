// Placeholder: the SIMD legacy/float format tests land in the next commit.
#include "gtest/gtest.h"
#include "kernels/dispatch.h"

namespace hearth::kernels {
namespace {

TEST(SimdLegacyTest, ScalarIsAvailable) { EXPECT_FALSE(AvailableIsas().empty()); }

}  // namespace
}  // namespace hearth::kernels
