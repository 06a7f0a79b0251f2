list(APPEND HEARTH_CORE_SOURCES util/mapped_file.cc)
