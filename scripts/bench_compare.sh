#!/usr/bin/env bash
# Compares hearth's speed with llama.cpp's on the same GGUF files and prints a Markdown table.
#   scripts/bench_compare.sh --llama-bench PATH [--hearth PATH] [--membw PATH] [-t 2] [-r 5] [-p 512] [-n 128]
#                            [--rounds 1] MODEL.gguf...
# For each model it runs `hearth bench --json` and `llama-bench -o json` with the same -p/-n/-t/-r, alternating
# the two tools ROUNDS times (hearth, llama, hearth, llama, ...) so that machine noise hits both alike. With
# several rounds, the repetitions of all rounds are pooled into one mean and sample sd per tool.
# PATH is a prebuilt llama-bench binary: this script never builds or downloads llama.cpp.
# --membw PATH (../shared/tools/membw.c, compiled) measures read bandwidth with the same thread count right
# before each tool's run, and a second table gives decode speed as a share of its ceiling: bandwidth / weight
# bytes read per token (hearth's model_bytes), with the bandwidth taken in the same rounds.
# hearth defaults to $HEARTH_CLI, then `hearth` on PATH, then build/examples/hearth in this checkout.
set -euo pipefail

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LLAMA_BENCH=""
MEMBW=""
HEARTH="${HEARTH_CLI:-}"
THREADS=2
REPS=5
N_PROMPT=512
N_GEN=128
ROUNDS=1
MODELS=()

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

while [ $# -gt 0 ]; do
  case "$1" in
    --llama-bench) [ $# -ge 2 ] || usage; LLAMA_BENCH="$2"; shift 2 ;;
    --hearth) [ $# -ge 2 ] || usage; HEARTH="$2"; shift 2 ;;
    --membw) [ $# -ge 2 ] || usage; MEMBW="$2"; shift 2 ;;
    -t|--threads) [ $# -ge 2 ] && is_uint "$2" || usage; THREADS="$2"; shift 2 ;;
    -r|--repetitions) [ $# -ge 2 ] && is_uint "$2" || usage; REPS="$2"; shift 2 ;;
    -p|--n-prompt) [ $# -ge 2 ] && is_uint "$2" || usage; N_PROMPT="$2"; shift 2 ;;
    -n|--n-gen) [ $# -ge 2 ] && is_uint "$2" || usage; N_GEN="$2"; shift 2 ;;
    --rounds) [ $# -ge 2 ] && is_uint "$2" || usage; ROUNDS="$2"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "bench_compare: unknown option $1" >&2; usage ;;
    *) MODELS+=("$1"); shift ;;
  esac
done

[ -n "$LLAMA_BENCH" ] || { echo "bench_compare: --llama-bench PATH is required" >&2; usage; }
[ ${#MODELS[@]} -gt 0 ] || { echo "bench_compare: no model given" >&2; usage; }
[ "$THREADS" -ge 1 ] && [ "$REPS" -ge 1 ] && [ "$ROUNDS" -ge 1 ] || usage
[ "$N_PROMPT" -gt 0 ] || [ "$N_GEN" -gt 0 ] || { echo "bench_compare: -p 0 and -n 0 measure nothing" >&2; usage; }
[ -x "$LLAMA_BENCH" ] || { echo "bench_compare: llama-bench not executable: $LLAMA_BENCH" >&2; exit 1; }
[ -z "$MEMBW" ] || [ -x "$MEMBW" ] || { echo "bench_compare: membw not executable: $MEMBW" >&2; exit 1; }
if [ -z "$HEARTH" ]; then
  if command -v hearth >/dev/null 2>&1; then HEARTH="$(command -v hearth)"; else HEARTH="$ROOT/build/examples/hearth"; fi
fi
[ -x "$HEARTH" ] || { echo "bench_compare: hearth CLI not found at $HEARTH (use --hearth PATH)" >&2; exit 1; }
for m in "${MODELS[@]}"; do
  [ -f "$m" ] || { echo "bench_compare: no such model file: $m" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# One line per run: TOOL<TAB>MODEL_INDEX<TAB>FILE with the tool's JSON output, or FAILED; with --membw also
# membw<TAB>MODEL_INDEX<TAB>GB/s.
runs="$tmp/runs.tsv"
: >"$runs"
measure_bandwidth() {
  [ -n "$MEMBW" ] || return 0
  local gbs
  gbs="$(OMP_NUM_THREADS="$THREADS" "$MEMBW" | sed -n 's/^read bandwidth: \([0-9.]*\) GB\/s.*/\1/p')"
  if [ -n "$gbs" ]; then printf 'membw\t%s\t%s\n' "$1" "$gbs" >>"$runs"; fi
}
for i in "${!MODELS[@]}"; do
  m="${MODELS[$i]}"
  for ((round = 0; round < ROUNDS; ++round)); do
    echo "bench_compare: $(basename "$m"): round $((round + 1))/$ROUNDS" >&2
    measure_bandwidth "$i"
    out="$tmp/hearth.$i.$round.json"
    if "$HEARTH" bench "$m" -p "$N_PROMPT" -n "$N_GEN" -t "$THREADS" -r "$REPS" --json >"$out" 2>"$out.err"; then
      printf 'hearth\t%s\t%s\n' "$i" "$out" >>"$runs"
    else
      echo "bench_compare: hearth failed on $m: $(tail -n 1 "$out.err")" >&2
      printf 'hearth\t%s\tFAILED\n' "$i" >>"$runs"
    fi
    measure_bandwidth "$i"
    out="$tmp/llama.$i.$round.json"
    if "$LLAMA_BENCH" -m "$m" -p "$N_PROMPT" -n "$N_GEN" -t "$THREADS" -r "$REPS" -o json >"$out" 2>"$out.err"; then
      printf 'llama\t%s\t%s\n' "$i" "$out" >>"$runs"
    else
      echo "bench_compare: llama-bench failed on $m: $(tail -n 1 "$out.err")" >&2
      printf 'llama\t%s\tFAILED\n' "$i" >>"$runs"
    fi
  done
done

cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
[ -n "$cpu" ] || cpu="$(uname -m)"
version="$("$HEARTH" version)"

python3 - "$runs" "$REPS" "$N_PROMPT" "$N_GEN" "$THREADS" "$cpu" "$version" "${MODELS[@]}" <<'EOF'
import json
import math
import os
import sys

runs_file, reps, n_prompt, n_gen, threads, cpu, version = sys.argv[1:8]
models = sys.argv[8:]
reps = int(reps)
tests = [("pp", int(n_prompt)), ("tg", int(n_gen))]
tests = [(kind, n) for kind, n in tests if n > 0]


def pool(results):
    """Pools (mean, sd) pairs of `reps` repetitions each into one mean and sample sd."""
    if not results:
        return None
    total = reps * len(results)
    mean = sum(m for m, _ in results) / len(results)
    ss = sum((reps - 1) * sd * sd + reps * (m - mean) ** 2 for m, sd in results)
    return mean, math.sqrt(ss / (total - 1)) if total > 1 else 0.0


def hearth_result(data, kind):
    entry = data.get(kind) or {}
    return (float(entry["tok_s"]), float(entry["sd"])) if entry.get("n", 0) > 0 else None


def llama_result(data, kind, n):
    for entry in data:
        pp, tg = int(entry.get("n_prompt", 0)), int(entry.get("n_gen", 0))
        if (kind == "pp" and pp == n and tg == 0) or (kind == "tg" and tg == n and pp == 0):
            return float(entry["avg_ts"]), float(entry["stddev_ts"])
    return None


collected = {}  # (tool, model index, kind) -> list of (mean, sd)
bandwidth = {}  # model index -> list of GB/s
model_bytes = {}  # model index -> weight bytes read per decoded token (hearth's model_bytes)
failed = set()
with open(runs_file) as f:
    for line in f:
        tool, index, path = line.rstrip("\n").split("\t")
        index = int(index)
        if tool == "membw":
            bandwidth.setdefault(index, []).append(float(path))
            continue
        if path == "FAILED":
            failed.add((tool, index))
            continue
        try:
            with open(path) as g:
                data = json.load(g)
        except (OSError, ValueError) as e:
            print(f"bench_compare: cannot parse {tool} output: {e}", file=sys.stderr)
            failed.add((tool, index))
            continue
        if tool == "hearth" and data.get("model_bytes"):
            model_bytes[index] = int(data["model_bytes"])
        for kind, n in tests:
            r = hearth_result(data, kind) if tool == "hearth" else llama_result(data, kind, n)
            if r is not None:
                collected.setdefault((tool, index, kind), []).append(r)


def fmt(r):
    return "failed" if r is None else f"{r[0]:.2f} ± {r[1]:.2f}"


def size(path):
    b = os.path.getsize(path)
    return f"{b / 2**30:.2f} GiB" if b >= 2**30 else f"{b / 2**20:.2f} MiB"


rounds = max((len(v) for v in collected.values()), default=0)
print(f"CPU: {cpu}")
print(f"{version}; threads {threads}; {reps} repetitions x {rounds} round(s) per tool")
print()
print("| model | file size | test | hearth t/s | llama.cpp t/s | ratio |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
status = 0
for index, model in enumerate(models):
    for kind, n in tests:
        h = pool(collected.get(("hearth", index, kind), []))
        l = pool(collected.get(("llama", index, kind), []))
        ratio = f"{h[0] / l[0]:.2f}" if h and l and l[0] > 0 else "-"
        if h is None or l is None:
            status = 1
        print(f"| {os.path.basename(model)} | {size(model)} | {kind}{n} | {fmt(h)} | {fmt(l)} | {ratio} |")
print()
print("ratio = hearth tok/s / llama.cpp tok/s (above 1: hearth is faster).")

if bandwidth and any(kind == "tg" for kind, _ in tests):
    n_gen = dict(tests)["tg"]
    print()
    print("| model | weight bytes/token | read bandwidth GB/s | ceiling t/s | hearth tg | of ceiling | llama.cpp tg | of ceiling |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for index, model in enumerate(models):
        bw, wb = bandwidth.get(index), model_bytes.get(index)
        if not bw or not wb:
            continue
        mean_bw = sum(bw) / len(bw)
        sd_bw = math.sqrt(sum((x - mean_bw) ** 2 for x in bw) / (len(bw) - 1)) if len(bw) > 1 else 0.0
        ceiling = mean_bw * 1e9 / wb
        h = pool(collected.get(("hearth", index, "tg"), []))
        l = pool(collected.get(("llama", index, "tg"), []))
        share = lambda r: "-" if r is None else f"{100 * r[0] / ceiling:.0f}%"
        print(f"| {os.path.basename(model)} | {wb / 1e6:.1f} MB | {mean_bw:.1f} ± {sd_bw:.1f} | {ceiling:.1f} | "
              f"{fmt(h)} | {share(h)} | {fmt(l)} | {share(l)} |")
    print()
    print(f"ceiling = mean read bandwidth ({len(next(iter(bandwidth.values())))} membw runs per model, "
          f"{threads} threads, taken before each tool's run) / weight bytes read per token.")
sys.exit(status)
EOF
