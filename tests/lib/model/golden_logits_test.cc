// Compares hearth's logits with llama.cpp's on the tiny shared models (see ../shared/README.md for why the
// criteria are margin based): the same argmax wherever llama.cpp's top-1/top-2 margin is >= 0.5, mean
// KL(llama.cpp || hearth) <= 0.02 over the stored full rows, and the same greedy tokens up to the first
// step whose margin is < 0.5. Each model is fed in one batch, one token at a time, in chunks of 5, and as a
// 48-token prefill followed by single-token decode steps ("mixed"), then decoded greedily.
//
// One test per (instruction set, model), so gtest filters and shards can split the work. Emulated runs
// (scripts/test_aarch64.sh) pick modes with HEARTH_GOLDEN_MODES, a comma-separated subset of
// batch,single,chunk5,mixed,greedy (default: all), and the thread count with HEARTH_GOLDEN_THREADS (default 2).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "kernels/dispatch.h"
#include "kernels/formats/fp16.h"
#include "lib/model/inference_context.h"
#include "lib/model/model.h"
#include "nlohmann/json.hpp"
#include "tests/test_support.h"

namespace hearth::model {
namespace {

constexpr double kMarginThreshold = 0.5;
constexpr double kMaxMeanKl = 0.02;

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

std::vector<float> ReadF16File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint16_t> halves;
  if (!in.good()) return {};
  in.seekg(0, std::ios::end);
  const std::streamsize bytes = in.tellg();
  in.seekg(0);
  halves.resize(static_cast<size_t>(bytes) / 2);
  in.read(reinterpret_cast<char*>(halves.data()), bytes);
  std::vector<float> out(halves.size());
  for (size_t i = 0; i < halves.size(); ++i) out[i] = Fp16ToFp32(halves[i]);
  return out;
}

int64_t Argmax(absl::Span<const float> row) {
  return std::max_element(row.begin(), row.end()) - row.begin();
}

double LogSumExp(const float* row, int64_t n) {
  const double max = *std::max_element(row, row + n);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(row[i]) - max);
  return max + std::log(sum);
}

// KL(p || q) with p, q the softmax of the two logit rows.
double KlDivergence(const float* ref, const float* ours, int64_t n) {
  const double lse_ref = LogSumExp(ref, n);
  const double lse_ours = LogSumExp(ours, n);
  double kl = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double lp = ref[i] - lse_ref;
    const double lq = ours[i] - lse_ours;
    kl += std::exp(lp) * (lp - lq);
  }
  return kl;
}

const char* const kAllModes[] = {"batch", "single", "chunk5", "mixed", "greedy"};

// The modes to run: $HEARTH_GOLDEN_MODES (comma separated) or all of them. Unknown names fail the test
// rather than silently checking nothing.
std::vector<std::string> SelectedModes() {
  const char* env = std::getenv("HEARTH_GOLDEN_MODES");
  if (env == nullptr || *env == '\0') return std::vector<std::string>(std::begin(kAllModes), std::end(kAllModes));
  std::vector<std::string> modes = absl::StrSplit(env, ',', absl::SkipWhitespace());
  for (const std::string& mode : modes) {
    EXPECT_TRUE(std::find(std::begin(kAllModes), std::end(kAllModes), mode) != std::end(kAllModes))
        << "unknown mode '" << mode << "' in HEARTH_GOLDEN_MODES";
  }
  EXPECT_FALSE(modes.empty()) << "HEARTH_GOLDEN_MODES names no mode";
  return modes;
}

int Threads() {
  int threads = 2;
  const char* env = std::getenv("HEARTH_GOLDEN_THREADS");
  if (env != nullptr && *env != '\0') {
    EXPECT_TRUE(absl::SimpleAtoi(env, &threads) && threads >= 1) << "bad HEARTH_GOLDEN_THREADS: " << env;
    threads = std::max(threads, 1);
  }
  return threads;
}

// Chunk sizes that feed `n` tokens in `mode`: one batch, single tokens, chunks of 5, or (mixed) a 48-token
// prefill (the gemm path) followed by single-token steps (the decode path: gemv, attention over the cache).
std::vector<int64_t> ChunkSchedule(const std::string& mode, int64_t n) {
  int64_t first = 0, rest = 0;
  if (mode == "batch") first = rest = 64;
  if (mode == "single") first = rest = 1;
  if (mode == "chunk5") first = rest = 5;
  if (mode == "mixed") first = 48, rest = 1;
  std::vector<int64_t> chunks;
  for (int64_t done = 0; done < n;) {
    chunks.push_back(std::min(done == 0 ? first : rest, n - done));
    done += chunks.back();
  }
  return chunks;
}

// Feeds `tokens` from position 0 in the chunks of `schedule` and returns every position's logits row.
std::vector<std::vector<float>> RunInChunks(const Model& model, const std::vector<int32_t>& tokens,
                                            const std::vector<int64_t>& schedule) {
  ContextParams params;
  params.n_ctx = 128;
  params.max_batch = 64;
  params.n_threads = Threads();
  params.all_logits = true;
  auto ctx = InferenceContext::Create(model, params);
  EXPECT_TRUE(ctx.ok()) << ctx.status();
  std::vector<std::vector<float>> rows;
  if (!ctx.ok()) return rows;
  size_t begin = 0;
  for (int64_t chunk : schedule) {
    const size_t end = begin + static_cast<size_t>(chunk);
    const absl::Status status =
        (*ctx)->Eval(absl::MakeConstSpan(tokens.data() + begin, end - begin));
    EXPECT_TRUE(status.ok()) << status;
    if (!status.ok()) return {};
    for (int64_t i = 0; i < (*ctx)->n_logits(); ++i) {
      absl::Span<const float> row = (*ctx)->logits(i);
      rows.emplace_back(row.begin(), row.end());
    }
    begin = end;
  }
  return rows;
}

std::vector<std::string> GoldenModelNames() {
  std::vector<std::string> names;
  const std::string dir = testing::SharedPath("data/golden");
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".logits.json";
    if (file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
      names.push_back(file.substr(0, file.size() - suffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

void CheckLogits(const std::string& name, const Model& model, const nlohmann::json& golden,
                 const std::vector<float>& full, const std::string& mode) {
  SCOPED_TRACE(name + " mode " + mode);
  std::vector<int32_t> tokens = golden["tokens"].get<std::vector<int32_t>>();
  const int64_t n_vocab = golden["n_vocab"].get<int64_t>();
  ASSERT_EQ(n_vocab, model.config().n_vocab);
  const std::vector<std::vector<float>> rows =
      RunInChunks(model, tokens, ChunkSchedule(mode, static_cast<int64_t>(tokens.size())));
  ASSERT_EQ(rows.size(), tokens.size());

  const nlohmann::json& positions = golden["positions"];
  int agree = 0, confident = 0, confident_agree = 0;
  for (size_t p = 0; p < tokens.size(); ++p) {
    const nlohmann::json& top = positions[p]["top"];
    const int64_t ref_top = top[0][0].get<int64_t>();
    const double margin = top[0][1].get<double>() - top[1][1].get<double>();
    const int64_t ours = Argmax(rows[p]);
    agree += ours == ref_top;
    if (margin >= kMarginThreshold) {
      ++confident;
      confident_agree += ours == ref_top;
      EXPECT_EQ(ours, ref_top) << "position " << p << " (reference margin " << margin << ")";
    }
  }

  const std::vector<int64_t> full_rows = golden["full_rows"].get<std::vector<int64_t>>();
  ASSERT_EQ(full.size(), full_rows.size() * static_cast<size_t>(n_vocab));
  double kl_sum = 0.0, kl_max = 0.0;
  for (size_t r = 0; r < full_rows.size(); ++r) {
    const double kl = KlDivergence(&full[r * static_cast<size_t>(n_vocab)],
                                   rows[static_cast<size_t>(full_rows[r])].data(), n_vocab);
    kl_sum += kl;
    kl_max = std::max(kl_max, kl);
  }
  const double kl_mean = kl_sum / static_cast<double>(full_rows.size());
  std::printf("[golden] %-20s %-8s argmax %2d/%zu all, %2d/%2d with margin>=0.5; KL mean %.5f max %.5f\n",
              name.c_str(), mode.c_str(), agree, tokens.size(), confident_agree, confident, kl_mean, kl_max);
  EXPECT_LE(kl_mean, kMaxMeanKl);
}

void CheckGreedy(const std::string& name, const Model& model, const nlohmann::json& greedy) {
  SCOPED_TRACE(name + " greedy");
  const std::vector<int32_t> prompt = greedy["prompt"].get<std::vector<int32_t>>();
  const std::vector<int32_t> expected = greedy["greedy"].get<std::vector<int32_t>>();
  const std::vector<double> margin = greedy["margin"].get<std::vector<double>>();
  ContextParams params;
  params.n_ctx = 128;
  params.n_threads = Threads();
  auto ctx = InferenceContext::Create(model, params);
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  ASSERT_TRUE((*ctx)->Eval(prompt).ok());
  size_t checked = 0;
  for (size_t step = 0; step < expected.size() && margin[step] >= kMarginThreshold; ++step) {
    const int32_t next = static_cast<int32_t>(Argmax((*ctx)->last_logits()));
    ASSERT_EQ(next, expected[step]) << "greedy step " << step << " (margin " << margin[step] << ")";
    ++checked;
    ASSERT_TRUE((*ctx)->Eval({next}).ok());
  }
  std::printf("[golden] %-20s greedy   %zu/%zu steps match (checked up to the first margin < 0.5)\n",
              name.c_str(), checked, expected.size());
}

// The shared models with golden data, or a single "none" when there are none (the test then skips or
// fails with the reason instead of gtest reporting an empty instantiation).
std::vector<std::string> GoldenModelsOrNone() {
  std::vector<std::string> names = GoldenModelNames();
  if (names.empty()) names.push_back("none");
  return names;
}

// One test per (instruction set, model): every level this build and CPU share (scalar, avx2, avx512,
// neon...) is checked against llama.cpp in the same run, and shards or filters can split the models.
class GoldenLogitsTest : public ::testing::TestWithParam<std::tuple<kernels::Isa, std::string>> {};

TEST_P(GoldenLogitsTest, MatchesLlamaCpp) {
  HEARTH_REQUIRE_SHARED_DATA();
  const auto& [isa, name] = GetParam();
  ASSERT_NE(name, "none") << "no golden data in " << testing::SharedPath("data/golden");
  auto table = kernels::KernelsForIsa(isa);
  ASSERT_TRUE(table.ok()) << table.status();
  ModelLoadOptions options;
  options.kernels = *table;
  std::printf("[golden] instruction set: %s\n", std::string(kernels::IsaName(isa)).c_str());
  const std::string model_path = testing::SharedPath("data/models/" + name + ".gguf");
  auto model = Model::Load(model_path, options);
  ASSERT_TRUE(model.ok()) << model_path << ": " << model.status();
  EXPECT_NE((*model)->tokenizer(), nullptr) << "the file has a vocabulary";
  const nlohmann::json golden = ReadJson(testing::SharedPath("data/golden/" + name + ".logits.json"));
  ASSERT_FALSE(golden.is_discarded());
  const std::vector<float> full = ReadF16File(testing::SharedPath("data/golden/" + name + ".full.f16"));
  for (const std::string& mode : SelectedModes()) {
    if (mode == "greedy") {
      const nlohmann::json greedy = ReadJson(testing::SharedPath("data/golden/" + name + ".greedy.json"));
      ASSERT_FALSE(greedy.is_discarded());
      CheckGreedy(name, **model, greedy);
    } else {
      CheckLogits(name, **model, golden, full, mode);
    }
  }
}

// Names end in the level ("tiny_llama_Q8_0_neon_dotprod"), so "*_neon" selects one level's tests.
INSTANTIATE_TEST_SUITE_P(EveryInstructionSetAndModel, GoldenLogitsTest,
                         ::testing::Combine(::testing::ValuesIn(kernels::AvailableIsas()),
                                            ::testing::ValuesIn(GoldenModelsOrNone())),
                         [](const ::testing::TestParamInfo<GoldenLogitsTest::ParamType>& param_info) {
                           std::string name = std::get<1>(param_info.param) + "_" +
                                              std::string(kernels::IsaName(std::get<0>(param_info.param)));
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace hearth::model
