// Versions, status strings and argument validation of every C API function (NULL pointers and bad
// struct_size are HEARTH_ERROR_INVALID_ARGUMENT with a message).
#include <cstring>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "hearth/hearth.h"
#include "tests/test_support.h"

namespace {

#define EXPECT_INVALID(call)                                  \
  do {                                                        \
    EXPECT_EQ((call), HEARTH_ERROR_INVALID_ARGUMENT) << #call; \
    EXPECT_STRNE(hearth_last_error(), "") << #call;           \
  } while (0)

TEST(VersionTest, MatchesMacros) {
  EXPECT_STREQ(hearth_version_string(), HEARTH_VERSION_STRING);
  EXPECT_EQ(hearth_version_number(), static_cast<uint32_t>(HEARTH_VERSION_NUMBER));
  EXPECT_EQ(HEARTH_VERSION_NUMBER,
            HEARTH_VERSION_MAJOR * 10000 + HEARTH_VERSION_MINOR * 100 + HEARTH_VERSION_PATCH);
  const std::string expected = std::to_string(HEARTH_VERSION_MAJOR) + "." + std::to_string(HEARTH_VERSION_MINOR) +
                               "." + std::to_string(HEARTH_VERSION_PATCH);
  EXPECT_EQ(expected, hearth_version_string());
}

TEST(StatusTest, Strings) {
  for (hearth_status s = HEARTH_OK; s <= HEARTH_ERROR_INTERNAL; ++s) {
    ASSERT_NE(hearth_status_string(s), nullptr);
    EXPECT_STRNE(hearth_status_string(s), "unknown status") << s;
  }
  EXPECT_STREQ(hearth_status_string(HEARTH_ERROR_INVALID_ARGUMENT), "invalid argument");
  EXPECT_STREQ(hearth_status_string(12345), "unknown status");
  EXPECT_NE(hearth_last_error(), nullptr);
}

TEST(StatusTest, LastErrorIsPerThread) {
  hearth_file* file = nullptr;
  EXPECT_EQ(hearth_file_open(nullptr, &file), HEARTH_ERROR_INVALID_ARGUMENT);
  const std::string here = hearth_last_error();
  EXPECT_NE(here.find("path"), std::string::npos);
  std::string there = "unset";
  std::thread([&] { there = hearth_last_error(); }).join();
  EXPECT_EQ(there, "");
}

TEST(ParamsTest, InitSetsSizeAndDefaults) {
  hearth_model_params mp;
  std::memset(&mp, 0xab, sizeof(mp));
  hearth_model_params_init(&mp);
  EXPECT_EQ(mp.struct_size, sizeof(mp));
  EXPECT_EQ(mp.progress_callback, nullptr);
  EXPECT_EQ(mp.vocab_only, 0);

  hearth_context_params cp;
  hearth_context_params_init(&cp);
  EXPECT_EQ(cp.struct_size, sizeof(cp));
  EXPECT_EQ(cp.n_ctx, 0u);
  EXPECT_EQ(cp.n_threads, 0);
  EXPECT_EQ(cp.n_batch, 0u);

  hearth_sampler_params sp;
  hearth_sampler_params_init(&sp);
  EXPECT_EQ(sp.struct_size, sizeof(sp));
  EXPECT_FLOAT_EQ(sp.temperature, 0.8f);
  EXPECT_EQ(sp.top_k, 40);
  EXPECT_FLOAT_EQ(sp.top_p, 0.95f);
  EXPECT_FLOAT_EQ(sp.min_p, 0.05f);
  EXPECT_FLOAT_EQ(sp.repeat_penalty, 1.0f);
  EXPECT_FLOAT_EQ(sp.frequency_penalty, 0.0f);
  EXPECT_FLOAT_EQ(sp.presence_penalty, 0.0f);
  EXPECT_EQ(sp.penalty_last_n, 64);
  EXPECT_EQ(sp.seed, 0u);
  EXPECT_EQ(sp.logit_bias, nullptr);

  hearth_generate_params gp;
  hearth_generate_params_init(&gp);
  EXPECT_EQ(gp.struct_size, sizeof(gp));
  EXPECT_EQ(gp.max_tokens, 128);
  EXPECT_EQ(gp.add_special, 1);
  EXPECT_EQ(gp.parse_special, 1);
  EXPECT_EQ(gp.callback, nullptr);

  // NULL is ignored.
  hearth_model_params_init(nullptr);
  hearth_context_params_init(nullptr);
  hearth_sampler_params_init(nullptr);
  hearth_generate_params_init(nullptr);
}

TEST(NullArgumentsTest, FileFunctions) {
  hearth_file* file = nullptr;
  EXPECT_INVALID(hearth_file_open(nullptr, &file));
  EXPECT_INVALID(hearth_file_open("x.gguf", nullptr));
  hearth_file_free(nullptr);
  EXPECT_EQ(hearth_file_version(nullptr), 0u);
  EXPECT_EQ(hearth_file_architecture(nullptr), nullptr);
  EXPECT_EQ(hearth_file_metadata_count(nullptr), -1);
  EXPECT_EQ(hearth_file_metadata_key(nullptr, 0), nullptr);
  EXPECT_EQ(hearth_file_tensor_count(nullptr), -1);
  hearth_value_type type;
  int64_t i;
  uint64_t u;
  double f;
  int32_t b;
  const char* s;
  char buffer[8];
  size_t n;
  EXPECT_INVALID(hearth_file_metadata_type(nullptr, "k", &type, nullptr, nullptr));
  EXPECT_INVALID(hearth_file_metadata_get_int(nullptr, "k", &i));
  EXPECT_INVALID(hearth_file_metadata_get_uint(nullptr, "k", &u));
  EXPECT_INVALID(hearth_file_metadata_get_float(nullptr, "k", &f));
  EXPECT_INVALID(hearth_file_metadata_get_bool(nullptr, "k", &b));
  EXPECT_INVALID(hearth_file_metadata_get_string(nullptr, "k", &s, &n));
  EXPECT_INVALID(hearth_file_metadata_array_get_int(nullptr, "k", 0, &i));
  EXPECT_INVALID(hearth_file_metadata_array_get_float(nullptr, "k", 0, &f));
  EXPECT_INVALID(hearth_file_metadata_array_get_string(nullptr, "k", 0, &s, &n));
  EXPECT_INVALID(hearth_file_metadata_to_json(nullptr, "k", 0, buffer, sizeof(buffer), &n));
  hearth_tensor_info info;
  info.struct_size = sizeof(info);
  EXPECT_INVALID(hearth_file_tensor_info(nullptr, 0, &info));

  HEARTH_REQUIRE_SHARED_DATA();
  ASSERT_EQ(hearth_file_open(hearth::testing::SharedPath("data/models/tiny-llama-Q8_0.gguf").c_str(), &file),
            HEARTH_OK);
  EXPECT_INVALID(hearth_file_metadata_type(file, nullptr, &type, nullptr, nullptr));
  EXPECT_INVALID(hearth_file_metadata_type(file, "general.architecture", nullptr, nullptr, nullptr));
  EXPECT_INVALID(hearth_file_metadata_get_int(file, nullptr, &i));
  EXPECT_INVALID(hearth_file_metadata_get_int(file, "llama.block_count", nullptr));
  EXPECT_INVALID(hearth_file_metadata_get_uint(file, "llama.block_count", nullptr));
  EXPECT_INVALID(hearth_file_metadata_get_float(file, "llama.rope.freq_base", nullptr));
  EXPECT_INVALID(hearth_file_metadata_get_string(file, "general.architecture", nullptr, &n));
  EXPECT_INVALID(hearth_file_metadata_array_get_string(file, "tokenizer.ggml.tokens", 0, nullptr, &n));
  EXPECT_INVALID(hearth_file_metadata_to_json(file, nullptr, 0, buffer, sizeof(buffer), &n));
  EXPECT_INVALID(hearth_file_tensor_info(file, 0, nullptr));
  info.struct_size = 0;
  EXPECT_INVALID(hearth_file_tensor_info(file, 0, &info));
  hearth_file_free(file);
}

}  // namespace
