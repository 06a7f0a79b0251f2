#include "lib/model/forward.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "kernels/formats/fp16.h"
#include "kernels/ops/float_ops.h"
#include "kernels/ops/matmul.h"

namespace hearth::model {
namespace {

using kernels::WeightMatrix;

// One projection of a batch: y = W x, optionally + bias per row.
struct Projection {
  const WeightMatrix* w;
  float* y;
  const float* bias;
};

class Pass {
 public:
  Pass(const ModelView& model, const ForwardRequest& request, KvCache& cache, ForwardScratch& s,
       ThreadPool& pool)
      : c_(*model.config),
        w_(*model.weights),
        kt_(*model.kernels),
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
      FeedForward(il);
    }
    Output();
    return absl::OkStatus();
  }

 private:
  void Embed() {
    const WeightMatrix& e = w_.token_embd;
    const kernels::DequantizeRowFn dequantize = kt_.format(e.type).dequantize_row;
    pool_.ParallelFor(n_, [&](int64_t b, int64_t end) {
      for (int64_t t = b; t < end; ++t) {
        dequantize(e.row(req_.tokens[static_cast<size_t>(t)]), &s_.x[t * c_.n_embd], c_.n_embd);
      }
    });
  }

  void PrepareRope() {
    const int half = c_.rope.n_rot / 2;
    for (int64_t t = 0; t < n_; ++t) {
      kernels::RopeCosSin(c_.rope, req_.pos0 + t, w_.rope_freqs, &s_.rope_cos[t * half],
                          &s_.rope_sin[t * half]);
    }
  }

  void Norm(const float* weight, float* out, int64_t width, const float* in) {
    for (int64_t t = 0; t < n_; ++t) {
      kernels::RmsNorm(in + t * width, weight, width, c_.rms_eps, out + t * width);
    }
  }

  // Runs projections that share the input `x` (row width = cols of each W), converting x into each
  // weight's dot_type only when it differs from the previous one.
  void Project(const float* x, std::initializer_list<Projection> projections) {
    GgmlType converted = GgmlType::kF32;
    bool have = false;
    for (const Projection& p : projections) {
      const WeightMatrix& w = *p.w;
      const GgmlType dot_type = kt_.format(w.type).dot_type;
      if (!have || dot_type != converted) {
        pool_.ParallelFor(n_, [&](int64_t b, int64_t e) {
          kernels::QuantizeActivations(kt_, w.type, x, w.cols, w.cols, b, e, s_.act.data());
        });
        converted = dot_type;
        have = true;
      }
      pool_.ParallelFor(w.rows, [&](int64_t b, int64_t e) {
        kernels::MatMulRows(kt_, w, s_.act.data(), n_, p.y, w.rows, b, e);
      });
      if (p.bias != nullptr) {
        for (int64_t t = 0; t < n_; ++t) kernels::Add(p.y + t * w.rows, p.bias, w.rows, p.y + t * w.rows);
      }
    }
  }

  void Attention(int64_t il) {
    const LayerWeights& l = w_.layers[static_cast<size_t>(il)];
    Norm(l.attn_norm, s_.xn.data(), c_.n_embd, s_.x.data());
    Project(s_.xn.data(), {{&l.wq, s_.q.data(), l.bq}, {&l.wk, s_.k.data(), l.bk},
                           {&l.wv, s_.v.data(), l.bv}});

    const int64_t hd = c_.head_dim_k;
    const int half = c_.rope.n_rot / 2;
    const kernels::RopeStyle style = c_.arch->rope_style;
    for (int64_t t = 0; t < n_; ++t) {
      const float* cos_t = &s_.rope_cos[t * half];
      const float* sin_t = &s_.rope_sin[t * half];
      for (int64_t h = 0; h < c_.n_head; ++h) {
        float* qh = &s_.q[t * c_.q_dim() + h * hd];
        if (l.q_norm != nullptr) kernels::RmsNorm(qh, l.q_norm, hd, c_.rms_eps, qh);
        kernels::ApplyRope(qh, c_.rope.n_rot, style, cos_t, sin_t);
      }
      for (int64_t h = 0; h < c_.n_head_kv; ++h) {
        float* kh = &s_.k[t * c_.k_dim() + h * hd];
        if (l.k_norm != nullptr) kernels::RmsNorm(kh, l.k_norm, hd, c_.rms_eps, kh);
        kernels::ApplyRope(kh, c_.rope.n_rot, style, cos_t, sin_t);
      }
      // The cache holds K and V rounded to F16, as llama.cpp's default cache type does.
      uint16_t* kc = cache_.k(il, req_.pos0 + t);
      uint16_t* vc = cache_.v(il, req_.pos0 + t);
      for (int64_t i = 0; i < c_.k_dim(); ++i) kc[i] = Fp32ToFp16(s_.k[t * c_.k_dim() + i]);
      for (int64_t i = 0; i < c_.v_dim(); ++i) vc[i] = Fp32ToFp16(s_.v[t * c_.v_dim() + i]);
    }

    // One work item per (token, head); each thread uses its own scores and query rows.
    const int64_t items = n_ * c_.n_head;
    pool_.Run([&](int thread, int n_threads) {
      int64_t b, e;
      ThreadPool::SplitRange(items, thread, n_threads, &b, &e);
      float* scores = &s_.scores[static_cast<size_t>(thread) * cache_.n_ctx()];
      uint16_t* q16 = &s_.q16[static_cast<size_t>(thread) * hd];
      for (int64_t item = b; item < e; ++item) AttendOne(il, item / c_.n_head, item % c_.n_head, scores, q16);
    });

    Project(s_.attn.data(), {{&l.wo, s_.proj.data(), nullptr}});
    for (int64_t t = 0; t < n_; ++t) {
      float* xt = &s_.x[t * c_.n_embd];
      kernels::Add(xt, &s_.proj[t * c_.n_embd], c_.n_embd, xt);
    }
  }

  // Causal attention of token t's head h over cache positions [0, pos0 + t]: scores K.q in f32 from F16
  // K and the query rounded to F16, scaled by 1/sqrt(head_dim), softmax in f32, V summed in f32.
  void AttendOne(int64_t il, int64_t t, int64_t h, float* scores, uint16_t* q16) {
    const int64_t hd = c_.head_dim_k;
    const int64_t hdv = c_.head_dim_v;
    const int64_t kvh = h / (c_.n_head / c_.n_head_kv);
    const int64_t n_kv = req_.pos0 + t + 1;
    const float* q = &s_.q[t * c_.q_dim() + h * hd];
    const kernels::FormatKernels& f16 = kt_.format(GgmlType::kF16);
    f16.quantize_row(q, q16, hd);
    const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
    for (int64_t j = 0; j < n_kv; ++j) {
      scores[j] = f16.vec_dot(hd, cache_.k(il, j) + kvh * hd, q16) * scale;
    }
    kernels::Softmax(scores, n_kv);
    float* out = &s_.attn[t * c_.n_head * hdv + h * hdv];
    std::fill(out, out + hdv, 0.0f);
    for (int64_t j = 0; j < n_kv; ++j) {
      const float p = scores[j];
      const uint16_t* vj = cache_.v(il, j) + kvh * hdv;
      for (int64_t d = 0; d < hdv; ++d) out[d] += p * Fp16ToFp32(vj[d]);
    }
  }

  void FeedForward(int64_t il) {
    const LayerWeights& l = w_.layers[static_cast<size_t>(il)];
    Norm(l.ffn_norm, s_.xn.data(), c_.n_embd, s_.x.data());
    Project(s_.xn.data(), {{&l.w_gate, s_.gate.data(), nullptr}, {&l.w_up, s_.up.data(), nullptr}});
    for (int64_t t = 0; t < n_; ++t) {
      kernels::SiluMul(&s_.gate[t * c_.n_ff], &s_.up[t * c_.n_ff], c_.n_ff, &s_.gate[t * c_.n_ff]);
    }
    Project(s_.gate.data(), {{&l.w_down, s_.proj.data(), nullptr}});
    for (int64_t t = 0; t < n_; ++t) {
      float* xt = &s_.x[t * c_.n_embd];
      kernels::Add(xt, &s_.proj[t * c_.n_embd], c_.n_embd, xt);
    }
  }

  void Output() {
    // Only the rows whose logits are wanted go through the output norm and vocabulary projection.
    const int64_t first = req_.all_logits ? 0 : n_ - 1;
    const int64_t rows = n_ - first;
    const WeightMatrix& out = w_.output;
    for (int64_t t = 0; t < rows; ++t) {
      kernels::RmsNorm(&s_.x[(first + t) * c_.n_embd], w_.output_norm, c_.n_embd, c_.rms_eps,
                       &s_.xn[t * c_.n_embd]);
    }
    pool_.ParallelFor(rows, [&](int64_t b, int64_t e) {
      kernels::QuantizeActivations(kt_, out.type, s_.xn.data(), c_.n_embd, c_.n_embd, b, e,
                                   s_.act.data());
    });
    pool_.ParallelFor(out.rows, [&](int64_t b, int64_t e) {
      kernels::MatMulRows(kt_, out, s_.act.data(), rows, req_.logits, c_.n_vocab, b, e);
    });
  }

  const ModelConfig& c_;
  const ModelWeights& w_;
  const kernels::KernelTable& kt_;
  const ForwardRequest& req_;
  const int64_t n_;
  KvCache& cache_;
  ForwardScratch& s_;
  ThreadPool& pool_;
};

size_t MaxActivationBytes(const ModelView& m, int64_t max_batch) {
  size_t bytes = 0;
  auto consider = [&](const WeightMatrix& w) {
    bytes = std::max(bytes, kernels::ActivationBytes(*m.kernels, w.type, w.cols, max_batch));
  };
  consider(m.weights->output);
  for (const LayerWeights& l : m.weights->layers) {
    for (const WeightMatrix* w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) consider(*w);
  }
  return bytes;
}

}  // namespace

ForwardScratch::ForwardScratch(const ModelView& model, int64_t max_batch, int64_t n_ctx, int n_threads)
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
  gate.resize(rows(c.n_ff));
  up.resize(rows(c.n_ff));
  rope_cos.resize(rows(c.rope.n_rot / 2));
  rope_sin.resize(rows(c.rope.n_rot / 2));
  act.resize(MaxActivationBytes(model, max_batch));
  const size_t threads = static_cast<size_t>(std::max(1, n_threads));
  scores.resize(threads * static_cast<size_t>(n_ctx));
  q16.resize(threads * static_cast<size_t>(c.head_dim_k));
}

absl::Status Forward(const ModelView& model, const ForwardRequest& request, KvCache& cache,
                     ForwardScratch& scratch, ThreadPool& pool) {
  return Pass(model, request, cache, scratch, pool).Run();
}

}  // namespace hearth::model
