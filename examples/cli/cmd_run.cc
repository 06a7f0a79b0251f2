// hearth run MODEL -p PROMPT [...]: streams generated text to stdout, one flush per piece; statistics go
// to stderr so that stdout holds only the text.
#include <cstdio>
#include <string>
#include <vector>

#include "examples/cli/args.h"
#include "examples/cli/commands.h"
#include "examples/cli/model_session.h"
#include "hearth/hearth.h"

namespace hearth_cli {
namespace {

int32_t PrintPiece(hearth_token token, const char* text, size_t length, void* user_data) {
  if (length > 0) {
    std::fwrite(text, 1, length, stdout);
    std::fflush(stdout);
  }
  return 0;
}

const char* StopReasonName(int32_t reason) {
  switch (reason) {
    case HEARTH_STOP_MAX_TOKENS: return "max tokens";
    case HEARTH_STOP_END_TOKEN: return "end token";
    case HEARTH_STOP_STRING: return "stop string";
    case HEARTH_STOP_CALLBACK: return "callback";
    case HEARTH_STOP_CONTEXT_FULL: return "context full";
    default: return "unknown";
  }
}

}  // namespace

int RunGenerate(int argc, char** argv) {
  hearth_sampler_params sp;
  hearth_sampler_params_init(&sp);
  hearth_generate_params gp;
  hearth_generate_params_init(&gp);

  ArgParser parser;
  std::string prompt;
  std::vector<std::string> stops;
  int64_t max_tokens = gp.max_tokens, top_k = sp.top_k, seed = 0, n_ctx = 0, threads = 0;
  double temp = sp.temperature, top_p = sp.top_p, min_p = sp.min_p, repeat_penalty = sp.repeat_penalty;
  bool no_special = false;
  parser.AddString("-p,--prompt", &prompt);
  parser.AddInt("-n,--max-tokens", &max_tokens, 0, 1 << 24);
  parser.AddFloat("--temp", &temp);
  parser.AddInt("--top-k", &top_k, -1, 1 << 24);
  parser.AddFloat("--top-p", &top_p);
  parser.AddFloat("--min-p", &min_p);
  parser.AddFloat("--repeat-penalty", &repeat_penalty);
  parser.AddInt("--seed", &seed, 0, INT64_MAX);
  parser.AddInt("--ctx", &n_ctx, 0, 1 << 24);
  parser.AddInt("-t,--threads", &threads, 0, 1024);
  parser.AddStringList("--stop", &stops);
  parser.AddFlag("--no-special", &no_special);
  std::vector<std::string> positionals;
  std::string error;
  if (!parser.Parse(argc, argv, 1, &positionals, &error)) return UsageError("run", error);
  if (positionals.size() != 1) return UsageError("run", "expected exactly one model file");
  if (!parser.Seen("-p")) return UsageError("run", "a prompt is required (-p PROMPT)");
  if (top_p <= 0 || top_p > 1) return UsageError("run", "--top-p must be in (0, 1]");
  if (min_p < 0 || min_p > 1) return UsageError("run", "--min-p must be in [0, 1]");
  if (repeat_penalty <= 0) return UsageError("run", "--repeat-penalty must be positive");

  ModelPtr model;
  if (int code = LoadModel(positionals[0], /*vocab_only=*/false, &model); code != 0) return code;
  ContextPtr context;
  if (int code = CreateContext(model.get(), static_cast<uint32_t>(n_ctx), static_cast<int32_t>(threads), 0,
                               /*logits_all=*/false, &context);
      code != 0) {
    return code;
  }
  sp.temperature = static_cast<float>(temp);
  sp.top_k = static_cast<int32_t>(top_k);
  sp.top_p = static_cast<float>(top_p);
  sp.min_p = static_cast<float>(min_p);
  sp.repeat_penalty = static_cast<float>(repeat_penalty);
  sp.seed = static_cast<uint64_t>(seed);
  hearth_sampler* raw_sampler = nullptr;
  hearth_status status = hearth_sampler_create(model.get(), &sp, &raw_sampler);
  if (status != HEARTH_OK) return ApiError("cannot create the sampler", status);
  SamplerPtr sampler(raw_sampler);

  std::vector<const char*> stop_ptrs;
  for (const std::string& s : stops) stop_ptrs.push_back(s.c_str());
  gp.max_tokens = static_cast<int32_t>(max_tokens);
  gp.stop_strings = stop_ptrs.empty() ? nullptr : stop_ptrs.data();
  gp.n_stop_strings = stop_ptrs.size();
  gp.parse_special = no_special ? 0 : 1;
  gp.callback = PrintPiece;
  hearth_generate_result result;
  result.struct_size = sizeof(result);
  status = hearth_context_generate(context.get(), sampler.get(), prompt.c_str(), &gp, &result);
  std::fputs("\n", stdout);
  std::fflush(stdout);
  if (status != HEARTH_OK) return ApiError("generation failed", status);
  std::fprintf(stderr, "prompt: %d tokens in %.3f s (%.1f tokens/s)\n", result.n_prompt_tokens,
               result.prompt_seconds,
               result.prompt_seconds > 0 ? result.n_prompt_tokens / result.prompt_seconds : 0.0);
  std::fprintf(stderr, "generated: %d tokens in %.3f s (%.1f tokens/s), stopped by %s\n",
               result.n_generated_tokens, result.generate_seconds,
               result.generate_seconds > 0 ? result.n_generated_tokens / result.generate_seconds : 0.0,
               StopReasonName(result.stop_reason));
  return 0;
}

}  // namespace hearth_cli
