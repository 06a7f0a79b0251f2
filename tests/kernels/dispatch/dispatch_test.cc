#include "kernels/dispatch.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "gtest/gtest.h"
#include "kernels/cpu_features.h"

namespace hearth::kernels {
namespace {

TEST(DispatchTest, ScalarIsAlwaysAvailable) {
  const std::vector<Isa> isas = AvailableIsas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.front(), Isa::kScalar);
  auto table = KernelsForIsa(Isa::kScalar);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ((*table)->isa, Isa::kScalar);
}

TEST(DispatchTest, ParsesEveryNameAndRejectsOthers) {
  for (Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512, Isa::kNeon, Isa::kNeonDotprod, Isa::kNeonI8mm}) {
    auto parsed = ParseIsa(IsaName(isa));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, isa);
  }
  auto bad = ParseIsa("avx9000");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("avx9000"), std::string::npos);
}

TEST(DispatchTest, SelectedTableIsAvailable) {
  auto selected = SelectKernels();
  ASSERT_TRUE(selected.ok()) << selected.status();
  const std::vector<Isa> isas = AvailableIsas();
  EXPECT_NE(std::find(isas.begin(), isas.end(), (*selected)->isa), isas.end());
  std::printf("CPU features: %s; selected: %s\n", DetectCpuFeatures().ToString().c_str(),
              std::string(IsaName((*selected)->isa)).c_str());
}

}  // namespace
}  // namespace hearth::kernels
