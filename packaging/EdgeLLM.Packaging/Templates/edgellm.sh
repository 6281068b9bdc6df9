#!/bin/sh
# EdgeLLM USB kit launcher (POSIX sh). Starts the edgellm binary of this kit that fits this machine and
# passes every argument through, with the kit's models folder set. Run it as `sh edgellm.sh ...` or
# `bash edgellm.sh ...` when the stick has lost the execute bits (FAT32/exFAT): the binary is then copied
# once to a per-user cache where it may be executed.

kit_dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd -P) || { echo "edgellm.sh: cannot find the kit folder of '$0'" >&2; exit 1; }

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=osx ;;
  MINGW*|MSYS*|CYGWIN*) os=win ;;
  *) echo "edgellm.sh: this kit has no EdgeLLM for $(uname -s); on Windows run edgellm.cmd" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=x64 ;;
  aarch64|arm64) arch=arm64 ;;
  armv7*|armv6*|armhf|arm) echo "edgellm.sh: this is a 32-bit ARM system ($(uname -m)); EdgeLLM needs a 64-bit OS (Raspberry Pi OS 64-bit)" >&2; exit 1 ;;
  *) echo "edgellm.sh: no EdgeLLM build for the $(uname -m) processor" >&2; exit 1 ;;
esac
rid="$os-$arch"
name=edgellm
[ "$os" = win ] && name=edgellm.exe
# x64 Linux: the x86-64-v4 build (AVX-512 encodings) or else the x86-64-v3 build (AVX2 kernels in the CPU engine) where
# the kit carries it and the CPU and the kernel enable every feature of that level (the binary would refuse to start
# otherwise: Linux lists a feature in /proc/cpuinfo only where it enabled it); the baseline build everywhere else.
has_features() {
  for feature in "$@"; do
    case "$flags" in
      *" $feature "*) ;;
      *) return 1 ;;
    esac
  done
}
if [ "$rid" = linux-x64 ] && [ -r /proc/cpuinfo ]; then
  flags=" $(grep -m 1 '^flags' /proc/cpuinfo | cut -d ':' -f 2) "
  if has_features avx avx2 bmi1 bmi2 f16c fma abm movbe xsave; then
    if [ -f "$kit_dir/bin/linux-x64-v4/$name" ] && has_features avx512f avx512bw avx512cd avx512dq avx512vl; then
      rid=linux-x64-v4
    elif [ -f "$kit_dir/bin/linux-x64-v3/$name" ]; then
      rid=linux-x64-v3
    fi
  fi
fi
binary="$kit_dir/bin/$rid/$name"
if [ ! -f "$binary" ]; then
  echo "edgellm.sh: this kit has no binary for $rid ($binary); it has: $(ls "$kit_dir/bin" 2>/dev/null | tr '\n' ' ')" >&2
  exit 1
fi

EDGELLM_MODELS="$kit_dir/models"
EDGELLM_KIT="$kit_dir"
export EDGELLM_MODELS EDGELLM_KIT

# The binary runs in place when the stick allows it.
if [ -x "$binary" ]; then
  exec "$binary" "$@"
fi

# No execute bit (FAT32/exFAT, noexec mount): run a copy from a per-user cache, made once per binary version.
sum=$(cksum < "$binary" | cut -d ' ' -f 1)
# The per-user cache is the one the binary uses too: $EDGELLM_CACHE_DIR, else $XDG_CACHE_HOME/edgellm (absolute only).
case "${XDG_CACHE_HOME:-}" in /*) user_cache="$XDG_CACHE_HOME/edgellm" ;; *) user_cache="${HOME:-/nonexistent}/.cache/edgellm" ;; esac
user_cache="${EDGELLM_CACHE_DIR:-$user_cache}"
for cache in "$user_cache/kit-bin" "${TMPDIR:-/tmp}/edgellm-$(id -u)/kit-bin"; do
  copy_dir="$cache/$rid-$sum"
  copy="$copy_dir/$name"
  if [ ! -x "$copy" ]; then
    mkdir -p "$copy_dir" 2>/dev/null || continue
    partial="$copy.partial.$$"
    cp "$binary" "$partial" 2>/dev/null && chmod 755 "$partial" 2>/dev/null && mv -f "$partial" "$copy" 2>/dev/null || { rm -f "$partial"; continue; }
  fi
  if [ "$(cksum < "$copy" | cut -d ' ' -f 1)" = "$sum" ]; then
    exec "$copy" "$@"
  fi
  rm -f "$copy"
done
echo "edgellm.sh: '$binary' cannot be executed from this stick and no cache folder is writable; copy the kit to a local disk and run it there" >&2
exit 1
