#!/usr/bin/env bash
# Builds .gpu-pack/ (git-ignored) for a GPU machine where nothing can be installed or downloaded,
# within the 64 MiB that travels to it:
#   deno.xz               this machine's deno binary, xz-compressed (about 31 MB)
#   node_modules.tar.xz   node_modules without the large files the GPU check never opens (the
#                         files it opens are found by running it here under strace, --force, on
#                         llvmpipe); every small file stays, so npm resolution finds what it expects
#   libvulkan.so.1        the Vulkan loader from Debian's libvulkan1 package (apt-get download +
#                         dpkg-deb -x), which GPU containers often lack
# Then, on the GPU machine: bash tools/gpu/run.sh (see there). Needs: deno, xz, strace, apt-get.
set -euo pipefail
cd "$(dirname "$0")/../.."
pack=.gpu-pack
rm -rf "$pack"
mkdir -p "$pack"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

deno_bin=$(readlink -f "$(command -v deno)")
echo "deno: $deno_bin ($(deno --version | head -1))"
xz -T0 -6 -c "$deno_bin" >"$pack/deno.xz"

echo "libvulkan1: apt-get download + dpkg-deb -x"
(cd "$tmp" && apt-get download -q libvulkan1 >/dev/null)
dpkg-deb -x "$tmp"/libvulkan1_*.deb "$tmp/vulkan"
cp -L "$tmp/vulkan/usr/lib/x86_64-linux-gnu/libvulkan.so.1" "$pack/libvulkan.so.1"

echo "node_modules: tracing which large files a forced small GPU check opens"
strace -f -qq -e trace=openat,open -o "$tmp/trace" \
  deno run -A tools/gpu/check.ts --force --depth 18 --width-scale 0.25 --batches 2 --runs 1 \
  --search 64x1024x512 >"$tmp/check.log" 2>&1 || { cat "$tmp/check.log"; exit 1; }
root=$(pwd)
grep -o "\"$root/node_modules/[^\"]*\"" "$tmp/trace" | tr -d '"' | sed "s#^$root/##" |
  sort -u >"$tmp/opened"
# Keep every file under 1 MiB, and the large ones the run opened.
find node_modules -type f -size +1M | sort >"$tmp/large"
comm -23 "$tmp/large" "$tmp/opened" >"$tmp/exclude"
echo "  $(wc -l <"$tmp/opened") files opened; $(wc -l <"$tmp/exclude") large files left out"
# GNU tar exits 1 when a file changed while read (another process installing packages): fine here.
{ tar -cf - --warning=no-file-changed --exclude-from="$tmp/exclude" node_modules || (($? == 1)); } |
  xz -T0 -6 >"$pack/node_modules.tar.xz"
du -ch "$pack"/* | sed 's/^/  /'
total=$(du -cb "$pack"/* | tail -1 | cut -f1)
if ((total > 64 * 1024 * 1024)); then
  echo "error: $pack is $total bytes, over the 64 MiB that travels" >&2
  exit 1
fi
echo "ready: carry $pack, run: bash tools/gpu/run.sh"
