// JSON rendering of GGUF metadata values for hearth_file_metadata_to_json.
#ifndef HEARTH_LIB_API_VALUE_JSON_H_
#define HEARTH_LIB_API_VALUE_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/gguf/gguf_value.h"

namespace hearth::api {

// Appends `text` as a JSON string literal. Control characters become \u escapes; bytes that are not valid
// UTF-8 become U+FFFD so that the output is always valid JSON text.
void AppendJsonString(std::string_view text, std::string* out);

// Appends `value` as JSON. Arrays longer than `max_elements` (0: no limit) are cut short and end with the
// string "...". Non-finite floats, which JSON cannot represent, render as null.
void AppendJsonValue(const gguf::Value& value, uint64_t max_elements, std::string* out);

}  // namespace hearth::api

#endif  // HEARTH_LIB_API_VALUE_JSON_H_
