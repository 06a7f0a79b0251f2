// hearth: command-line front end of libhearth (inspect, run, tokenize, eval). Links the shared library
// through the public header only, like any application.
#include <cstdio>
#include <cstring>
#include <string>

#include "examples/cli/args.h"
#include "examples/cli/commands.h"
#include "hearth/hearth.h"

namespace hearth_cli {
namespace {

struct Usage {
  const char* command;
  const char* text;
};

constexpr Usage kUsages[] = {
    {"inspect",
     "usage: hearth inspect MODEL.gguf [--json]\n"
     "  Prints the file's metadata, tokenizer summary and tensor table.\n"
     "  --json   print one JSON object instead of text\n"},
    {"run",
     "usage: hearth run MODEL.gguf -p PROMPT [options]\n"
     "  Generates text from PROMPT, streaming it to stdout (statistics go to stderr).\n"
     "  -p, --prompt TEXT        prompt text (required)\n"
     "  -n, --max-tokens N       tokens to generate (default 128)\n"
     "  --temp T                 temperature; <= 0 is greedy (default 0.8)\n"
     "  --top-k K                (default 40; <= 0 disables)\n"
     "  --top-p P                (default 0.95; 1 disables)\n"
     "  --min-p P                (default 0.05; 0 disables)\n"
     "  --repeat-penalty R       (default 1: off)\n"
     "  --seed S                 random seed (default 0)\n"
     "  --ctx N                  context size (default: training context, capped at 4096)\n"
     "  -t, --threads N          worker threads (default: one per core)\n"
     "  --stop STR               stop when STR is generated (repeatable)\n"
     "  --no-special             do not parse special-token text in the prompt\n"},
    {"tokenize",
     "usage: hearth tokenize MODEL.gguf (--text TEXT | --text-file FILE)\n"
     "  Prints the token ids of the text as a JSON list (no BOS/EOS, specials not parsed).\n"},
    {"eval",
     "usage: hearth eval MODEL.gguf --tokens IDS (--logits-out FILE | --greedy N) [--batch N] [options]\n"
     "  --tokens 1,2,3      input token ids\n"
     "  --logits-out FILE   write float32 little-endian logits, n_tokens x n_vocab\n"
     "  --batch N           tokens per eval call (default: all at once; 1 = one at a time)\n"
     "  --greedy N          print {\"greedy\": [ids]}: N greedy tokens after the input\n"
     "  --ctx N             context size\n"
     "  -t, --threads N     worker threads\n"},
    {"bench",
     "usage: hearth bench MODEL.gguf [-p N] [-n N] [-t N] [-r N] [--json] [--file-layout]\n"
     "  Measures prompt processing (pp) and decoding (tg) speed like llama.cpp's llama-bench.\n"
     "  pp: N random token ids in one eval from an empty context; tg: after one untimed token, N single-token\n"
     "  evals through the KV cache. One untimed warm-up, then REPS runs each; prints mean +- sample sd.\n"
     "  -p, --n-prompt N       prompt tokens (default 512; 0 skips pp)\n"
     "  -n, --n-gen N          generated tokens (default 128; 0 skips tg)\n"
     "  -t, --threads N        worker threads (default: one per core)\n"
     "  -r, --repetitions N    repetitions of each test (default 5)\n"
     "  --json                 print one JSON object: {\"model\", \"threads\", \"pp\": {\"n\", \"tok_s\", \"sd\"},\n"
     "                         \"tg\": {...}, \"peak_rss_bytes\", ...}; a skipped test has n 0 and tok_s 0\n"
     "  --file-layout          keep every weight in the file's layout (no interleaved conversion at load)\n"},
};

constexpr const char* kMainUsage =
    "usage: hearth COMMAND [options]\n"
    "commands:\n"
    "  inspect   show a GGUF file's metadata and tensors\n"
    "  run       generate text from a prompt\n"
    "  tokenize  print the token ids of a text\n"
    "  eval      evaluate token ids and write logits or greedy continuations\n"
    "  bench     measure prompt and decode speed (like llama-bench)\n"
    "  version   print the library version\n"
    "Run 'hearth COMMAND --help' for the options of a command.\n";

}  // namespace

void PrintUsage(const std::string& command, bool to_stderr) {
  FILE* out = to_stderr ? stderr : stdout;
  for (const Usage& usage : kUsages) {
    if (command == usage.command) {
      std::fputs(usage.text, out);
      return;
    }
  }
  std::fputs(kMainUsage, out);
}

int Error(const std::string& message) {
  std::fprintf(stderr, "hearth: error: %s\n", message.c_str());
  return 1;
}

int ApiError(const std::string& what, hearth_status status) {
  std::string message = what + ": " + hearth_status_string(status);
  const char* detail = hearth_last_error();
  if (detail != nullptr && detail[0] != '\0') message += std::string(": ") + detail;
  return Error(message);
}

int UsageError(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "hearth: error: %s\n", message.c_str());
  PrintUsage(command, /*to_stderr=*/true);
  return kUsageExit;
}

}  // namespace hearth_cli

int main(int argc, char** argv) {
  using namespace hearth_cli;
  if (argc < 2) return UsageError("", "missing command");
  const std::string command = argv[1];
  if (command == "-h" || command == "--help" || command == "help") {
    PrintUsage(argc > 2 ? argv[2] : "", /*to_stderr=*/false);
    return 0;
  }
  if (command == "version" || command == "--version") {
    std::printf("hearth %s\n", hearth_version_string());
    return 0;
  }
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
      PrintUsage(command, /*to_stderr=*/false);
      return 0;
    }
    if (std::strcmp(argv[i], "--") == 0) break;
  }
  if (command == "inspect") return RunInspect(argc - 1, argv + 1);
  if (command == "run") return RunGenerate(argc - 1, argv + 1);
  if (command == "tokenize") return RunTokenize(argc - 1, argv + 1);
  if (command == "eval") return RunEval(argc - 1, argv + 1);
  if (command == "bench") return RunBench(argc - 1, argv + 1);
  return UsageError("", "unknown command '" + command + "'");
}
