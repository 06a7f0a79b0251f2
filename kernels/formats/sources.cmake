list(APPEND HEARTH_KERNEL_SOURCES formats/ggml_type.cc)
