// Bad input gives clear errors, never a crash: unsupported architectures, missing or misshapen tensors,
// missing hyperparameters, impossible context sizes, out-of-range token ids and oversized batches.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/model/inference_context.h"
#include "tests/lib/model/synthetic_model.h"

namespace hearth::model {
namespace {

using ::hearth::model::testing::BuildSyntheticModel;
using ::hearth::model::testing::SyntheticModel;
using ::hearth::model::testing::SyntheticSpec;
using ::testing::HasSubstr;

TEST(ModelErrorsTest, UnsupportedArchitecture) {
  SyntheticSpec spec;
  spec.arch = "gpt2";
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel(spec);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("unsupported architecture 'gpt2' (supported: llama, qwen2, qwen3)"));
}

TEST(ModelErrorsTest, MissingTensorIsNamedWithItsShape) {
  SyntheticSpec spec;
  spec.skip_tensor = "blk.1.ffn_up.weight";
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel(spec);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("missing tensor 'blk.1.ffn_up.weight' (expected shape [32, 64])"));
}

TEST(ModelErrorsTest, WrongShapeIsNamed) {
  SyntheticSpec spec;
  spec.shape_override["blk.0.attn_k.weight"] = {32, 24};
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel(spec);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("tensor 'blk.0.attn_k.weight' has shape [32, 24], expected [32, 16]"));
}

TEST(ModelErrorsTest, Qwen2NeedsBiasesAndQwen3NeedsQkNorms) {
  SyntheticSpec qwen2;
  qwen2.arch = "qwen2";
  qwen2.skip_tensor = "blk.0.attn_v.bias";
  absl::StatusOr<SyntheticModel> m2 = BuildSyntheticModel(qwen2);
  ASSERT_FALSE(m2.ok());
  EXPECT_THAT(std::string(m2.status().message()), HasSubstr("missing tensor 'blk.0.attn_v.bias'"));

  SyntheticSpec qwen3;
  qwen3.arch = "qwen3";
  qwen3.skip_tensor = "blk.1.attn_k_norm.weight";
  absl::StatusOr<SyntheticModel> m3 = BuildSyntheticModel(qwen3);
  ASSERT_FALSE(m3.ok());
  EXPECT_THAT(std::string(m3.status().message()),
              HasSubstr("missing tensor 'blk.1.attn_k_norm.weight' (expected shape [8])"));
}

TEST(ModelErrorsTest, MissingHyperparameterIsNamed) {
  SyntheticSpec spec;
  spec.skip_hparam_embd = true;
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel(spec);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("llama.embedding_length"));
}

TEST(ModelErrorsTest, ContextLengthMustFit) {
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel({});
  ASSERT_TRUE(m.ok()) << m.status();
  ContextParams params;
  params.n_ctx = 0;
  EXPECT_EQ(InferenceContext::Create(*m->model, params).status().code(),
            absl::StatusCode::kInvalidArgument);
  params.n_ctx = 65;  // The model's context_length is 64.
  absl::Status too_large = InferenceContext::Create(*m->model, params).status();
  EXPECT_EQ(too_large.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_large.message()), HasSubstr("context length 65"));
  params.n_ctx = 64;
  EXPECT_TRUE(InferenceContext::Create(*m->model, params).ok());
  params.n_threads = 0;
  EXPECT_FALSE(InferenceContext::Create(*m->model, params).ok());
}

TEST(ModelErrorsTest, TokenIdsOutOfRange) {
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel({});
  ASSERT_TRUE(m.ok()) << m.status();
  ContextParams params;
  params.n_ctx = 16;
  auto ctx = InferenceContext::Create(*m->model, params);
  ASSERT_TRUE(ctx.ok());
  for (int32_t bad : {-1, 40, 1 << 30}) {
    const std::vector<int32_t> tokens = {1, bad, 2};
    absl::Status status = (*ctx)->Eval(tokens);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(status.message()), HasSubstr("outside the vocabulary"));
    EXPECT_EQ((*ctx)->n_past(), 0);
  }
  EXPECT_TRUE((*ctx)->Eval({39}).ok());
}

TEST(ModelErrorsTest, BatchLargerThanRemainingContextOrMaxBatch) {
  absl::StatusOr<SyntheticModel> m = BuildSyntheticModel({});
  ASSERT_TRUE(m.ok()) << m.status();
  ContextParams params;
  params.n_ctx = 8;
  params.max_batch = 6;
  auto ctx = InferenceContext::Create(*m->model, params);
  ASSERT_TRUE(ctx.ok());
  EXPECT_EQ((*ctx)->Eval({}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*ctx)->Eval(std::vector<int32_t>(7, 1)).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE((*ctx)->Eval(std::vector<int32_t>(6, 1)).ok());
  absl::Status overflow = (*ctx)->Eval({1, 2, 3});
  EXPECT_EQ(overflow.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(overflow.message()), HasSubstr("exceeds the context length 8"));
  EXPECT_EQ((*ctx)->n_past(), 6);
  EXPECT_TRUE((*ctx)->Eval({1, 2}).ok());
  EXPECT_EQ((*ctx)->Eval({1}).code(), absl::StatusCode::kOutOfRange);
  EXPECT_FALSE((*ctx)->Truncate(9).ok());
  EXPECT_FALSE((*ctx)->Truncate(-1).ok());
}

}  // namespace
}  // namespace hearth::model
