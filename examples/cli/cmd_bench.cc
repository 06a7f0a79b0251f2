// hearth bench MODEL [-p N] [-n N] [-t N] [-r N] [--json] [--file-layout]: prompt-processing and decode
// speed measured the way llama.cpp's llama-bench measures them, so the two tools' numbers can be put side
// by side (scripts/bench_compare.sh). --file-layout keeps every weight in the file's layout
// (HEARTH_MODEL_FILE_LAYOUT_ONLY), to measure what the interleaved layout gains.
//  - pp: -p random token ids evaluated in one hearth_context_eval call from an empty context
//    (n_batch = p, last-token logits only); tok/s = p / seconds.
//  - tg: from an empty context, one untimed single-token eval, then -n timed single-token evals through the
//    KV cache; tok/s = n / seconds.
// Each test runs REPS times after one untimed warm-up; the context is cleared before every repetition.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "examples/cli/args.h"
#include "examples/cli/commands.h"
#include "examples/cli/model_session.h"
#include "hearth/hearth.h"

namespace hearth_cli {
namespace {

// Fixed so that every run (and every tool) sees the same token ids for a given model.
constexpr uint32_t kTokenSeed = 1234;
// Warm-up prompt length: long enough to touch every weight and run the batched kernels.
constexpr int64_t kWarmupPrompt = 32;

struct Stats {
  int64_t n = 0;
  double mean = 0;
  double sd = 0;  // Sample standard deviation (n - 1); 0 for a single repetition.
};

Stats Summarize(int64_t n_tokens, const std::vector<double>& seconds) {
  Stats stats;
  stats.n = n_tokens;
  if (n_tokens == 0 || seconds.empty()) return stats;
  std::vector<double> rates;
  for (double s : seconds) rates.push_back(s > 0 ? static_cast<double>(n_tokens) / s : 0.0);
  double sum = 0;
  for (double r : rates) sum += r;
  stats.mean = sum / static_cast<double>(rates.size());
  if (rates.size() > 1) {
    double sq = 0;
    for (double r : rates) sq += (r - stats.mean) * (r - stats.mean);
    stats.sd = std::sqrt(sq / static_cast<double>(rates.size() - 1));
  }
  return stats;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Peak resident set size in bytes (Linux reports ru_maxrss in KiB, macOS in bytes).
uint64_t PeakRssBytes() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
#if defined(__APPLE__)
  return static_cast<uint64_t>(usage.ru_maxrss);
#else
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
#endif
}

class Bench {
 public:
  Bench(hearth_context* context, std::vector<hearth_token> tokens) : context_(context), tokens_(std::move(tokens)) {}

  // Evaluates the first `n` tokens from an empty context in one call; returns 0 or an exit code.
  int Prompt(int64_t n, double* seconds) {
    if (int code = Clear(); code != 0) return code;
    const double start = Now();
    const hearth_status status =
        hearth_context_eval(context_, tokens_.data(), static_cast<size_t>(n), HEARTH_LOGITS_LAST);
    *seconds = Now() - start;
    return status == HEARTH_OK ? 0 : ApiError("prompt eval failed", status);
  }

  // From an empty context: one untimed token, then `n` timed single-token evals.
  int Generate(int64_t n, double* seconds) {
    if (int code = Clear(); code != 0) return code;
    hearth_status status = hearth_context_eval(context_, &tokens_[0], 1, HEARTH_LOGITS_LAST);
    if (status != HEARTH_OK) return ApiError("decode failed", status);
    const double start = Now();
    for (int64_t i = 0; i < n; ++i) {
      // Any valid id will do: the cost of a decode step does not depend on the token.
      const hearth_token token = tokens_[static_cast<size_t>(i + 1) % tokens_.size()];
      status = hearth_context_eval(context_, &token, 1, HEARTH_LOGITS_LAST);
      if (status != HEARTH_OK) return ApiError("decode failed", status);
    }
    *seconds = Now() - start;
    return 0;
  }

 private:
  int Clear() {
    const hearth_status status = hearth_context_truncate(context_, 0);
    return status == HEARTH_OK ? 0 : ApiError("cannot clear the context", status);
  }

  hearth_context* context_;
  std::vector<hearth_token> tokens_;
};

std::string Format(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

std::string HumanBytes(uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) return Format("%.2f GiB", b / (1024.0 * 1024 * 1024));
  return Format("%.2f MiB", b / (1024.0 * 1024));
}

std::string HumanCount(uint64_t count) {
  const double c = static_cast<double>(count);
  if (c >= 1e9) return Format("%.2f B", c / 1e9);
  if (c >= 1e6) return Format("%.2f M", c / 1e6);
  return Format("%.2f K", c / 1e3);
}

void AppendTestJson(const char* key, const Stats& stats, std::string* out) {
  *out += std::string("\"") + key + "\": {\"n\": " + std::to_string(stats.n) +
          ", \"tok_s\": " + Format("%.6f", stats.mean) + ", \"sd\": " + Format("%.6f", stats.sd) + "}";
}

void PrintTable(const std::string& path, const hearth_model_info& info, int64_t threads, int64_t reps,
                const Stats& pp, const Stats& tg, uint64_t peak_rss) {
  const std::string model = path.substr(path.find_last_of('/') + 1) + " (" + info.architecture + ")";
  const std::string size = HumanBytes(info.n_bytes);
  const std::string params = HumanCount(info.n_params);
  const int w_model = static_cast<int>(std::max<size_t>(model.size(), 5));
  std::printf("| %-*s | %10s | %10s | %7s | %8s | %20s |\n", w_model, "model", "size", "params", "threads",
              "test", "t/s");
  std::printf("| %s | %s: | %s: | %s: | %s: | %s: |\n", std::string(w_model, '-').c_str(),
              std::string(9, '-').c_str(), std::string(9, '-').c_str(), std::string(6, '-').c_str(),
              std::string(7, '-').c_str(), std::string(19, '-').c_str());
  for (const auto& [name, stats] : {std::make_pair("pp", pp), std::make_pair("tg", tg)}) {
    if (stats.n == 0) continue;
    const std::string test = name + std::to_string(stats.n);
    const std::string rate = Format("%.2f", stats.mean) + " ± " + Format("%.2f", stats.sd);
    // "±" is two bytes but one column: pad by one more.
    std::printf("| %-*s | %10s | %10s | %7lld | %8s | %21s |\n", w_model, model.c_str(), size.c_str(),
                params.c_str(), static_cast<long long>(threads), test.c_str(), rate.c_str());
  }
  std::printf("\n%lld repetitions each; peak resident memory %s; model %s\n", static_cast<long long>(reps),
              HumanBytes(peak_rss).c_str(), path.c_str());
}

}  // namespace

int RunBench(int argc, char** argv) {
  ArgParser parser;
  int64_t n_prompt = 512, n_gen = 128, threads = 0, reps = 5;
  bool json = false;
  parser.AddInt("-p,--n-prompt", &n_prompt, 0, 1 << 20);
  parser.AddInt("-n,--n-gen", &n_gen, 0, 1 << 20);
  parser.AddInt("-t,--threads", &threads, 1, 1024);
  parser.AddInt("-r,--repetitions", &reps, 1, 1000);
  parser.AddFlag("--json", &json);
  bool file_layout = false;  // Skip the interleaved weight layout, to measure what it gains.
  parser.AddFlag("--file-layout", &file_layout);
  std::vector<std::string> positionals;
  std::string error;
  if (!parser.Parse(argc, argv, 1, &positionals, &error)) return UsageError("bench", error);
  if (positionals.size() != 1) return UsageError("bench", "expected exactly one model file");
  if (n_prompt == 0 && n_gen == 0) return UsageError("bench", "-p 0 and -n 0 leave nothing to measure");
  if (!parser.Seen("-t")) threads = std::max(1u, std::thread::hardware_concurrency());
  const std::string& path = positionals[0];

  ModelPtr model;
  if (int code = LoadModel(path, /*vocab_only=*/false, &model, file_layout ? HEARTH_MODEL_FILE_LAYOUT_ONLY : 0);
      code != 0) {
    return code;
  }
  hearth_model_info info;
  info.struct_size = sizeof(info);
  hearth_status status = hearth_model_get_info(model.get(), &info);
  if (status != HEARTH_OK) return ApiError("cannot read model info", status);
  if (info.n_vocab <= 0) return Error("the model has an empty vocabulary");

  // p + n + 1 positions (as llama-bench sizes its context to p + n), rounded up to 256.
  const int64_t needed = n_prompt + n_gen + 1;
  const uint32_t n_ctx = static_cast<uint32_t>((needed + 255) / 256 * 256);
  const uint32_t n_batch = static_cast<uint32_t>(std::max<int64_t>(n_prompt, 1));
  ContextPtr context;
  if (int code = CreateContext(model.get(), n_ctx, static_cast<int32_t>(threads), n_batch, /*logits_all=*/false,
                               &context);
      code != 0) {
    return code;
  }

  std::mt19937 rng(kTokenSeed);
  std::uniform_int_distribution<hearth_token> pick(0, info.n_vocab - 1);
  std::vector<hearth_token> tokens(static_cast<size_t>(std::max<int64_t>(n_prompt, kWarmupPrompt)));
  for (hearth_token& t : tokens) t = pick(rng);
  Bench bench(context.get(), std::move(tokens));

  // Warm-up, not counted: pages the weights in and starts the worker threads.
  double ignored = 0;
  if (n_prompt > 0) {
    if (int code = bench.Prompt(std::min(n_prompt, kWarmupPrompt), &ignored); code != 0) return code;
  }
  if (n_gen > 0) {
    if (int code = bench.Generate(1, &ignored); code != 0) return code;
  }

  std::vector<double> pp_seconds, tg_seconds;
  for (int64_t r = 0; r < reps && n_prompt > 0; ++r) {
    double seconds = 0;
    if (int code = bench.Prompt(n_prompt, &seconds); code != 0) return code;
    pp_seconds.push_back(seconds);
  }
  for (int64_t r = 0; r < reps && n_gen > 0; ++r) {
    double seconds = 0;
    if (int code = bench.Generate(n_gen, &seconds); code != 0) return code;
    tg_seconds.push_back(seconds);
  }
  const Stats pp = Summarize(n_prompt, pp_seconds);
  const Stats tg = Summarize(n_gen, tg_seconds);
  const uint64_t peak_rss = PeakRssBytes();

  if (!json) {
    PrintTable(path, info, threads, reps, pp, tg, peak_rss);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  std::string out = "{\"model\": ";
  AppendJsonString(path, &out);
  out += ", \"architecture\": ";
  AppendJsonString(info.architecture != nullptr ? info.architecture : "", &out);
  out += ", \"model_bytes\": " + std::to_string(info.n_bytes) + ", \"n_params\": " + std::to_string(info.n_params) +
         ", \"threads\": " + std::to_string(threads) + ", \"reps\": " + std::to_string(reps) + ", ";
  AppendTestJson("pp", pp, &out);
  out += ", ";
  AppendTestJson("tg", tg, &out);
  out += ", \"peak_rss_bytes\": " + std::to_string(peak_rss) + ", \"version\": ";
  AppendJsonString(hearth_version_string(), &out);
  out += "}\n";
  std::fputs(out.c_str(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace hearth_cli
