list(APPEND HEARTH_KERNEL_SOURCES
  ops/matmul.cc
  ops/float_ops.cc
  ops/attention.cc)
