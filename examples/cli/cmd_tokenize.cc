// hearth tokenize MODEL (--text T | --text-file F): the token ids as a JSON list. No BOS/EOS are added
// and special-token text is plain text, as in the reference tokenizer test cases.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "examples/cli/args.h"
#include "examples/cli/commands.h"
#include "examples/cli/model_session.h"
#include "hearth/hearth.h"

namespace hearth_cli {

int RunTokenize(int argc, char** argv) {
  ArgParser parser;
  std::string text, text_file;
  parser.AddString("--text", &text);
  parser.AddString("--text-file", &text_file);
  std::vector<std::string> positionals;
  std::string error;
  if (!parser.Parse(argc, argv, 1, &positionals, &error)) return UsageError("tokenize", error);
  if (positionals.size() != 1) return UsageError("tokenize", "expected exactly one model file");
  if (parser.Seen("--text") == parser.Seen("--text-file")) {
    return UsageError("tokenize", "give exactly one of --text and --text-file");
  }
  if (parser.Seen("--text-file")) {
    std::ifstream in(text_file, std::ios::binary);
    if (!in) return Error("cannot read '" + text_file + "'");
    std::ostringstream contents;
    contents << in.rdbuf();
    text = contents.str();
  }

  ModelPtr model;
  if (int code = LoadModel(positionals[0], /*vocab_only=*/true, &model); code != 0) return code;
  std::vector<hearth_token> tokens(text.size() + 16);
  size_t count = 0;
  hearth_status status = hearth_model_tokenize(model.get(), text.data(), text.size(), 0, 0, tokens.data(),
                                               tokens.size(), &count);
  if (status == HEARTH_ERROR_BUFFER_TOO_SMALL) {
    tokens.resize(count);
    status = hearth_model_tokenize(model.get(), text.data(), text.size(), 0, 0, tokens.data(), tokens.size(),
                                   &count);
  }
  if (status != HEARTH_OK) return ApiError("cannot tokenize", status);
  std::string out = "[";
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(tokens[i]);
  }
  out += "]\n";
  std::fputs(out.c_str(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace hearth_cli
