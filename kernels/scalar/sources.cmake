list(APPEND HEARTH_KERNEL_SOURCES
  scalar/scalar_table.cc
  scalar/float_formats.cc
  scalar/legacy_quants.cc
  scalar/k_quants.cc
  scalar/iq4_quants.cc)
list(APPEND HEARTH_KERNEL_SOURCES scalar/k_quants_dequantize.cc scalar/k_quants_quantize.cc scalar/k_quants_quantize_symmetric.cc scalar/k_quants_dot.cc)

# The scalar kernels are the bit-exact oracle (dequantization must match gguf-py's float32 numpy): keep the
# compiler from fusing a*b+c into one FMA, which rounds once instead of twice (GCC does so by default on FMA
# targets such as aarch64).
foreach(hearth_scalar_src IN LISTS HEARTH_KERNEL_SOURCES)
  if(hearth_scalar_src MATCHES "^scalar/" AND NOT MSVC)
    set_property(SOURCE ${hearth_scalar_src} APPEND PROPERTY COMPILE_OPTIONS -ffp-contract=off)
  endif()
endforeach()
