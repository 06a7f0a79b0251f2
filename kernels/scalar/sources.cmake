list(APPEND HEARTH_KERNEL_SOURCES
  scalar/scalar_table.cc
  scalar/float_formats.cc
  scalar/legacy_quants.cc
  scalar/k_quants.cc
  scalar/iq4_quants.cc)
