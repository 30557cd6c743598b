#!/usr/bin/env bash
# Runs the GPU check on a machine where nothing can be installed or downloaded, from .gpu-pack/
# (made by tools/gpu/pack.sh and carried there): unpacks deno and node_modules, then runs
# tools/gpu/check.ts twice, first without LD_LIBRARY_PATH (probes only), then with
# LD_LIBRARY_PATH pointing at the carried libvulkan.so.1 (probes, then the measurements where an
# NVIDIA GPU is reachable). Arguments go to the second run. The whole output is also written to
# $OUT/gpu_check.txt when $OUT is set.
set -uo pipefail
cd "$(dirname "$0")/../.."
pack=.gpu-pack
work=${TMPDIR:-/tmp}/kit-gpu
mkdir -p "$work/bin" "$work/vulkan"
if [[ ! -f $pack/deno.xz ]]; then
  echo "error: $pack/deno.xz is missing: run tools/gpu/pack.sh and carry $pack" >&2
  exit 2
fi
xz -dc "$pack/deno.xz" >"$work/bin/deno" && chmod +x "$work/bin/deno"
[[ -d node_modules/.deno ]] || tar -xJf "$pack/node_modules.tar.xz"
cp "$pack/libvulkan.so.1" "$work/vulkan/"
export DENO_DIR="$work/deno-dir" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
log=${OUT:-$work}/gpu_check.txt
{
  echo "### run 1 of 2: LD_LIBRARY_PATH ${LD_LIBRARY_PATH:-(unset)}, probes only"
  "$work/bin/deno" run -A tools/gpu/check.ts --probe-only
  echo
  echo "### run 2 of 2: LD_LIBRARY_PATH with the carried loader ($work/vulkan) first"
  LD_LIBRARY_PATH="$work/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$work/bin/deno" run -A tools/gpu/check.ts "$@"
} 2>&1 | tee "$log"
