/* A minimal C99 program on libhearth: load a model, generate from a prompt, print the text as it comes.
 *
 *   hearth_c_example MODEL.gguf [PROMPT] [MAX_TOKENS]
 */
#include <stdio.h>
#include <stdlib.h>

#include "hearth/hearth.h"

static int32_t on_token(hearth_token token, const char* text, size_t text_length, void* user_data) {
  size_t* n_tokens = (size_t*)user_data;
  (void)token;
  ++*n_tokens;
  fwrite(text, 1, text_length, stdout);
  fflush(stdout);
  return 0; /* Nonzero would stop generation. */
}

static int fail(const char* what, hearth_status status) {
  fprintf(stderr, "%s: %s: %s\n", what, hearth_status_string(status), hearth_last_error());
  return 1;
}

int main(int argc, char** argv) {
  const char* prompt = argc > 2 ? argv[2] : "Once upon a time";
  int max_tokens = argc > 3 ? atoi(argv[3]) : 32;
  hearth_model_params model_params;
  hearth_context_params context_params;
  hearth_sampler_params sampler_params;
  hearth_generate_params generate_params;
  hearth_generate_result result;
  hearth_model* model = NULL;
  hearth_context* context = NULL;
  hearth_sampler* sampler = NULL;
  hearth_status status;
  size_t n_tokens = 0;
  int exit_code = 1;

  if (argc < 2 || max_tokens < 0) {
    fprintf(stderr, "usage: %s MODEL.gguf [PROMPT] [MAX_TOKENS]\n", argv[0]);
    return 2;
  }
  printf("hearth %s\n", hearth_version_string());

  hearth_model_params_init(&model_params);
  status = hearth_model_load(argv[1], &model_params, &model);
  if (status != HEARTH_OK) return fail("load", status);

  hearth_context_params_init(&context_params);
  context_params.n_ctx = 512;
  status = hearth_context_create(model, &context_params, &context);
  if (status != HEARTH_OK) {
    fail("context", status);
    goto done;
  }

  hearth_sampler_params_init(&sampler_params);
  sampler_params.seed = 42;
  status = hearth_sampler_create(model, &sampler_params, &sampler);
  if (status != HEARTH_OK) {
    fail("sampler", status);
    goto done;
  }

  hearth_generate_params_init(&generate_params);
  generate_params.max_tokens = max_tokens;
  generate_params.callback = on_token;
  generate_params.user_data = &n_tokens;
  result.struct_size = sizeof(result);
  printf("%s", prompt);
  status = hearth_context_generate(context, sampler, prompt, &generate_params, &result);
  printf("\n");
  if (status != HEARTH_OK) {
    fail("generate", status);
    goto done;
  }
  fprintf(stderr, "%d prompt tokens, %d generated (%lu callbacks), stop reason %d\n", result.n_prompt_tokens,
          result.n_generated_tokens, (unsigned long)n_tokens, result.stop_reason);
  exit_code = 0;

done:
  hearth_sampler_free(sampler);
  hearth_context_free(context);
  hearth_model_free(model);
  return exit_code;
}
