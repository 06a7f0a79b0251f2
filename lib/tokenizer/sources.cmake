# Tokenizers: vocabulary from GGUF metadata, PCRE2 pre-tokenizers, BPE/SentencePiece merges, detokenizer.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
list(APPEND HEARTH_CORE_SOURCES
  tokenizer/bpe_encoder.cc
  tokenizer/detokenizer.cc
  tokenizer/pre_tokenizer.cc
  tokenizer/tokenizer.cc
  tokenizer/unicode_util.cc
  tokenizer/vocab.cc)
# hearth_core is created after the fragments are included; link PCRE2 once the directory is processed.
cmake_language(DEFER CALL target_link_libraries hearth_core PUBLIC PkgConfig::PCRE2 absl::flat_hash_set)
