list(APPEND HEARTH_CORE_SOURCES
  sampling/sampler.cc
  sampling/sampler_params.cc
  sampling/stop_conditions.cc
  sampling/stop_strings.cc)
