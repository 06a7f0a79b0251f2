#include "lib/model/forward.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <initializer_list>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "kernels/ops/attention.h"
#include "kernels/ops/float_ops.h"
#include "kernels/ops/matmul.h"

namespace hearth::model {
namespace {

using kernels::WeightMatrix;

// Row chunks handed to threads are multiples of this (the gemm kernels' panel height)...
constexpr int64_t kRowAlign = 16;
// ... and about this many per thread and matrix (enough to even out threads' speeds, few enough that
// each chunk is a long contiguous read).
constexpr int64_t kChunksPerThread = 16;
// Batches of at least this many tokens run their per-token float work (norms, RoPE, activation
// quantization) as pool jobs; shorter ones (decode) run it on the caller, which is cheaper than a job.
constexpr int64_t kParallelTokens = 4;
// The feed-forward block runs on slices of at most this many tokens, so its two n_ff-wide buffers (the
// largest scratch) are sized for a slice, not the batch; the gemm is as fast on 128 tokens as on 512.
constexpr int64_t kFfnSlice = 128;

// One projection of a fused group: y[t][r] = W_r . x_t (+ bias[r]).
struct Projection {
  const WeightMatrix* w = nullptr;
  float* y = nullptr;
  const float* bias = nullptr;
};

// Called after each row chunk [row_begin, row_end) of a fused group whose matrices have equal row counts.
using Epilogue = absl::FunctionRef<void(int64_t row_begin, int64_t row_end)>;
void NoEpilogue(int64_t, int64_t) {}

// The float ops of a kernel table, falling back to the scalar references for any it leaves null.
struct FloatOps {
  explicit FloatOps(const kernels::KernelTable& kt) {
    const kernels::KernelTable& ref = kernels::ScalarKernels();
    rms_norm = kt.rms_norm != nullptr ? kt.rms_norm : ref.rms_norm;
    silu_mul = kt.silu_mul != nullptr ? kt.silu_mul : ref.silu_mul;
    add = kt.add != nullptr ? kt.add : ref.add;
    rope = kt.rope != nullptr ? kt.rope : ref.rope;
    attend = kt.attend != nullptr ? kt.attend : ref.attend;
    attend_rows = kt.attend_rows;  // Null: `attend` row by row.
  }
  kernels::RmsNormFn rms_norm;
  kernels::BinaryOpFn silu_mul;
  kernels::BinaryOpFn add;
  kernels::RopeFn rope;
  kernels::AttendFn attend;
  kernels::AttendRowsFn attend_rows;
};

class Pass {
 public:
  Pass(const ModelView& model, const ForwardRequest& request, KvCache& cache, ForwardScratch& s,
       ThreadPool& pool)
      : c_(*model.config),
        w_(*model.weights),
        kt_(*model.kernels),
        ops_(*model.kernels),
        req_(request),
        n_(static_cast<int64_t>(request.tokens.size())),
        cache_(cache),
        s_(s),
        pool_(pool) {}

  absl::Status Run() {
    Embed();
    PrepareRope();
    for (int64_t il = 0; il < c_.n_layer; ++il) {
      if (req_.cancel != nullptr && req_.cancel->load(std::memory_order_relaxed)) {
        return absl::CancelledError("evaluation cancelled");
      }
      Attention(il);
      // After the last attention only the rows whose logits are wanted matter.
      if (il == c_.n_layer - 1) KeepOnlyLastRow();
      AttentionOutput(il);
      FeedForward(il);
    }
    KeepOnlyLastRow();
    Output();
    return absl::OkStatus();
  }

 private:
  // Runs fn over token ranges: as a pool job for long batches, inline for short ones.
  void PerToken(absl::FunctionRef<void(int64_t begin, int64_t end)> fn) {
    if (n_ >= kParallelTokens) {
      pool_.ParallelFor(n_, fn);
    } else {
      fn(0, n_);
    }
  }

  void Embed() {
    PerToken([&](int64_t b, int64_t end) {
      for (int64_t t = b; t < end; ++t) {
        kernels::DequantizeMatrixRow(kt_, w_.token_embd, req_.tokens[static_cast<size_t>(t)],
                                     &s_.x[t * c_.n_embd]);
      }
    });
  }

  void PrepareRope() {
    const int half = c_.rope.n_rot / 2;
    PerToken([&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) {
        kernels::RopeCosSin(c_.rope, req_.pos0 + t, w_.rope_freqs, &s_.rope_cos[t * half],
                            &s_.rope_sin[t * half]);
      }
    });
  }

  void Norm(const float* weight, float* out, const float* in) {
    const int64_t width = c_.n_embd;
    PerToken([&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) {
        ops_.rms_norm(in + t * width, weight, width, c_.rms_eps, out + t * width);
      }
    });
  }

  // Projections sharing the input x ([n_][cols]) as one pool job: x is converted once per distinct
  // dot_type (slot i of s_.act for projection i, reused by later ones with the same dot_type), then each
  // thread takes row chunks, multiplies them, adds the bias there and runs `epilogue` on them (groups
  // with an epilogue must have equal row counts).
  // Groups hold at most three projections (the slots of s_.act).
  void ProjectGroup(const float* x, int64_t cols, std::initializer_list<Projection> group,
                    Epilogue epilogue = NoEpilogue) {
    const Projection* ps = group.begin();
    const int count = static_cast<int>(std::min<size_t>(group.size(), 3));
    const uint8_t* act[3] = {nullptr, nullptr, nullptr};
    for (int i = 0; i < count; ++i) {
      const GgmlType dot_type = kt_.format(ps[i].w->type).dot_type;
      for (int j = 0; j < i && act[i] == nullptr; ++j) {
        if (kt_.format(ps[j].w->type).dot_type == dot_type) act[i] = act[j];
      }
      if (act[i] != nullptr) continue;
      uint8_t* slot = s_.act.data() + static_cast<size_t>(i) * s_.act_slot;
      const WeightMatrix& w = *ps[i].w;
      PerToken([&](int64_t b, int64_t e) {
        kernels::QuantizeActivations(kt_, w.type, x, cols, cols, b, e, slot);
      });
      act[i] = slot;
    }
    // Work items are row chunks handed out dynamically: threads sharing memory bandwidth progress at
    // different speeds, and a static split left one waiting at the end of every job. With equal row
    // counts (gate/up, single projections) an item covers the same rows of every matrix, so the
    // epilogue can run on it; otherwise (Q/K/V) the items of the matrices follow one another.
    bool same_rows = true;
    for (int i = 1; i < count; ++i) same_rows = same_rows && ps[i].w->rows == ps[0].w->rows;
    int64_t chunk[3], n_chunks[3], total = 0;
    for (int i = 0; i < count; ++i) {
      const int64_t rows = ps[i].w->rows;
      const int64_t target = rows / (pool_.n_threads() * kChunksPerThread);
      chunk[i] = std::max(kRowAlign, (target + kRowAlign - 1) / kRowAlign * kRowAlign);
      n_chunks[i] = (rows + chunk[i] - 1) / chunk[i];
      if (!same_rows || i == 0) total += n_chunks[i];
    }
    const auto project = [&](int i, int64_t c) {
      const Projection& p = ps[i];
      const int64_t rows = p.w->rows;
      const int64_t b = c * chunk[i];
      const int64_t e = std::min(rows, b + chunk[i]);
      kernels::MatMulRows(kt_, *p.w, act[i], n_, p.y, rows, b, e);
      if (p.bias != nullptr) {
        for (int64_t t = 0; t < n_; ++t) ops_.add(p.y + t * rows + b, p.bias + b, e - b, p.y + t * rows + b);
      }
    };
    std::atomic<int64_t> next{0};
    pool_.Run([&](int, int) {
      for (int64_t item = next.fetch_add(1, std::memory_order_relaxed); item < total;
           item = next.fetch_add(1, std::memory_order_relaxed)) {
        if (same_rows) {
          for (int i = 0; i < count; ++i) project(i, item);
          epilogue(item * chunk[0], std::min(ps[0].w->rows, (item + 1) * chunk[0]));
        } else {
          int i = 0;
          int64_t c = item;
          while (c >= n_chunks[i]) c -= n_chunks[i++];
          project(i, c);
        }
      }
    });
  }

  // Adds rows [b, e) of proj into the residual stream for the n_ tokens from t0.
  void AddResidual(int64_t b, int64_t e, int64_t t0 = 0) {
    for (int64_t t = t0; t < t0 + n_; ++t) {
      float* xt = &s_.x[t * c_.n_embd];
      ops_.add(xt + b, &s_.proj[t * c_.n_embd + b], e - b, xt + b);
    }
  }

  void Attention(int64_t il) {
    const LayerWeights& l = w_.layers[static_cast<size_t>(il)];
    Norm(l.attn_norm, s_.xn.data(), s_.x.data());
    ProjectGroup(s_.xn.data(), c_.n_embd,
                 {{&l.wq, s_.q.data(), l.bq}, {&l.wk, s_.k.data(), l.bk}, {&l.wv, s_.v.data(), l.bv}});

    const int64_t hd = c_.head_dim_k;
    const int half = c_.rope.n_rot / 2;
    const bool neox = c_.arch->rope_style == kernels::RopeStyle::kNeox;
    const kernels::QuantizeRowFn to_f16 = kt_.format(GgmlType::kF16).quantize_row;
    PerToken([&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) {
        const float* cos_t = &s_.rope_cos[t * half];
        const float* sin_t = &s_.rope_sin[t * half];
        for (int64_t h = 0; h < c_.n_head; ++h) {
          float* qh = &s_.q[t * c_.q_dim() + h * hd];
          if (l.q_norm != nullptr) ops_.rms_norm(qh, l.q_norm, hd, c_.rms_eps, qh);
          ops_.rope(qh, c_.rope.n_rot, neox, cos_t, sin_t);
        }
        for (int64_t h = 0; h < c_.n_head_kv; ++h) {
          float* kh = &s_.k[t * c_.k_dim() + h * hd];
          if (l.k_norm != nullptr) ops_.rms_norm(kh, l.k_norm, hd, c_.rms_eps, kh);
          ops_.rope(kh, c_.rope.n_rot, neox, cos_t, sin_t);
        }
        // The cache holds K and V rounded to F16, as llama.cpp's default cache type does.
        to_f16(&s_.k[t * c_.k_dim()], cache_.k(il, req_.pos0 + t), c_.k_dim());
        to_f16(&s_.v[t * c_.v_dim()], cache_.v(il, req_.pos0 + t), c_.v_dim());
      }
    });

    // Causal attention in tiles: one item per (a few consecutive tokens, KV head) whose rows are the GQA
    // heads of those tokens, so a tiled kernel converts each block of keys and values once for all of
    // them. Latest (costliest) tiles first, handed out dynamically so threads finish together. The last
    // layer needs only the rows that reach the output.
    const int64_t hdv = c_.head_dim_v;
    const int64_t group = c_.n_head / c_.n_head_kv;
    const int64_t n_out = il == c_.n_layer - 1 && !req_.all_logits ? 1 : n_;
    const int64_t tile = std::max<int64_t>(1, kernels::kAttendTileRows / group);
    const int64_t items = (n_out + tile - 1) / tile * c_.n_head_kv;
    const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
    const uint16_t* k0 = cache_.k(il, 0);
    const uint16_t* v0 = cache_.v(il, 0);
    const size_t k_row = static_cast<size_t>(cache_.k_row());
    const size_t v_row = static_cast<size_t>(cache_.v_row());
    std::atomic<int64_t> next{0};
    pool_.Run([&](int, int) {
      absl::InlinedVector<const float*, 2 * kernels::kAttendTileRows> q_rows;
      absl::InlinedVector<float*, 2 * kernels::kAttendTileRows> out_rows;
      absl::InlinedVector<int64_t, 2 * kernels::kAttendTileRows> n_kv;
      for (int64_t item = next.fetch_add(1, std::memory_order_relaxed); item < items;
           item = next.fetch_add(1, std::memory_order_relaxed)) {
        const int64_t kvh = item % c_.n_head_kv;
        const int64_t t_end = n_ - item / c_.n_head_kv * tile;
        const int64_t t_begin = std::max(n_ - n_out, t_end - tile);
        q_rows.clear();
        out_rows.clear();
        n_kv.clear();
        for (int64_t t = t_begin; t < t_end; ++t) {
          for (int64_t h = kvh * group; h < (kvh + 1) * group; ++h) {
            q_rows.push_back(&s_.q[t * c_.q_dim() + h * hd]);
            out_rows.push_back(&s_.attn[t * c_.n_head * hdv + h * hdv]);
            n_kv.push_back(req_.pos0 + t + 1);
          }
        }
        const uint16_t* k = k0 + kvh * hd;
        const uint16_t* v = v0 + kvh * hdv;
        const int64_t rows = static_cast<int64_t>(q_rows.size());
        if (ops_.attend_rows != nullptr) {
          ops_.attend_rows(q_rows.data(), rows, n_kv.data(), k, k_row, v, v_row, hd, hdv, scale, out_rows.data());
        } else {
          for (int64_t r = 0; r < rows; ++r) {
            ops_.attend(q_rows[r], k, k_row, v, v_row, n_kv[r], hd, hdv, scale, out_rows[r]);
          }
        }
      }
    });
  }

  // When only the last token's logits are wanted, moves its rows to row 0 and drops the others.
  void KeepOnlyLastRow() {
    if (req_.all_logits || n_ == 1) return;
    const int64_t last = n_ - 1;
    const int64_t attn_width = c_.n_head * c_.head_dim_v;
    std::copy_n(&s_.x[last * c_.n_embd], c_.n_embd, s_.x.data());
    std::copy_n(&s_.attn[last * attn_width], attn_width, s_.attn.data());
    n_ = 1;
  }

  void AttentionOutput(int64_t il) {
    const LayerWeights& l = w_.layers[static_cast<size_t>(il)];
    ProjectGroup(s_.attn.data(), c_.n_head * c_.head_dim_v, {{&l.wo, s_.proj.data(), nullptr}},
                 [&](int64_t b, int64_t e) { AddResidual(b, e); });
  }

  void FeedForward(int64_t il) {
    const LayerWeights& l = w_.layers[static_cast<size_t>(il)];
    Norm(l.ffn_norm, s_.xn.data(), s_.x.data());
    const int64_t n_ff = c_.n_ff;
    const int64_t n_all = n_;
    for (int64_t t0 = 0; t0 < n_all; t0 += kFfnSlice) {
      n_ = std::min(kFfnSlice, n_all - t0);  // ProjectGroup and AddResidual work on n_ rows.
      ProjectGroup(&s_.xn[t0 * c_.n_embd], c_.n_embd,
                   {{&l.w_gate, s_.gate.data(), nullptr}, {&l.w_up, s_.up.data(), nullptr}},
                   [&](int64_t b, int64_t e) {
                     for (int64_t t = 0; t < n_; ++t) {
                       ops_.silu_mul(&s_.gate[t * n_ff + b], &s_.up[t * n_ff + b], e - b,
                                     &s_.gate[t * n_ff + b]);
                     }
                   });
      ProjectGroup(s_.gate.data(), n_ff, {{&l.w_down, &s_.proj[t0 * c_.n_embd], nullptr}},
                   [&](int64_t b, int64_t e) { AddResidual(b, e, t0); });
    }
    n_ = n_all;
  }

  // The rows left (all tokens with all_logits, else the last one) through the output norm and the
  // vocabulary projection, split evenly over the threads.
  void Output() {
    Norm(w_.output_norm, s_.xn.data(), s_.x.data());
    ProjectGroup(s_.xn.data(), c_.n_embd, {{&w_.output, req_.logits, nullptr}});
  }

  const ModelConfig& c_;
  const ModelWeights& w_;
  const kernels::KernelTable& kt_;
  const FloatOps ops_;
  const ForwardRequest& req_;
  int64_t n_;  // Rows in flight: the batch, then 1 after the last attention if only the last logits count.
  KvCache& cache_;
  ForwardScratch& s_;
  ThreadPool& pool_;
};

size_t ActivationBytes(const ModelView& m, const WeightMatrix& w, int64_t max_batch) {
  return kernels::ActivationBytes(*m.kernels, w.type, w.cols, max_batch);
}

}  // namespace

ForwardScratch::ForwardScratch(const ModelView& model, int64_t max_batch)
    : max_batch_(max_batch) {
  const ModelConfig& c = *model.config;
  const auto rows = [&](int64_t width) { return static_cast<size_t>(max_batch * width); };
  x.resize(rows(c.n_embd));
  xn.resize(rows(c.n_embd));
  q.resize(rows(c.q_dim()));
  k.resize(rows(c.k_dim()));
  v.resize(rows(c.v_dim()));
  attn.resize(rows(c.n_head * c.head_dim_v));
  proj.resize(rows(c.n_embd));
  gate.resize(static_cast<size_t>(std::min(max_batch, kFfnSlice) * c.n_ff));
  up.resize(static_cast<size_t>(std::min(max_batch, kFfnSlice) * c.n_ff));
  rope_cos.resize(rows(c.rope.n_rot / 2));
  rope_sin.resize(rows(c.rope.n_rot / 2));
  // Slots 1 and 2 only serve fused groups (Q/K/V, gate/up), whose input is n_embd wide; slot 0 must
  // also hold the widest single projection's input.
  size_t largest = ActivationBytes(model, model.weights->output, max_batch);
  for (const LayerWeights& l : model.weights->layers) {
    for (const WeightMatrix* w : {&l.wq, &l.wk, &l.wv, &l.w_gate, &l.w_up}) {
      act_slot = std::max(act_slot, ActivationBytes(model, *w, max_batch));
    }
    largest = std::max(largest, ActivationBytes(model, l.wo, max_batch));
    largest = std::max(largest, ActivationBytes(model, l.w_down, std::min(max_batch, kFfnSlice)));
  }
  act.resize(std::max(largest, 3 * act_slot));
}

absl::Status Forward(const ModelView& model, const ForwardRequest& request, KvCache& cache,
                     ForwardScratch& scratch, ThreadPool& pool) {
  return Pass(model, request, cache, scratch, pool).Run();
}

}  // namespace hearth::model
