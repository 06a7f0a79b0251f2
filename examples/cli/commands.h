// Subcommands of the hearth CLI. Each returns the process exit code: 0 success, 1 runtime error,
// 2 usage error. Only the public C API (hearth/hearth.h) is used.
#ifndef HEARTH_EXAMPLES_CLI_COMMANDS_H_
#define HEARTH_EXAMPLES_CLI_COMMANDS_H_

#include <string>

#include "hearth/hearth.h"

namespace hearth_cli {

int RunInspect(int argc, char** argv);   // argv[0] is "inspect".
int RunGenerate(int argc, char** argv);  // "run"
int RunTokenize(int argc, char** argv);
int RunEval(int argc, char** argv);
int RunBench(int argc, char** argv);

// Prints "hearth: error: MESSAGE" to stderr and returns 1.
int Error(const std::string& message);
// The same for a failed hearth call: the status string and hearth_last_error().
int ApiError(const std::string& what, hearth_status status);
// Prints "hearth: error: MESSAGE", then the usage of `command`, to stderr and returns 2.
int UsageError(const std::string& command, const std::string& message);
void PrintUsage(const std::string& command, bool to_stderr);

// Appends `text` as a JSON string literal (invalid UTF-8 bytes become U+FFFD).
void AppendJsonString(const std::string& text, std::string* out);

}  // namespace hearth_cli

#endif  // HEARTH_EXAMPLES_CLI_COMMANDS_H_
