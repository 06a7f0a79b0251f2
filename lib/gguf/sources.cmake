list(APPEND HEARTH_CORE_SOURCES
  gguf/architectures.cc
  gguf/gguf_file.cc
  gguf/gguf_metadata.cc
  gguf/gguf_parser.cc
  gguf/gguf_value.cc
  gguf/gguf_writer.cc)
