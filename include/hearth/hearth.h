/*
 * hearth: run quantized open language models (GGUF files) on the local machine.
 *
 * This header is the whole public interface and a stable C ABI:
 *  - Objects are opaque handles created by `hearth_<object>_create/load/open` and released by
 *    `hearth_<object>_free` (which accepts NULL).
 *  - Parameter structs are passed by pointer and begin with `struct_size`. Fill them with the matching
 *    `*_params_init()` and then change what you need. New fields are only ever appended, so a program built
 *    against an older header keeps working with a newer library.
 *    struct_size rules (as zstd and SQLite treat versioned structs): a struct_size smaller than the first
 *    published layout of the struct (the layout in this header, for version 0.1) is rejected with
 *    HEARTH_ERROR_INVALID_ARGUMENT; a larger one (a program built against a newer header) is accepted and
 *    only the fields this library knows are read or written; fields an older program's struct lacks take
 *    their defaults. Each `*_params_init` symbol writes exactly the layout of the header it shipped with;
 *    a version that appends fields adds new init entry points rather than writing more bytes through the
 *    old ones.
 *  - NULL handles and NULL required pointers are HEARTH_ERROR_INVALID_ARGUMENT. Functions that return a
 *    value instead of a status return 0, -1, NULL or HEARTH_TOKEN_NULL for a NULL handle (and set the
 *    last error). Optional out-pointers are marked "may be NULL".
 *  - Every fallible call returns a `hearth_status`. `hearth_last_error()` gives a readable message for the
 *    most recent failure on the calling thread.
 *  - No C++ types or exceptions cross this boundary. Strings are UTF-8; `const char*` results are owned by the
 *    library and stay valid as long as the object they came from, unless stated otherwise.
 *
 * Threads: a `hearth_model` is immutable once loaded and may be shared by several contexts used on different
 * threads at once. A `hearth_context` or `hearth_sampler` must be used by one thread at a time, except for
 * `hearth_context_cancel`, which may be called from any thread.
 */
#ifndef HEARTH_HEARTH_H_
#define HEARTH_HEARTH_H_

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(HEARTH_BUILDING_LIBRARY)
#define HEARTH_API __declspec(dllexport)
#else
#define HEARTH_API __declspec(dllimport)
#endif
#else
#define HEARTH_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------------------------
 * Versions
 * ---------------------------------------------------------------------------------------------------------- */

#define HEARTH_VERSION_MAJOR 0
#define HEARTH_VERSION_MINOR 2
#define HEARTH_VERSION_PATCH 0
#define HEARTH_VERSION_STRING "0.2.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH. */
#define HEARTH_VERSION_NUMBER (HEARTH_VERSION_MAJOR * 10000 + HEARTH_VERSION_MINOR * 100 + HEARTH_VERSION_PATCH)

/* The version of the library actually loaded, as "MAJOR.MINOR.PATCH". */
HEARTH_API const char* hearth_version_string(void);
/* The version of the library actually loaded, encoded like HEARTH_VERSION_NUMBER. */
HEARTH_API uint32_t hearth_version_number(void);

/* ------------------------------------------------------------------------------------------------------------
 * Status codes and errors
 * ---------------------------------------------------------------------------------------------------------- */

typedef int32_t hearth_status;

#define HEARTH_OK 0
#define HEARTH_ERROR_INVALID_ARGUMENT 1 /* A NULL pointer, a bad value or a params struct of unknown size. */
#define HEARTH_ERROR_NOT_FOUND 2        /* A missing file, metadata key or tensor. */
#define HEARTH_ERROR_IO 3               /* The file could not be read or mapped. */
#define HEARTH_ERROR_INVALID_FILE 4     /* The file is not valid GGUF or is malformed. */
#define HEARTH_ERROR_UNSUPPORTED 5      /* Valid, but not supported (architecture, tensor type, tokenizer). */
#define HEARTH_ERROR_OUT_OF_MEMORY 6
#define HEARTH_ERROR_CANCELLED 7        /* Stopped by hearth_context_cancel or a callback. */
#define HEARTH_ERROR_CONTEXT_FULL 8     /* The tokens do not fit in the context's remaining positions. */
#define HEARTH_ERROR_BUFFER_TOO_SMALL 9 /* The output buffer is too small; the needed size was reported. */
#define HEARTH_ERROR_WRONG_TYPE 10      /* A metadata value has another type than the one asked for. */
#define HEARTH_ERROR_INTERNAL 11

/* A short constant description of a status code ("invalid argument"). Never NULL. */
HEARTH_API const char* hearth_status_string(hearth_status status);

/* The message of the most recent failed call on the calling thread ("" if none; successful calls leave it
 * unchanged). Valid until the next hearth call on this thread. */
HEARTH_API const char* hearth_last_error(void);

/* ------------------------------------------------------------------------------------------------------------
 * GGUF files: metadata and tensor table, for any valid GGUF file (whether or not hearth can run its model)
 * ---------------------------------------------------------------------------------------------------------- */

typedef struct hearth_file hearth_file;

/* Metadata value types, numbered as in the GGUF format. */
typedef enum hearth_value_type {
  HEARTH_VALUE_UINT8 = 0,
  HEARTH_VALUE_INT8 = 1,
  HEARTH_VALUE_UINT16 = 2,
  HEARTH_VALUE_INT16 = 3,
  HEARTH_VALUE_UINT32 = 4,
  HEARTH_VALUE_INT32 = 5,
  HEARTH_VALUE_FLOAT32 = 6,
  HEARTH_VALUE_BOOL = 7,
  HEARTH_VALUE_STRING = 8,
  HEARTH_VALUE_ARRAY = 9,
  HEARTH_VALUE_UINT64 = 10,
  HEARTH_VALUE_INT64 = 11,
  HEARTH_VALUE_FLOAT64 = 12
} hearth_value_type;

/* Opens and validates a GGUF file. The file is memory-mapped; nothing of its tensor data is read. */
HEARTH_API hearth_status hearth_file_open(const char* path, hearth_file** out_file);
/* Releases a file opened with hearth_file_open. NULL is allowed. */
HEARTH_API void hearth_file_free(hearth_file* file);

/* GGUF format version of the file (2 or 3). */
HEARTH_API uint32_t hearth_file_version(const hearth_file* file);
/* Value of general.architecture ("llama"). */
HEARTH_API const char* hearth_file_architecture(const hearth_file* file);

/* Number of metadata entries (-1 for a NULL file), and the key of entry `index` (0 <= index < count; NULL when
 * out of range). */
HEARTH_API int64_t hearth_file_metadata_count(const hearth_file* file);
HEARTH_API const char* hearth_file_metadata_key(const hearth_file* file, int64_t index);

/* Type of the value stored under `key`. For arrays, also the element type and the length (either pointer may
 * be NULL). */
HEARTH_API hearth_status hearth_file_metadata_type(const hearth_file* file, const char* key,
                                                   hearth_value_type* out_type,
                                                   hearth_value_type* out_element_type, uint64_t* out_length);

/* Typed reads of a scalar value. Integers of any width convert when the value fits; floats read float32 or
 * float64; a value of another type is HEARTH_ERROR_WRONG_TYPE. Strings are not NUL-terminated inside the file:
 * the returned pointer is to a NUL-terminated copy owned by `file`, and `out_length` (may be NULL) receives the
 * length in bytes. */
HEARTH_API hearth_status hearth_file_metadata_get_int(const hearth_file* file, const char* key, int64_t* out);
HEARTH_API hearth_status hearth_file_metadata_get_uint(const hearth_file* file, const char* key, uint64_t* out);
HEARTH_API hearth_status hearth_file_metadata_get_float(const hearth_file* file, const char* key, double* out);
HEARTH_API hearth_status hearth_file_metadata_get_bool(const hearth_file* file, const char* key, int32_t* out);
HEARTH_API hearth_status hearth_file_metadata_get_string(const hearth_file* file, const char* key,
                                                         const char** out, size_t* out_length);

/* Typed reads of element `index` of an array value, with the same conversions as the scalar reads. */
HEARTH_API hearth_status hearth_file_metadata_array_get_int(const hearth_file* file, const char* key,
                                                            uint64_t index, int64_t* out);
HEARTH_API hearth_status hearth_file_metadata_array_get_float(const hearth_file* file, const char* key,
                                                              uint64_t index, double* out);
HEARTH_API hearth_status hearth_file_metadata_array_get_string(const hearth_file* file, const char* key,
                                                               uint64_t index, const char** out,
                                                               size_t* out_length);

/* Renders the value under `key` as JSON (arrays longer than `max_elements` are cut short and end with the
 * string "..."; 0 means no limit) into `buffer` of `capacity` bytes, NUL-terminated. `out_length` (may be
 * NULL) receives the length without the NUL; if it does not fit, HEARTH_ERROR_BUFFER_TOO_SMALL is returned and
 * the buffer holds "" (when capacity > 0). `buffer` may be NULL when `capacity` is 0, to ask for the length.
 * Non-finite floats render as null; invalid UTF-8 bytes in strings as U+FFFD. */
HEARTH_API hearth_status hearth_file_metadata_to_json(const hearth_file* file, const char* key,
                                                      uint64_t max_elements, char* buffer, size_t capacity,
                                                      size_t* out_length);

/* One entry of the tensor table. Set `struct_size = sizeof(hearth_tensor_info)` before the call; the library
 * fills the fields it knows and leaves struct_size and any newer trailing fields untouched. */
typedef struct hearth_tensor_info {
  size_t struct_size;
  const char* name;      /* Owned by the file. */
  uint32_t type;         /* GGUF tensor type id (e.g. 12 for Q4_K). */
  const char* type_name; /* "Q4_K". Static. */
  int32_t n_dims;
  int64_t shape[4];      /* shape[0] is the contiguous dimension; unused dimensions are 1. */
  uint64_t offset;       /* Byte offset of the data from the start of the file. */
  uint64_t n_bytes;
} hearth_tensor_info;

/* Number of tensors (-1 for a NULL file); an index out of range is HEARTH_ERROR_INVALID_ARGUMENT. */
HEARTH_API int64_t hearth_file_tensor_count(const hearth_file* file);
HEARTH_API hearth_status hearth_file_tensor_info(const hearth_file* file, int64_t index,
                                                 hearth_tensor_info* out_info);

/* ------------------------------------------------------------------------------------------------------------
 * Models
 * ---------------------------------------------------------------------------------------------------------- */

typedef struct hearth_model hearth_model;

/* Called during loading with progress in [0, 1] (at least at 0 and at 1). Return nonzero to cancel the load,
 * which then fails with HEARTH_ERROR_CANCELLED. */
typedef int32_t (*hearth_progress_callback)(float progress, void* user_data);

typedef struct hearth_model_params {
  size_t struct_size;
  hearth_progress_callback progress_callback; /* May be NULL. */
  void* progress_user_data;
  int32_t vocab_only; /* Nonzero: load metadata and tokenizer only (tokenize without weights). */
  /* Added in 0.2 (a struct_size that ends before a field selects its default). 64-bit, so that it starts
   * after the first layout's trailing padding. */
  uint64_t flags; /* HEARTH_MODEL_* bits below; 0 by default. */
} hearth_model_params;

/* hearth_model_params.flags: compute from the mapped file's layout only; convert no weight (see below). */
#define HEARTH_MODEL_FILE_LAYOUT_ONLY ((uint64_t)1 << 0)

HEARTH_API void hearth_model_params_init(hearth_model_params* params);

/* Loads a model (`params` may be NULL for the defaults). The file is memory-mapped. Weight matrices for which
 * the CPU kernels have a faster interleaved layout are converted once, at load, into memory the model owns:
 * the same number of bytes, and the file pages they came from are released, so resident memory stays near the
 * file size. All other weights are served from the mapping without a copy; HEARTH_MODEL_FILE_LAYOUT_ONLY
 * serves them all that way. Fails with HEARTH_ERROR_UNSUPPORTED for architectures or tensor types hearth cannot run. A
 * vocab_only model can tokenize but not create contexts. */
HEARTH_API hearth_status hearth_model_load(const char* path, const hearth_model_params* params,
                                           hearth_model** out_model);
/* Releases a model. Every context created from it must have been freed first. NULL is allowed. */
HEARTH_API void hearth_model_free(hearth_model* model);

/* The GGUF file behind the model, for metadata reads. Owned by the model. */
HEARTH_API const hearth_file* hearth_model_file(const hearth_model* model);

typedef struct hearth_model_info {
  size_t struct_size;
  const char* architecture; /* "qwen2". Owned by the model. */
  int32_t n_vocab;
  int32_t n_ctx_train;      /* Context length the model was trained with. */
  int32_t n_embd;
  int32_t n_layer;
  int32_t n_head;
  int32_t n_head_kv;
  uint64_t n_params;        /* Number of weight elements. */
  uint64_t n_bytes;         /* Bytes of tensor data in the file. */
} hearth_model_info;

/* Fills `out_info` (set its struct_size first). */
HEARTH_API hearth_status hearth_model_get_info(const hearth_model* model, hearth_model_info* out_info);

/* ------------------------------------------------------------------------------------------------------------
 * Tokens
 * ---------------------------------------------------------------------------------------------------------- */

typedef int32_t hearth_token;
#define HEARTH_TOKEN_NULL (-1)

/* Converts UTF-8 text to tokens. `add_special`: add BOS/EOS as the model's metadata asks. `parse_special`:
 * recognize the text of special/control tokens (e.g. "<|im_start|>") in `text`; otherwise it is plain text.
 * Writes at most `capacity` tokens; `out_count` always receives the number of tokens of the whole text, and
 * HEARTH_ERROR_BUFFER_TOO_SMALL is returned when that exceeds `capacity` (call again with a larger buffer). */
HEARTH_API hearth_status hearth_model_tokenize(const hearth_model* model, const char* text, size_t text_length,
                                               int32_t add_special, int32_t parse_special,
                                               hearth_token* tokens, size_t capacity, size_t* out_count);

/* The bytes of one token (which may be an incomplete UTF-8 sequence). Control tokens render as "" unless
 * `render_special`. Buffer convention as hearth_file_metadata_to_json (NUL-terminated). */
HEARTH_API hearth_status hearth_model_token_to_piece(const hearth_model* model, hearth_token token,
                                                     int32_t render_special, char* buffer, size_t capacity,
                                                     size_t* out_length);

/* Converts tokens back to text (the inverse of tokenize without specials). Buffer convention as above. */
HEARTH_API hearth_status hearth_model_detokenize(const hearth_model* model, const hearth_token* tokens,
                                                 size_t count, int32_t render_special, char* buffer,
                                                 size_t capacity, size_t* out_length);

/* Special tokens (HEARTH_TOKEN_NULL when the model has none). */
HEARTH_API hearth_token hearth_model_token_bos(const hearth_model* model);
HEARTH_API hearth_token hearth_model_token_eos(const hearth_model* model);
/* Nonzero if `token` ends generation (EOS, end-of-turn and similar). */
HEARTH_API int32_t hearth_model_token_is_end(const hearth_model* model, hearth_token token);

/* ------------------------------------------------------------------------------------------------------------
 * Contexts: the state of one sequence (KV cache, scratch buffers, logits)
 * ---------------------------------------------------------------------------------------------------------- */

typedef struct hearth_context hearth_context;

typedef struct hearth_context_params {
  size_t struct_size;
  uint32_t n_ctx;    /* Maximum number of positions; 0 = the model's training context, capped at 4096. */
  int32_t n_threads; /* Worker threads for this context; 0 = one per available core. */
  uint32_t n_batch;  /* Largest number of tokens processed per forward pass; 0 = 512. */
  int32_t logits_all; /* Nonzero: evals may use HEARTH_LOGITS_ALL; the context then keeps n_batch x n_vocab
                         logits and computes them for every token. Default 0: HEARTH_LOGITS_LAST only. */
} hearth_context_params;

HEARTH_API void hearth_context_params_init(hearth_context_params* params);

/* Creates a context on `model` (`params` may be NULL for the defaults); the model must outlive it. All memory
 * the context needs is allocated here (except the joined rows of a HEARTH_LOGITS_ALL eval longer than
 * n_batch). */
HEARTH_API hearth_status hearth_context_create(hearth_model* model, const hearth_context_params* params,
                                               hearth_context** out_context);
HEARTH_API void hearth_context_free(hearth_context* context);

/* Number of positions the context holds, and how many are in use. */
HEARTH_API uint32_t hearth_context_size(const hearth_context* context);
HEARTH_API uint32_t hearth_context_position(const hearth_context* context);

/* Which positions of an evaluated batch keep their logits. */
#define HEARTH_LOGITS_LAST 0 /* Only the last token's. */
#define HEARTH_LOGITS_ALL 1  /* Every token's (count x n_vocab floats). */

/* Appends `count` tokens at the current position and runs the model on them (in slices of n_batch). Fails with
 * HEARTH_ERROR_CONTEXT_FULL (and changes nothing) if they do not fit, HEARTH_ERROR_INVALID_ARGUMENT (and changes
 * nothing) for a token outside the vocabulary or HEARTH_LOGITS_ALL on a context created without logits_all, HEARTH_ERROR_CANCELLED after hearth_context_cancel (the context then holds the
 * positions completed before the cancel). */
HEARTH_API hearth_status hearth_context_eval(hearth_context* context, const hearth_token* tokens, size_t count,
                                             int32_t logits_mode);

/* The n_vocab logits of token `index` of the last evaluated batch (negative counts from the end: -1 is the last
 * token). NULL if that position kept no logits. Valid until the next eval, truncate or free. */
HEARTH_API const float* hearth_context_logits(const hearth_context* context, int32_t index);

/* Forgets every position from `position` on (0 clears the context), so that generation can resume earlier. */
HEARTH_API hearth_status hearth_context_truncate(hearth_context* context, uint32_t position);

/* Asks the eval or generate call running on `context` to stop soon; safe from any thread. The request stays
 * until the running (or next) call has returned HEARTH_ERROR_CANCELLED. */
HEARTH_API void hearth_context_cancel(hearth_context* context);

/* ------------------------------------------------------------------------------------------------------------
 * Sampling
 * ---------------------------------------------------------------------------------------------------------- */

typedef struct hearth_sampler hearth_sampler;

typedef struct hearth_logit_bias {
  hearth_token token;
  float bias; /* Added to the logit; -INFINITY bans the token. */
} hearth_logit_bias;

typedef struct hearth_sampler_params {
  size_t struct_size;
  float temperature;       /* <= 0: greedy. Default 0.8. */
  int32_t top_k;           /* <= 0: disabled. Default 40. */
  float top_p;             /* 1: disabled. Default 0.95. */
  float min_p;             /* 0: disabled. Default 0.05. */
  float repeat_penalty;    /* 1: disabled (default). */
  float frequency_penalty; /* 0: disabled (default). */
  float presence_penalty;  /* 0: disabled (default). */
  int32_t penalty_last_n;  /* Tokens of history the penalties look at; -1 = all. Default 64. */
  uint64_t seed;           /* Same seed, same choices. Default 0. */
  const hearth_logit_bias* logit_bias; /* Copied at creation; may be NULL. */
  size_t n_logit_bias;
} hearth_sampler_params;

HEARTH_API void hearth_sampler_params_init(hearth_sampler_params* params);

HEARTH_API hearth_status hearth_sampler_create(const hearth_model* model, const hearth_sampler_params* params,
                                               hearth_sampler** out_sampler);
HEARTH_API void hearth_sampler_free(hearth_sampler* sampler);

/* Chooses a token from the logits of token `index` of the context's last batch (as hearth_context_logits) and
 * records it in the sampler's history. */
HEARTH_API hearth_status hearth_sampler_sample(hearth_sampler* sampler, const hearth_context* context,
                                               int32_t index, hearth_token* out_token);
/* Records a token chosen elsewhere (e.g. the prompt) in the penalty history. */
HEARTH_API void hearth_sampler_accept(hearth_sampler* sampler, hearth_token token);
/* Clears the history and restarts the random sequence from the seed. */
HEARTH_API void hearth_sampler_reset(hearth_sampler* sampler);

/* ------------------------------------------------------------------------------------------------------------
 * Generation
 * ---------------------------------------------------------------------------------------------------------- */

/* Called for each generated token with the text it completes: `text` holds only whole UTF-8 characters (bytes of
 * an unfinished character are held back until complete) and never part of a stop string. Text held back as a
 * possible stop-string prefix is released at the end in one last call with token HEARTH_TOKEN_NULL. The end
 * token itself is not passed. Return nonzero to stop generation (the call then returns HEARTH_OK with stop
 * reason HEARTH_STOP_CALLBACK). */
typedef int32_t (*hearth_token_callback)(hearth_token token, const char* text, size_t text_length,
                                         void* user_data);

#define HEARTH_STOP_MAX_TOKENS 0
#define HEARTH_STOP_END_TOKEN 1
#define HEARTH_STOP_STRING 2
#define HEARTH_STOP_CALLBACK 3
#define HEARTH_STOP_CONTEXT_FULL 4

typedef struct hearth_generate_params {
  size_t struct_size;
  int32_t max_tokens;              /* Default 128. */
  const char* const* stop_strings; /* May be NULL. */
  size_t n_stop_strings;
  int32_t add_special;             /* Add BOS/EOS to the prompt as the model asks, when the context is
                                      empty (position 0). Default 1. */
  int32_t parse_special;           /* Recognize special-token text in the prompt. Default 1. */
  hearth_token_callback callback;  /* May be NULL. */
  void* user_data;
} hearth_generate_params;

HEARTH_API void hearth_generate_params_init(hearth_generate_params* params);

typedef struct hearth_generate_result {
  size_t struct_size;
  int32_t n_prompt_tokens;
  int32_t n_generated_tokens;
  int32_t stop_reason;  /* HEARTH_STOP_*. */
  double prompt_seconds;
  double generate_seconds;
} hearth_generate_result;

/* Tokenizes `prompt`, evaluates it after the context's current position, and samples up to max_tokens tokens
 * with `sampler` (prompt tokens enter its penalty history), streaming them to the callback. The prompt must
 * fit (else HEARTH_ERROR_CONTEXT_FULL); generation stops with HEARTH_STOP_CONTEXT_FULL when the context
 * fills. On return the context holds the prompt and every sampled token, an end-of-generation token
 * included (unless the context is full), so a later call continues from there. `params` may be NULL for the
 * defaults; `out_result` may be NULL (else set its struct_size); it is filled on success and on failure after
 * validation. */
HEARTH_API hearth_status hearth_context_generate(hearth_context* context, hearth_sampler* sampler,
                                                 const char* prompt, const hearth_generate_params* params,
                                                 hearth_generate_result* out_result);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* HEARTH_HEARTH_H_ */
