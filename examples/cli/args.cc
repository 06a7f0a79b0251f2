#include "examples/cli/args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace hearth_cli {
namespace {

std::vector<std::string> SplitNames(const std::string& names) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= names.size()) {
    size_t comma = names.find(',', start);
    if (comma == std::string::npos) comma = names.size();
    if (comma > start) out.push_back(names.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool ParseInt(const std::string& text, int64_t* out) {
  if (text.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end == text.c_str() || *end != '\0') return false;
  *out = v;
  return true;
}

bool ParseDouble(const std::string& text, double* out) {
  if (text.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || end == text.c_str() || *end != '\0' || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

}  // namespace

void ArgParser::Add(const std::string& names, Kind kind, void* out, int64_t min, int64_t max) {
  specs_.push_back(Spec{SplitNames(names), kind, out, min, max, false});
}

void ArgParser::AddFlag(const std::string& names, bool* out) { Add(names, Kind::kFlag, out); }
void ArgParser::AddString(const std::string& names, std::string* out) { Add(names, Kind::kString, out); }
void ArgParser::AddStringList(const std::string& names, std::vector<std::string>* out) {
  Add(names, Kind::kStringList, out);
}
void ArgParser::AddInt(const std::string& names, int64_t* out, int64_t min, int64_t max) {
  Add(names, Kind::kInt, out, min, max);
}
void ArgParser::AddFloat(const std::string& names, double* out) { Add(names, Kind::kFloat, out); }

ArgParser::Spec* ArgParser::Find(const std::string& name) {
  for (Spec& spec : specs_) {
    for (const std::string& n : spec.names) {
      if (n == name) return &spec;
    }
  }
  return nullptr;
}

bool ArgParser::Seen(const std::string& name) const {
  for (const Spec& spec : specs_) {
    for (const std::string& n : spec.names) {
      if (n == name) return spec.seen;
    }
  }
  return false;
}

bool ArgParser::Apply(Spec* spec, const std::string& name, const std::string& value, std::string* error) {
  spec->seen = true;
  switch (spec->kind) {
    case Kind::kFlag:
      *static_cast<bool*>(spec->out) = true;
      return true;
    case Kind::kString:
      *static_cast<std::string*>(spec->out) = value;
      return true;
    case Kind::kStringList:
      static_cast<std::vector<std::string>*>(spec->out)->push_back(value);
      return true;
    case Kind::kInt: {
      int64_t v = 0;
      if (!ParseInt(value, &v)) {
        *error = "option " + name + " expects an integer, got '" + value + "'";
        return false;
      }
      if (v < spec->min || v > spec->max) {
        *error = "option " + name + " must be between " + std::to_string(spec->min) + " and " +
                 std::to_string(spec->max) + ", got " + value;
        return false;
      }
      *static_cast<int64_t*>(spec->out) = v;
      return true;
    }
    case Kind::kFloat: {
      double v = 0;
      if (!ParseDouble(value, &v)) {
        *error = "option " + name + " expects a number, got '" + value + "'";
        return false;
      }
      *static_cast<double*>(spec->out) = v;
      return true;
    }
  }
  return false;
}

bool ArgParser::Parse(int argc, char** argv, int begin, std::vector<std::string>* positionals,
                      std::string* error) {
  bool flags_done = false;
  for (int i = begin; i < argc; ++i) {
    std::string arg = argv[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      positionals->push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    std::string name = arg;
    std::string value;
    bool has_inline_value = false;
    if (arg.rfind("--", 0) == 0) {
      const size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        name = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        has_inline_value = true;
      }
    }
    Spec* spec = Find(name);
    if (spec == nullptr) {
      *error = "unknown option " + name;
      return false;
    }
    if (spec->kind == Kind::kFlag) {
      if (has_inline_value) {
        *error = "option " + name + " takes no value";
        return false;
      }
    } else if (!has_inline_value) {
      if (i + 1 >= argc) {
        *error = "option " + name + " needs a value";
        return false;
      }
      value = argv[++i];
    }
    if (!Apply(spec, name, value, error)) return false;
  }
  return true;
}

bool ParseIntList(const std::string& text, std::vector<int32_t>* out) {
  out->clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    const size_t b = item.find_first_not_of(" \t");
    const size_t e = item.find_last_not_of(" \t");
    if (b == std::string::npos) return false;
    item = item.substr(b, e - b + 1);
    int64_t v = 0;
    if (!ParseInt(item, &v) || v < std::numeric_limits<int32_t>::min() ||
        v > std::numeric_limits<int32_t>::max()) {
      return false;
    }
    out->push_back(static_cast<int32_t>(v));
    start = comma + 1;
  }
  return !out->empty();
}

}  // namespace hearth_cli
