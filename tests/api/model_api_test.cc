// Models, tokens, contexts, sampling and generation through the public header on a shared tiny model.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "hearth/hearth.h"
#include "tests/test_support.h"

namespace {

using hearth::testing::SharedPath;

#define EXPECT_INVALID(call)                                   \
  do {                                                         \
    EXPECT_EQ((call), HEARTH_ERROR_INVALID_ARGUMENT) << #call; \
    EXPECT_STRNE(hearth_last_error(), "") << #call;            \
  } while (0)

class ModelApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!hearth::testing::SharedDataPresent()) return;
    ASSERT_EQ(hearth_model_load(SharedPath("data/models/tiny-qwen2-Q8_0.gguf").c_str(), nullptr, &model_),
              HEARTH_OK)
        << hearth_last_error();
  }
  static void TearDownTestSuite() {
    hearth_model_free(model_);
    model_ = nullptr;
  }
  void SetUp() override { HEARTH_REQUIRE_SHARED_DATA(); }

  static hearth_context* NewContext(uint32_t n_ctx, int32_t threads, bool logits_all, uint32_t n_batch = 0) {
    hearth_context_params params;
    hearth_context_params_init(&params);
    params.n_ctx = n_ctx;
    params.n_threads = threads;
    params.logits_all = logits_all ? 1 : 0;
    params.n_batch = n_batch;
    hearth_context* context = nullptr;
    EXPECT_EQ(hearth_context_create(model_, &params, &context), HEARTH_OK) << hearth_last_error();
    return context;
  }

  static std::vector<hearth_token> Tokenize(const std::string& text, bool add_special, bool parse_special) {
    size_t count = 0;
    EXPECT_EQ(hearth_model_tokenize(model_, text.data(), text.size(), add_special, parse_special, nullptr, 0,
                                    &count),
              text.empty() && !add_special ? HEARTH_OK : HEARTH_ERROR_BUFFER_TOO_SMALL);
    std::vector<hearth_token> tokens(count);
    EXPECT_EQ(hearth_model_tokenize(model_, text.data(), text.size(), add_special, parse_special, tokens.data(),
                                    tokens.size(), &count),
              HEARTH_OK);
    return tokens;
  }

  static hearth_model* model_;
};

hearth_model* ModelApiTest::model_ = nullptr;

TEST_F(ModelApiTest, Info) {
  hearth_model_info info;
  info.struct_size = sizeof(info);
  ASSERT_EQ(hearth_model_get_info(model_, &info), HEARTH_OK);
  EXPECT_STREQ(info.architecture, "qwen2");
  EXPECT_EQ(info.n_vocab, 50257);
  EXPECT_EQ(info.n_embd, 256);
  EXPECT_EQ(info.n_layer, 2);
  EXPECT_EQ(info.n_head, 4);
  EXPECT_EQ(info.n_head_kv, 2);
  EXPECT_GT(info.n_ctx_train, 0);
  EXPECT_GT(info.n_params, 10000000u);
  EXPECT_GT(info.n_bytes, 10000000u);
  const hearth_file* file = hearth_model_file(model_);
  ASSERT_NE(file, nullptr);
  EXPECT_STREQ(hearth_file_architecture(file), "qwen2");
  EXPECT_EQ(hearth_file_tensor_count(file), 26);
  info.struct_size = 4;
  EXPECT_INVALID(hearth_model_get_info(model_, &info));
  EXPECT_EQ(hearth_model_token_bos(model_), 50256);
  EXPECT_EQ(hearth_model_token_eos(model_), 50256);
  EXPECT_TRUE(hearth_model_token_is_end(model_, 50256));
  EXPECT_FALSE(hearth_model_token_is_end(model_, 100));
}

TEST_F(ModelApiTest, TokenizeDetokenizeRoundTrip) {
  const std::string text = "Hello world! Ünïcödé text, 你好, 123 tokens.";
  const std::vector<hearth_token> tokens = Tokenize(text, false, false);
  ASSERT_FALSE(tokens.empty());
  size_t length = 0;
  EXPECT_EQ(hearth_model_detokenize(model_, tokens.data(), tokens.size(), 0, nullptr, 0, &length),
            HEARTH_ERROR_BUFFER_TOO_SMALL);
  std::vector<char> buffer(length + 1);
  ASSERT_EQ(hearth_model_detokenize(model_, tokens.data(), tokens.size(), 0, buffer.data(), buffer.size(), &length),
            HEARTH_OK);
  EXPECT_EQ(std::string(buffer.data(), length), text);

  std::string pieces;
  for (hearth_token t : tokens) {
    char piece[64];
    ASSERT_EQ(hearth_model_token_to_piece(model_, t, 0, piece, sizeof(piece), &length), HEARTH_OK);
    pieces.append(piece, length);
  }
  EXPECT_EQ(pieces, text);
  char piece[64];
  EXPECT_INVALID(hearth_model_token_to_piece(model_, 50257, 0, piece, sizeof(piece), &length));
  EXPECT_INVALID(hearth_model_token_to_piece(model_, -1, 0, piece, sizeof(piece), &length));
}

TEST_F(ModelApiTest, TokenizeBufferProtocolAndSpecials) {
  hearth_token small[2];
  size_t count = 0;
  const std::string text = "one two three four five";
  EXPECT_EQ(hearth_model_tokenize(model_, text.data(), text.size(), 0, 0, small, 2, &count),
            HEARTH_ERROR_BUFFER_TOO_SMALL);
  EXPECT_GT(count, 2u);
  const std::vector<hearth_token> special = Tokenize("<|endoftext|>", false, true);
  ASSERT_EQ(special.size(), 1u);
  EXPECT_EQ(special[0], 50256);
  EXPECT_GT(Tokenize("<|endoftext|>", false, false).size(), 1u);
}

TEST_F(ModelApiTest, VocabOnlyLoad) {
  hearth_model_params params;
  hearth_model_params_init(&params);
  params.vocab_only = 1;
  hearth_model* vocab = nullptr;
  ASSERT_EQ(hearth_model_load(SharedPath("data/vocab/ggml-vocab-llama-bpe.gguf").c_str(), &params, &vocab),
            HEARTH_OK)
      << hearth_last_error();
  size_t count = 0;
  hearth_token tokens[16];
  EXPECT_EQ(hearth_model_tokenize(vocab, "Hello", 5, 0, 0, tokens, 16, &count), HEARTH_OK);
  EXPECT_EQ(count, 1u);
  hearth_context* context = nullptr;
  EXPECT_INVALID(hearth_context_create(vocab, nullptr, &context));
  hearth_model_free(vocab);
  // A vocabulary file is not a runnable model.
  EXPECT_NE(hearth_model_load(SharedPath("data/vocab/ggml-vocab-bert-bge.gguf").c_str(), nullptr, &vocab),
            HEARTH_OK);
  EXPECT_EQ(vocab, nullptr);
}

TEST_F(ModelApiTest, LoadErrors) {
  hearth_model* model = nullptr;
  EXPECT_EQ(hearth_model_load("/nonexistent/x.gguf", nullptr, &model), HEARTH_ERROR_NOT_FOUND);
  hearth_model_params params;
  hearth_model_params_init(&params);
  params.struct_size = 3;
  EXPECT_INVALID(hearth_model_load(SharedPath("data/models/tiny-qwen2-Q8_0.gguf").c_str(), &params, &model));
  EXPECT_INVALID(hearth_model_load(nullptr, nullptr, &model));
  EXPECT_INVALID(hearth_model_load("x", nullptr, nullptr));
}

// A caller built against the 0.1 header passes the shorter struct (ending at vocab_only): accepted, and
// the newer flags take their default. HEARTH_MODEL_FILE_LAYOUT_ONLY gives the same logits up to float order.
TEST_F(ModelApiTest, OldParamsLayoutAndFileLayoutOnly) {
  const std::string path = SharedPath("data/models/tiny-qwen2-Q8_0.gguf");
  hearth_model_params params;
  hearth_model_params_init(&params);
  params.flags = ~uint64_t{0};  // Beyond the old struct_size: must be ignored.
  params.struct_size = offsetof(hearth_model_params, vocab_only) + sizeof(int32_t);
  hearth_model* old_layout = nullptr;
  ASSERT_EQ(hearth_model_load(path.c_str(), &params, &old_layout), HEARTH_OK) << hearth_last_error();
  hearth_model_params_init(&params);
  params.flags = HEARTH_MODEL_FILE_LAYOUT_ONLY;
  hearth_model* file_layout = nullptr;
  ASSERT_EQ(hearth_model_load(path.c_str(), &params, &file_layout), HEARTH_OK) << hearth_last_error();
  hearth_model_info info;
  info.struct_size = sizeof(info);
  ASSERT_EQ(hearth_model_get_info(model_, &info), HEARTH_OK);
  const std::vector<hearth_token> tokens = {10, 200, 3000, 42, 7};
  std::vector<std::vector<float>> logits;
  for (hearth_model* m : {old_layout, file_layout}) {
    hearth_context* context = nullptr;
    ASSERT_EQ(hearth_context_create(m, nullptr, &context), HEARTH_OK) << hearth_last_error();
    for (hearth_token t : tokens) ASSERT_EQ(hearth_context_eval(context, &t, 1, HEARTH_LOGITS_LAST), HEARTH_OK);
    const float* l = hearth_context_logits(context, -1);
    ASSERT_NE(l, nullptr);
    logits.emplace_back(l, l + info.n_vocab);
    hearth_context_free(context);
  }
  double max_diff = 0;
  for (int32_t v = 0; v < info.n_vocab; ++v) {
    max_diff = std::max(max_diff, std::fabs(double(logits[0][v]) - logits[1][v]));
  }
  EXPECT_LT(max_diff, 0.05);
  hearth_model_free(old_layout);
  hearth_model_free(file_layout);
}

TEST_F(ModelApiTest, ProgressCallbackCancels) {
  hearth_model_params params;
  hearth_model_params_init(&params);
  int calls = 0;
  params.progress_user_data = &calls;
  params.progress_callback = [](float progress, void* user_data) -> int32_t {
    ++*static_cast<int*>(user_data);
    return progress >= 0.5f ? 1 : 0;
  };
  hearth_model* model = nullptr;
  EXPECT_EQ(hearth_model_load(SharedPath("data/models/tiny-qwen2-Q8_0.gguf").c_str(), &params, &model),
            HEARTH_ERROR_CANCELLED);
  EXPECT_EQ(model, nullptr);
  EXPECT_GE(calls, 2);
}

TEST_F(ModelApiTest, BatchAndOneAtATimeLogitsAgree) {
  const std::vector<hearth_token> tokens = {10, 200, 3000, 42, 7, 9999, 123, 5};
  hearth_model_info info;
  info.struct_size = sizeof(info);
  ASSERT_EQ(hearth_model_get_info(model_, &info), HEARTH_OK);
  hearth_context* batch = NewContext(64, 1, true);
  hearth_context* single = NewContext(64, 1, false);
  ASSERT_EQ(hearth_context_eval(batch, tokens.data(), tokens.size(), HEARTH_LOGITS_ALL), HEARTH_OK);
  EXPECT_EQ(hearth_context_position(batch), tokens.size());
  EXPECT_EQ(hearth_context_size(batch), 64u);
  for (size_t i = 0; i < tokens.size(); ++i) {
    ASSERT_EQ(hearth_context_eval(single, &tokens[i], 1, HEARTH_LOGITS_LAST), HEARTH_OK);
    const float* a = hearth_context_logits(batch, static_cast<int32_t>(i));
    const float* b = hearth_context_logits(single, -1);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    double max_diff = 0;
    for (int32_t v = 0; v < info.n_vocab; ++v) max_diff = std::max(max_diff, std::fabs(double(a[v]) - b[v]));
    EXPECT_LT(max_diff, 0.05) << "position " << i;
  }
  EXPECT_EQ(hearth_context_logits(single, 0), hearth_context_logits(single, -1));
  EXPECT_EQ(hearth_context_logits(single, 1), nullptr);
  // LOGITS_ALL needs a context created for it.
  EXPECT_INVALID(hearth_context_eval(single, tokens.data(), 2, HEARTH_LOGITS_ALL));
  hearth_context_free(batch);
  hearth_context_free(single);
}

TEST_F(ModelApiTest, EvalLongerThanBatchKeepsAllRows) {
  std::vector<hearth_token> tokens;
  for (int i = 0; i < 13; ++i) tokens.push_back(100 + i * 37);
  hearth_context* whole = NewContext(32, 1, true);
  hearth_context* sliced = NewContext(32, 1, true, /*n_batch=*/4);
  ASSERT_EQ(hearth_context_eval(whole, tokens.data(), tokens.size(), HEARTH_LOGITS_ALL), HEARTH_OK);
  ASSERT_EQ(hearth_context_eval(sliced, tokens.data(), tokens.size(), HEARTH_LOGITS_ALL), HEARTH_OK);
  for (int32_t i = 0; i < 13; ++i) {
    const float* a = hearth_context_logits(whole, i);
    const float* b = hearth_context_logits(sliced, i);
    ASSERT_NE(b, nullptr);
    EXPECT_NEAR(a[17], b[17], 0.05);
  }
  EXPECT_EQ(hearth_context_logits(sliced, 13), nullptr);
  EXPECT_EQ(hearth_context_logits(sliced, -13), hearth_context_logits(sliced, 0));
  hearth_context_free(whole);
  hearth_context_free(sliced);
}

TEST_F(ModelApiTest, EvalErrorsChangeNothing) {
  hearth_context* context = NewContext(8, 1, false);
  const hearth_token tokens[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  ASSERT_EQ(hearth_context_eval(context, tokens, 5, HEARTH_LOGITS_LAST), HEARTH_OK);
  EXPECT_EQ(hearth_context_eval(context, tokens, 4, HEARTH_LOGITS_LAST), HEARTH_ERROR_CONTEXT_FULL);
  EXPECT_EQ(hearth_context_position(context), 5u);
  const hearth_token bad = 50257;
  EXPECT_INVALID(hearth_context_eval(context, &bad, 1, HEARTH_LOGITS_LAST));
  EXPECT_INVALID(hearth_context_eval(context, tokens, 1, 7));
  EXPECT_INVALID(hearth_context_eval(context, nullptr, 1, HEARTH_LOGITS_LAST));
  EXPECT_EQ(hearth_context_position(context), 5u);
  ASSERT_EQ(hearth_context_truncate(context, 2), HEARTH_OK);
  EXPECT_EQ(hearth_context_position(context), 2u);
  EXPECT_EQ(hearth_context_logits(context, -1), nullptr);
  EXPECT_NE(hearth_context_truncate(context, 3), HEARTH_OK);
  hearth_context_free(context);
}

TEST_F(ModelApiTest, SamplerDeterministicWithSeed) {
  hearth_context* context = NewContext(64, 1, false);
  const hearth_token prompt[] = {11, 22, 33};
  ASSERT_EQ(hearth_context_eval(context, prompt, 3, HEARTH_LOGITS_LAST), HEARTH_OK);
  hearth_sampler_params params;
  hearth_sampler_params_init(&params);
  params.seed = 1234;
  params.temperature = 1.5f;
  params.top_k = 0;
  params.top_p = 1.0f;
  params.min_p = 0.0f;
  hearth_sampler* a = nullptr;
  hearth_sampler* b = nullptr;
  ASSERT_EQ(hearth_sampler_create(model_, &params, &a), HEARTH_OK) << hearth_last_error();
  ASSERT_EQ(hearth_sampler_create(model_, &params, &b), HEARTH_OK);
  std::vector<hearth_token> first, second;
  for (int i = 0; i < 16; ++i) {
    hearth_token x, y;
    ASSERT_EQ(hearth_sampler_sample(a, context, -1, &x), HEARTH_OK);
    ASSERT_EQ(hearth_sampler_sample(b, context, -1, &y), HEARTH_OK);
    first.push_back(x);
    second.push_back(y);
  }
  EXPECT_EQ(first, second);
  hearth_sampler_reset(a);
  for (int i = 0; i < 16; ++i) {
    hearth_token x;
    ASSERT_EQ(hearth_sampler_sample(a, context, -1, &x), HEARTH_OK);
    EXPECT_EQ(x, first[static_cast<size_t>(i)]);
  }
  // A bias of -inf on every sampled token bans it.
  hearth_logit_bias ban{first[0], -INFINITY};
  params.temperature = 0.0f;
  params.logit_bias = &ban;
  params.n_logit_bias = 1;
  hearth_sampler* greedy = nullptr;
  ASSERT_EQ(hearth_sampler_create(model_, &params, &greedy), HEARTH_OK);
  hearth_token g;
  ASSERT_EQ(hearth_sampler_sample(greedy, context, -1, &g), HEARTH_OK);
  EXPECT_NE(g, first[0]);
  hearth_sampler_accept(greedy, 5);
  EXPECT_INVALID(hearth_sampler_sample(greedy, context, 0 + 5, &g));
  params.top_p = 2.0f;
  hearth_sampler* bad = nullptr;
  EXPECT_INVALID(hearth_sampler_create(model_, &params, &bad));
  hearth_sampler_free(a);
  hearth_sampler_free(b);
  hearth_sampler_free(greedy);
  hearth_context_free(context);
}

struct Collected {
  std::string text;
  int calls = 0;
  int stop_after = -1;
};

int32_t Collect(hearth_token token, const char* text, size_t length, void* user_data) {
  auto* c = static_cast<Collected*>(user_data);
  c->text.append(text, length);
  ++c->calls;
  return c->stop_after >= 0 && c->calls >= c->stop_after ? 1 : 0;
}

hearth_status Generate(hearth_model* model, hearth_context* context, const char* prompt, int max_tokens,
                       std::vector<const char*> stops, Collected* out, hearth_generate_result* result) {
  hearth_sampler_params sp;
  hearth_sampler_params_init(&sp);
  sp.temperature = 0.0f;
  hearth_sampler* sampler = nullptr;
  EXPECT_EQ(hearth_sampler_create(model, &sp, &sampler), HEARTH_OK);
  hearth_generate_params gp;
  hearth_generate_params_init(&gp);
  gp.max_tokens = max_tokens;
  gp.stop_strings = stops.empty() ? nullptr : stops.data();
  gp.n_stop_strings = stops.size();
  gp.callback = Collect;
  gp.user_data = out;
  result->struct_size = sizeof(*result);
  const hearth_status status = hearth_context_generate(context, sampler, prompt, &gp, result);
  hearth_sampler_free(sampler);
  return status;
}

TEST_F(ModelApiTest, GenerateMaxTokensAndStopStrings) {
  hearth_context* context = NewContext(256, 1, false);
  Collected all;
  hearth_generate_result result;
  ASSERT_EQ(Generate(model_, context, "The quick brown fox", 24, {}, &all, &result), HEARTH_OK)
      << hearth_last_error();
  EXPECT_EQ(result.stop_reason, HEARTH_STOP_MAX_TOKENS);
  EXPECT_EQ(result.n_generated_tokens, 24);
  EXPECT_GT(result.n_prompt_tokens, 0);
  EXPECT_FALSE(all.text.empty());
  ASSERT_GE(all.text.size(), 6u);

  // Greedy again, stopping at a string taken from the middle of the first output.
  const std::string stop = all.text.substr(all.text.size() / 2, 3);
  const std::string expected = all.text.substr(0, all.text.find(stop));
  ASSERT_EQ(hearth_context_truncate(context, 0), HEARTH_OK);
  Collected stopped;
  ASSERT_EQ(Generate(model_, context, "The quick brown fox", 24, {stop.c_str()}, &stopped, &result), HEARTH_OK);
  EXPECT_EQ(result.stop_reason, HEARTH_STOP_STRING);
  EXPECT_EQ(stopped.text, expected);
  EXPECT_EQ(stopped.text.find(stop), std::string::npos);

  // The callback stops generation.
  ASSERT_EQ(hearth_context_truncate(context, 0), HEARTH_OK);
  Collected early;
  early.stop_after = 3;
  ASSERT_EQ(Generate(model_, context, "The quick brown fox", 24, {}, &early, &result), HEARTH_OK);
  EXPECT_EQ(result.stop_reason, HEARTH_STOP_CALLBACK);
  EXPECT_EQ(result.n_generated_tokens, 3);

  // max_tokens 0 generates nothing.
  ASSERT_EQ(hearth_context_truncate(context, 0), HEARTH_OK);
  Collected none;
  ASSERT_EQ(Generate(model_, context, "The quick brown fox", 0, {}, &none, &result), HEARTH_OK);
  EXPECT_EQ(result.n_generated_tokens, 0);
  EXPECT_EQ(none.calls, 0);
  hearth_context_free(context);
}

TEST_F(ModelApiTest, GenerateStopsWhenContextIsFull) {
  hearth_context* context = NewContext(12, 1, false);
  Collected out;
  hearth_generate_result result;
  ASSERT_EQ(Generate(model_, context, "one two three", 100, {}, &out, &result), HEARTH_OK);
  EXPECT_EQ(result.stop_reason, HEARTH_STOP_CONTEXT_FULL);
  EXPECT_EQ(hearth_context_position(context), 12u);
  hearth_context_free(context);
}

TEST_F(ModelApiTest, CancelFromAnotherThread) {
  hearth_context* context = NewContext(512, 1, false);
  std::vector<hearth_token> prompt(400);
  for (size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<hearth_token>((i * 7919) % 50000);
  std::atomic<bool> started{false};
  hearth_status last = HEARTH_OK;
  std::thread worker([&] {
    // Evaluate the long prompt over and over until a cancel lands.
    for (int round = 0; round < 100000; ++round) {
      started = true;
      last = hearth_context_eval(context, prompt.data(), prompt.size(), HEARTH_LOGITS_LAST);
      if (last != HEARTH_OK) return;
      hearth_context_truncate(context, 0);
    }
  });
  while (!started) std::this_thread::yield();
  hearth_context_cancel(context);
  worker.join();
  EXPECT_EQ(last, HEARTH_ERROR_CANCELLED);
  // The request was consumed: the context works again.
  hearth_context_truncate(context, 0);
  EXPECT_EQ(hearth_context_eval(context, prompt.data(), 4, HEARTH_LOGITS_LAST), HEARTH_OK);
  hearth_context_free(context);
}

TEST_F(ModelApiTest, TwoContextsOnTwoThreadsAgree) {
  const std::vector<hearth_token> tokens = {5, 50, 500, 5000, 50000, 12, 345};
  std::vector<float> results[2];
  std::thread threads[2];
  for (int t = 0; t < 2; ++t) {
    threads[t] = std::thread([&, t] {
      hearth_context* context = NewContext(32, 2, false);
      for (int round = 0; round < 3; ++round) {
        hearth_context_truncate(context, 0);
        ASSERT_EQ(hearth_context_eval(context, tokens.data(), tokens.size(), HEARTH_LOGITS_LAST), HEARTH_OK);
      }
      const float* logits = hearth_context_logits(context, -1);
      results[t].assign(logits, logits + 50257);
      hearth_context_free(context);
    });
  }
  threads[0].join();
  threads[1].join();
  ASSERT_EQ(results[0].size(), 50257u);
  EXPECT_EQ(results[0], results[1]);
}

TEST_F(ModelApiTest, NullAndStructSizeChecks) {
  hearth_context* context = nullptr;
  hearth_context_params cp;
  hearth_context_params_init(&cp);
  EXPECT_INVALID(hearth_context_create(nullptr, &cp, &context));
  EXPECT_INVALID(hearth_context_create(model_, &cp, nullptr));
  cp.struct_size = 1;
  EXPECT_INVALID(hearth_context_create(model_, &cp, &context));
  EXPECT_EQ(context, nullptr);
  hearth_sampler* sampler = nullptr;
  hearth_sampler_params sp;
  hearth_sampler_params_init(&sp);
  EXPECT_INVALID(hearth_sampler_create(nullptr, &sp, &sampler));
  EXPECT_INVALID(hearth_sampler_create(model_, &sp, nullptr));
  sp.struct_size = 0;
  EXPECT_INVALID(hearth_sampler_create(model_, &sp, &sampler));
  size_t n;
  hearth_token t;
  char buffer[16];
  EXPECT_INVALID(hearth_model_tokenize(nullptr, "a", 1, 0, 0, &t, 1, &n));
  EXPECT_INVALID(hearth_model_tokenize(model_, nullptr, 1, 0, 0, &t, 1, &n));
  EXPECT_INVALID(hearth_model_tokenize(model_, "a", 1, 0, 0, &t, 1, nullptr));
  EXPECT_INVALID(hearth_model_token_to_piece(nullptr, 1, 0, buffer, sizeof(buffer), &n));
  EXPECT_INVALID(hearth_model_detokenize(nullptr, &t, 1, 0, buffer, sizeof(buffer), &n));
  EXPECT_INVALID(hearth_model_detokenize(model_, nullptr, 1, 0, buffer, sizeof(buffer), &n));
  EXPECT_INVALID(hearth_model_get_info(nullptr, nullptr));
  EXPECT_INVALID(hearth_model_get_info(model_, nullptr));
  EXPECT_INVALID(hearth_context_eval(nullptr, &t, 1, HEARTH_LOGITS_LAST));
  EXPECT_INVALID(hearth_context_truncate(nullptr, 0));
  EXPECT_INVALID(hearth_sampler_sample(nullptr, nullptr, -1, &t));
  EXPECT_EQ(hearth_context_logits(nullptr, 0), nullptr);
  EXPECT_EQ(hearth_model_file(nullptr), nullptr);
  EXPECT_EQ(hearth_model_token_bos(nullptr), HEARTH_TOKEN_NULL);
  hearth_context_cancel(nullptr);
  hearth_sampler_accept(nullptr, 1);
  hearth_sampler_reset(nullptr);
  hearth_model_free(nullptr);
  hearth_context_free(nullptr);
  hearth_sampler_free(nullptr);

  context = NewContext(16, 1, false);
  hearth_sampler_params_init(&sp);
  ASSERT_EQ(hearth_sampler_create(model_, &sp, &sampler), HEARTH_OK);
  EXPECT_INVALID(hearth_sampler_sample(sampler, context, -1, nullptr));
  EXPECT_INVALID(hearth_sampler_sample(sampler, context, -1, &t));  // Nothing evaluated yet.
  hearth_generate_params gp;
  hearth_generate_params_init(&gp);
  hearth_generate_result result;
  result.struct_size = sizeof(result);
  EXPECT_INVALID(hearth_context_generate(nullptr, sampler, "x", &gp, &result));
  EXPECT_INVALID(hearth_context_generate(context, nullptr, "x", &gp, &result));
  EXPECT_INVALID(hearth_context_generate(context, sampler, nullptr, &gp, &result));
  gp.struct_size = 2;
  EXPECT_INVALID(hearth_context_generate(context, sampler, "x", &gp, &result));
  hearth_generate_params_init(&gp);
  result.struct_size = 1;
  EXPECT_INVALID(hearth_context_generate(context, sampler, "x", &gp, &result));
  gp.n_stop_strings = 1;
  EXPECT_INVALID(hearth_context_generate(context, sampler, "x", &gp, nullptr));
  hearth_sampler_free(sampler);
  hearth_context_free(context);
}

}  // namespace
