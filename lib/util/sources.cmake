list(APPEND HEARTH_CORE_SOURCES util/mapped_file.cc)
list(APPEND HEARTH_CORE_SOURCES util/thread_pool.cc)
