list(APPEND HEARTH_KERNEL_SOURCES formats/ggml_type.cc cpu_features.cc dispatch.cc backends.cc)
