// hearth eval MODEL --tokens IDS (--logits-out F | --greedy N) [--batch N]: raw model outputs for tests
// and comparisons with other implementations.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "examples/cli/args.h"
#include "examples/cli/commands.h"
#include "examples/cli/model_session.h"
#include "hearth/hearth.h"

namespace hearth_cli {
namespace {

hearth_token Argmax(const float* logits, int32_t n_vocab) {
  int32_t best = 0;
  for (int32_t i = 1; i < n_vocab; ++i) {
    if (logits[i] > logits[best]) best = i;
  }
  return best;
}

}  // namespace

int RunEval(int argc, char** argv) {
  ArgParser parser;
  std::string tokens_text, logits_out;
  int64_t batch = 0, greedy = -1, n_ctx = 0, threads = 0;
  parser.AddString("--tokens", &tokens_text);
  parser.AddString("--logits-out", &logits_out);
  parser.AddInt("--batch", &batch, 1, 1 << 20);
  parser.AddInt("--greedy", &greedy, 0, 1 << 20);
  parser.AddInt("--ctx", &n_ctx, 0, 1 << 24);
  parser.AddInt("-t,--threads", &threads, 0, 1024);
  std::vector<std::string> positionals;
  std::string error;
  if (!parser.Parse(argc, argv, 1, &positionals, &error)) return UsageError("eval", error);
  if (positionals.size() != 1) return UsageError("eval", "expected exactly one model file");
  if (!parser.Seen("--tokens")) return UsageError("eval", "--tokens is required");
  std::vector<hearth_token> tokens;
  if (!ParseIntList(tokens_text, &tokens)) {
    return UsageError("eval", "--tokens expects comma-separated integers, got '" + tokens_text + "'");
  }
  const bool want_logits = parser.Seen("--logits-out");
  const bool want_greedy = parser.Seen("--greedy");
  if (want_logits == want_greedy) return UsageError("eval", "give exactly one of --logits-out and --greedy");

  ModelPtr model;
  if (int code = LoadModel(positionals[0], /*vocab_only=*/false, &model); code != 0) return code;
  hearth_model_info info;
  info.struct_size = sizeof(info);
  hearth_status status = hearth_model_get_info(model.get(), &info);
  if (status != HEARTH_OK) return ApiError("cannot read model info", status);

  const size_t needed = tokens.size() + (want_greedy ? static_cast<size_t>(greedy) : 0);
  const uint32_t ctx_size = n_ctx > 0 ? static_cast<uint32_t>(n_ctx) : static_cast<uint32_t>(needed);
  const size_t step = batch > 0 ? static_cast<size_t>(batch) : tokens.size();
  // Per-call batches above 512 are split by the library; keeping n_batch small bounds the logits memory.
  const uint32_t n_batch = static_cast<uint32_t>(std::min<size_t>(step, 512));
  ContextPtr context;
  if (int code = CreateContext(model.get(), ctx_size, static_cast<int32_t>(threads), n_batch, want_logits,
                               &context);
      code != 0) {
    return code;
  }

  const size_t n_vocab = static_cast<size_t>(info.n_vocab);
  std::vector<float> logits;
  if (want_logits) logits.reserve(tokens.size() * n_vocab);
  for (size_t begin = 0; begin < tokens.size(); begin += step) {
    const size_t count = std::min(step, tokens.size() - begin);
    status = hearth_context_eval(context.get(), tokens.data() + begin, count,
                                 want_logits ? HEARTH_LOGITS_ALL : HEARTH_LOGITS_LAST);
    if (status != HEARTH_OK) return ApiError("eval failed", status);
    if (!want_logits) continue;
    for (size_t i = 0; i < count; ++i) {
      const float* row = hearth_context_logits(context.get(), static_cast<int32_t>(i));
      if (row == nullptr) return Error("no logits for position " + std::to_string(begin + i));
      logits.insert(logits.end(), row, row + n_vocab);
    }
  }

  if (want_logits) {
    // Little-endian float32, as the host stores it (hearth runs on little-endian machines).
    FILE* out = std::fopen(logits_out.c_str(), "wb");
    if (out == nullptr) return Error("cannot write '" + logits_out + "'");
    const size_t written = std::fwrite(logits.data(), sizeof(float), logits.size(), out);
    if (std::fclose(out) != 0 || written != logits.size()) return Error("cannot write '" + logits_out + "'");
    std::fprintf(stderr, "wrote %zu x %zu logits to %s\n", tokens.size(), n_vocab, logits_out.c_str());
    return 0;
  }

  std::string out = "{\"greedy\": [";
  for (int64_t i = 0; i < greedy; ++i) {
    const float* row = hearth_context_logits(context.get(), -1);
    if (row == nullptr) return Error("no logits after eval");
    const hearth_token next = Argmax(row, info.n_vocab);
    out += (i > 0 ? ", " : "") + std::to_string(next);
    if (i + 1 == greedy) break;
    status = hearth_context_eval(context.get(), &next, 1, HEARTH_LOGITS_LAST);
    if (status != HEARTH_OK) return ApiError("eval failed", status);
  }
  out += "]}\n";
  std::fputs(out.c_str(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace hearth_cli
