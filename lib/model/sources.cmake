list(APPEND HEARTH_CORE_SOURCES
  model/architecture.cc
  model/arch_llama.cc
  model/arch_qwen2.cc
  model/arch_qwen3.cc
  model/model_config.cc
  model/model_weights.cc
  model/kv_cache.cc
  model/forward.cc
  model/inference_context.cc
  model/model.cc)
