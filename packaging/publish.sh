#!/usr/bin/env bash
# Builds edgellm as one NativeAOT file for a runtime identifier: out/publish/<rid>/edgellm (edgellm.exe on
# Windows). ONNX Runtime's native library travels inside that file and is extracted, hash-checked, on first
# run (src/EdgeLLM.Runtime/Native). Invariant globalization (no ICU), NativeAOT's default instruction set
# (the x64 binary starts on CPUs without AVX/AVX2; ONNX Runtime picks its kernels at run time), symbols
# stripped into edgellm.dbg beside it (not needed to run). Settings: src/EdgeLLM.Cli/NativeAot.targets.
#
# Usage: bash packaging/publish.sh <rid> [extra dotnet publish arguments]
#   linux-x64    built here (clang; apt-get install clang)
#   linux-x64-v3 built here: the linux-x64 publish with -p:IlcInstructionSet=x86-64-v3
#   linux-x64-v4 built here: the same with -p:IlcInstructionSet=x86-64-v4 (AVX-512 CPUs: the AVX2 kernels compiled
#                with AVX-512 encodings and 32 vector registers)
#   linux-arm64  cross-compiled here from x64 with clang + lld and Debian's aarch64 cross toolchain
#                (apt-get install clang lld gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu)
#   win-x64      build on Windows (NativeAOT does not cross OS), with the Visual Studio C++ build tools, against
#                Microsoft.ML.OnnxRuntime.DirectML instead of Microsoft.ML.OnnxRuntime (DirectML provider):
#                  dotnet publish src/EdgeLLM.Cli -c Release -r win-x64 -p:PublishAot=true -o out/publish/win-x64
#                (swap the package in Directory.Packages.props / src/EdgeLLM.Runtime; DirectML.dll, from
#                Microsoft.AI.DirectML, then sits beside edgellm.exe)
#   osx-arm64    build on macOS with Xcode's command line tools:
#                  dotnet publish src/EdgeLLM.Cli -c Release -r osx-arm64 -p:PublishAot=true -o out/publish/osx-arm64
#
# The plain dotnet line this script runs (the same on every RID; the arm64 cross settings come from NativeAot.targets):
#   dotnet publish src/EdgeLLM.Cli -c Release -r linux-x64 -p:PublishAot=true -o out/publish/linux-x64
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

fail() { echo "publish.sh: error: $*" >&2; exit 1; }

rid="${1:-}"
[[ -n "$rid" ]] || fail "usage: bash packaging/publish.sh <linux-x64|linux-x64-v3|linux-x64-v4|linux-arm64> (win-x64 and osx-arm64 build on their own OS; see the comment at the top)"
shift
dotnet_rid="$rid"
instruction_set=()
case "$rid" in
  linux-x64 | linux-arm64) ;;
  linux-x64-v3) dotnet_rid=linux-x64; instruction_set=(-p:IlcInstructionSet=x86-64-v3) ;;
  linux-x64-v4) dotnet_rid=linux-x64; instruction_set=(-p:IlcInstructionSet=x86-64-v4) ;;
  win-x64 | win-arm64) fail "$rid needs Windows (NativeAOT does not cross OS): on Windows run 'dotnet publish src/EdgeLLM.Cli -c Release -r $rid -p:PublishAot=true -o out/publish/$rid' against Microsoft.ML.OnnxRuntime.DirectML" ;;
  osx-arm64 | osx-x64) fail "$rid needs macOS (NativeAOT does not cross OS): on a Mac run 'dotnet publish src/EdgeLLM.Cli -c Release -r $rid -p:PublishAot=true -o out/publish/$rid'" ;;
  *) fail "unknown runtime identifier '$rid' (linux-x64, linux-x64-v3, linux-x64-v4 or linux-arm64 here; win-x64 and osx-arm64 on their own OS)" ;;
esac
[[ "$(uname -s)" == "Linux" && "$(uname -m)" == "x86_64" ]] || fail "this script builds on Linux x64 (this is $(uname -s) $(uname -m)); use the dotnet publish line in its comment"

command -v dotnet >/dev/null || fail "the .NET 10 SDK is needed (dotnet not on PATH)"
command -v clang >/dev/null || fail "clang is needed to link NativeAOT binaries (apt-get install clang)"
if [[ "$rid" == "linux-arm64" ]]; then
  command -v ld.lld >/dev/null || fail "lld is needed to link linux-arm64 (apt-get install lld)"
  command -v aarch64-linux-gnu-objcopy >/dev/null || fail "aarch64-linux-gnu-objcopy is needed (apt-get install binutils-aarch64-linux-gnu)"
  [[ -f /usr/aarch64-linux-gnu/lib/crt1.o ]] || fail "the arm64 C library is needed (apt-get install libc6-dev-arm64-cross gcc-aarch64-linux-gnu)"
fi

output="$root/out/publish/$rid"
staging="$root/out/publish/.$rid.staging"
rm -rf "$staging"
dotnet publish src/EdgeLLM.Cli -c Release -r "$dotnet_rid" -p:PublishAot=true "${instruction_set[@]}" -o "$staging" -nologo -v minimal "$@"

[[ -x "$staging/edgellm" ]] || fail "dotnet publish wrote no $staging/edgellm"
extra="$(cd "$staging" && ls -A | grep -v -x -e edgellm -e edgellm.dbg || true)"
[[ -z "$extra" ]] || fail "the publish folder holds more than edgellm: ${extra//$'\n'/, } (every native library must be embedded)"

rm -rf "$output.old"
[[ -e "$output" ]] && mv "$output" "$output.old"
mv "$staging" "$output"
rm -rf "$output.old"
echo "publish.sh: $output/edgellm ($(stat -c %s "$output/edgellm") bytes)"
