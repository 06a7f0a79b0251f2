// Strict command-line parsing for the hearth CLI: every flag is declared with its value type; unknown
// flags, missing values and malformed numbers are errors (the caller prints usage and exits 2).
#ifndef HEARTH_EXAMPLES_CLI_ARGS_H_
#define HEARTH_EXAMPLES_CLI_ARGS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace hearth_cli {

// Exit code for usage errors.
inline constexpr int kUsageExit = 2;

class ArgParser {
 public:
  // `names` is "-n,--max-tokens" style: one or more spellings separated by commas.
  void AddFlag(const std::string& names, bool* out);
  void AddString(const std::string& names, std::string* out);
  void AddStringList(const std::string& names, std::vector<std::string>* out);  // Repeatable.
  void AddInt(const std::string& names, int64_t* out, int64_t min, int64_t max);
  void AddFloat(const std::string& names, double* out);

  // Parses argv[begin..argc). Positional arguments go to `positionals`. Returns false with `error` set.
  // Accepts "--flag value" and "--flag=value"; "--" ends flag parsing.
  bool Parse(int argc, char** argv, int begin, std::vector<std::string>* positionals, std::string* error);

  // Whether the flag named `name` (any of its spellings) was given.
  bool Seen(const std::string& name) const;

 private:
  enum class Kind { kFlag, kString, kStringList, kInt, kFloat };
  struct Spec {
    std::vector<std::string> names;
    Kind kind;
    void* out;
    int64_t min = 0;
    int64_t max = 0;
    bool seen = false;
  };
  void Add(const std::string& names, Kind kind, void* out, int64_t min = 0, int64_t max = 0);
  Spec* Find(const std::string& name);
  bool Apply(Spec* spec, const std::string& name, const std::string& value, std::string* error);

  std::vector<Spec> specs_;
};

// Parses a comma-separated list of integers ("1,2, 3"); false on anything else.
bool ParseIntList(const std::string& text, std::vector<int32_t>* out);

}  // namespace hearth_cli

#endif  // HEARTH_EXAMPLES_CLI_ARGS_H_
