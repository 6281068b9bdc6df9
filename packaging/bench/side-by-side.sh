#!/usr/bin/env bash
# EdgeLLM side by side with llama.cpp and ONNX Runtime GenAI on the DeepSeek-R1-Distill-Qwen-1.5B shape
# (synthetic weights, real tokenizer), from a clean checkout:
#   build -> synth the checkpoint (or reuse one) -> EdgeLLM int4 (default settings) and GGUF Q4_0 of the
#   same weights (edgellm gguf export) -> rounds of EdgeLLM, llama.cpp, ORT GenAI, each run in its own
#   fresh process with the same threads, prompt ids and generated tokens -> per-round ratios, medians.
# The last line is always: decode_ratio=X prompt_ratio=Y rss_ratio=Z ttft_ratio=W  (EdgeLLM / llama.cpp;
# above 1 is better for the speeds, below 1 is better for RSS and TTFT).
#
# Usage: bash packaging/bench/side-by-side.sh [--rounds 5] [--threads 2] [--prompt-tokens 128]
#          [--gen-tokens 64] [--engine auto|cpu|onnx] [--depth N] [--quality [--quality-tokens 64]] [--no-genai]
#          [--llama-bench PATH] [--libllama PATH]
#   --engine         EdgeLLM's engine (default auto); unless onnx, EdgeLLM with --engine onnx on the same folder runs
#                    in every round too and the onnx_engine_*_ratio line compares the two
#   --depth N        first a second comparison of decode after an N-token prompt (llama-bench -d N), printed before
#                    the main one as depth_decode_ratio=...
#   --same-weights [TYPE]  EdgeLLM runs the import (edgellm quantize file.gguf) of the very GGUF llama.cpp runs
#                    (TYPE q4_0, the default, or q4_k_m made by llama.cpp's quantizer), so the two compute with
#                    identical weights and the ratios carry no quality difference
#   --quality        first: KL of EdgeLLM int4 vs EdgeLLM fp32, llama.cpp Q4_0 and Q4_K_M vs llama.cpp f16, on
#                    the 1.5B shape and the three tiny fixture models (minutes; converts fp32 and f16 copies)
#   --llama-bench    also run a natively built llama-bench (-o json) in every round
#   --libllama       use a natively built libllama.so instead of LLamaSharp 0.30.0's bundled llama.cpp
# Environment: EDGELLM_BENCH_CHECKPOINT  an existing Hugging Face checkpoint of the shape (read only)
#              EDGELLM_BENCH_INT4        an existing EdgeLLM int4 folder converted from it with default settings
#              EDGELLM_BENCH_OUT         where converted files go (default out/bench)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds=5 threads=2 prompt_tokens=128 gen_tokens=64 quality_tokens=64 quality=0 genai=1 llama_bench="" libllama="" engine=auto depth=0 same_weights=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --prompt-tokens) prompt_tokens="$2"; shift 2 ;;
    --gen-tokens) gen_tokens="$2"; shift 2 ;;
    --quality) quality=1; shift ;;
    --engine) engine="$2"; shift 2 ;;
    --depth) depth="$2"; shift 2 ;;
    --same-weights)
      if [[ "${2:-}" == q4_0 || "${2:-}" == q4_k_m ]]; then same_weights="$2"; shift 2; else same_weights=q4_0; shift; fi ;;
    --quality-tokens) quality_tokens="$2"; shift 2 ;;
    --no-genai) genai=0; shift ;;
    --llama-bench) llama_bench="$(realpath "$2")"; shift 2 ;;
    --libllama) libllama="$(realpath "$2")"; shift 2 ;;
    *) echo "side-by-side.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
out="${EDGELLM_BENCH_OUT:-$root/out/bench}"
shape=r1-distill-qwen-1.5b
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v dotnet >/dev/null || { echo "side-by-side.sh: the .NET 10 SDK is needed (dotnet not on PATH)" >&2; exit 1; }

bash tests/prepare.sh >&2
dotnet build src/EdgeLLM.Cli -c Release -v quiet -nologo >&2
dotnet build packaging/bench/EdgeLLM.SideBySide -c Release -v quiet -nologo >&2
edgellm_dll="$root/src/EdgeLLM.Cli/bin/Release/net10.0/edgellm.dll"
edgellm() { dotnet "$edgellm_dll" "$@"; }
harness() { dotnet "$root/packaging/bench/EdgeLLM.SideBySide/bin/Release/net10.0/EdgeLLM.SideBySide.dll" "$@"; }
mkdir -p "$out"

tokenizer_of() { case "$1" in tiny-llama31) echo llama31 ;; tiny-qwen3) echo qwen3 ;; *) echo r1-distill-qwen ;; esac; }

# checkpoint NAME -> path of its Hugging Face checkpoint (synthesized once)
checkpoint() {
  local name="$1" folder="$out/$1-synthetic-hf"
  if [[ "$name" == "$shape" && -n "${EDGELLM_BENCH_CHECKPOINT:-}" ]]; then echo "$EDGELLM_BENCH_CHECKPOINT"; return; fi
  if [[ ! -f "$folder/config.json" ]]; then
    edgellm synth --shape "$name" --tokenizer "tests/.tokenizers/$(tokenizer_of "$name")" -o "$folder" --force >&2
  fi
  echo "$folder"
}

# edgellm_model NAME PRECISION [LOGITS] -> EdgeLLM folder converted with default settings for that precision
# (logits last, what generation runs, unless LOGITS is all: teacher-forced quality needs every position)
edgellm_model() {
  local name="$1" precision="$2" logits="${3:-last}" folder="$out/models/$1-$2-logits-${3:-last}"
  if [[ "$name" == "$shape" && "$precision" == int4 && "$logits" == last && -n "${EDGELLM_BENCH_INT4:-}" ]]; then echo "$EDGELLM_BENCH_INT4"; return; fi
  if ! edgellm verify "$folder" >/dev/null 2>&1; then
    edgellm quantize "$(checkpoint "$name")" -o "$folder" --precision "$precision" --logits "$logits" --quiet --force >&2
  fi
  echo "$folder"
}

# gguf NAME TYPE -> GGUF file: f16/q8_0/q4_0 by edgellm gguf export, k-quants by llama.cpp's quantizer from our f16
gguf() {
  local name="$1" type="$2" file="$out/$1-$2.gguf"
  if [[ ! -s "$file" ]]; then
    case "$type" in
      f16|q8_0|q4_0) edgellm gguf export "$(checkpoint "$name")" -o "$file" --type "$type" --force >&2 ;;
      *) harness quantize-gguf --input "$(gguf "$name" f16)" --output "$file" --type "$type" --threads "$threads" ${libllama:+--libllama "$libllama"} >&2 ;;
    esac
  fi
  echo "$file"
}

if [[ "$quality" == 1 ]]; then
  echo "== quality: KL of each quantized model against its own full precision, the same $quality_tokens seeded token ids (teacher-forced)"
  for name in tiny-r1-qwen2 tiny-llama31 tiny-qwen3 "$shape"; do
    echo "-- $name"
    harness quality --vocab-from "$(edgellm_model "$name" int4 all)" --prompt-tokens "$quality_tokens" --threads "$threads" \
      --edgellm-reference "$(edgellm_model "$name" fp32 all)" --edgellm-quantized "$(edgellm_model "$name" int4 all)" \
      --gguf-reference "$(gguf "$name" f16)" --gguf-quantized "$(gguf "$name" q4_0),$(gguf "$name" q4_k_m)" \
      ${libllama:+--libllama "$libllama"}
  done
  echo
fi

if [[ -n "$same_weights" ]]; then
  # llama.cpp runs the GGUF, EdgeLLM its import: the same quantized blocks on both sides.
  q4_0="$(gguf "$shape" "$same_weights")"
  int4="$out/models/$shape-$same_weights-import"
  if ! edgellm verify "$int4" >/dev/null 2>&1; then
    edgellm quantize "$q4_0" -o "$int4" --quiet --force >&2
  fi
else
  int4="$(edgellm_model "$shape" int4)"
  q4_0="$(gguf "$shape" q4_0)"
fi
onnx_too=()
[[ "$engine" == onnx ]] || onnx_too=(--onnx-engine-too)
if [[ "$depth" -gt 0 ]]; then
  echo "== at depth $depth: decode after a $depth-token prompt, $int4 (--engine $engine) vs $q4_0, $rounds rounds, $threads threads, tg$gen_tokens"
  harness alternate --edgellm "$edgellm_dll" --edgellm-model "$int4" --gguf "$q4_0" --rounds "$rounds" --threads "$threads" \
    --prompt-tokens "$depth" --gen-tokens "$gen_tokens" --engine "$engine" --depth "$depth" "${onnx_too[@]}" --no-genai \
    ${libllama:+--libllama "$libllama"} ${llama_bench:+--llama-bench "$llama_bench"} | sed 's/^decode_ratio=/depth_decode_ratio=/'
  echo
fi
echo "== side by side: $int4 (--engine $engine) vs $q4_0, $rounds rounds, $threads threads, pp$prompt_tokens, tg$gen_tokens"
harness alternate --edgellm "$edgellm_dll" --edgellm-model "$int4" --gguf "$q4_0" --rounds "$rounds" --threads "$threads" \
  --prompt-tokens "$prompt_tokens" --gen-tokens "$gen_tokens" --engine "$engine" "${onnx_too[@]}" \
  ${libllama:+--libllama "$libllama"} ${llama_bench:+--llama-bench "$llama_bench"} $([[ "$genai" == 1 ]] || echo --no-genai)
