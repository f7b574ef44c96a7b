#!/usr/bin/env bash
# Builds llama.cpp's `llama-server` (one static, movable binary) from the llama.cpp source that the node-llama-cpp npm
# package bundles, for this host's CPU, and caches it: a second run only prints the path. The benches use it as the
# remote engine and the peer (`bench -- engines`, `bench -- peer --llama-server`).
#
#   scripts/build-llama-server.sh [--version 3.20.0] [--jobs N] [--force]
#
# --version  node-llama-cpp version whose `llama/gitRelease.bundle` is built; 3.20.0 bundles llama.cpp b10361 (FACTS).
# --jobs     parallel compile jobs (default: nproc). Wrap the call in `cpuslot` on a shared machine.
# --force    rebuild even when the cached binary exists.
# Prints the binary's path as the last line of stdout: ~/.cache/webchat/llama-server/<version>/llama-server.
# Needs npm (the registry), git, cmake and ninja; no internet beyond npm.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cpu-flags.sh

version="3.20.0"
jobs=$(nproc)
force=0
while [ $# -gt 0 ]; do
    case "$1" in
        --version) version=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --force) force=1; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "Unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

cache=${XDG_CACHE_HOME:-$HOME/.cache}/webchat/llama-server/$version
binary="$cache/llama-server"
if [ "$force" = 0 ] && [ -x "$binary" ] && "$binary" --version >/dev/null 2>&1; then
    echo "$binary"
    exit 0
fi
mkdir -p "$cache"

# 1. The source: the git bundle inside the npm package (one squashed commit of llama.cpp), fetched with npm itself.
bundle="$cache/gitRelease.bundle"
if [ ! -f "$bundle" ]; then
    echo "Fetching node-llama-cpp@$version from npm" >&2
    tarball=$(cd "$cache" && npm pack --silent "node-llama-cpp@$version" | tail -n 1)
    tar -xzf "$cache/$tarball" -C "$cache" package/llama/gitRelease.bundle package/llama/binariesGithubRelease.json
    # The bundle is one squashed commit with no tags: the release name comes from the package's own note.
    sed -n 's/.*"release": *"\([^"]*\)".*/\1/p' "$cache/package/llama/binariesGithubRelease.json" >"$cache/release"
    mv "$cache/package/llama/gitRelease.bundle" "$bundle"
    rm -rf "$cache/package" "$cache/$tarball"
fi
src="$cache/src"
[ -d "$src/.git" ] || git -c advice.detachedHead=false clone --quiet "$bundle" "$src"
release="$(cat "$cache/release" 2>/dev/null || echo unknown) ($(git -C "$src" rev-parse --short HEAD))"

# 2. Configure: no curl/OpenSSL (models are local files), static libraries so the binary can move, llamafile's
# matrix kernels on (the standalone ggml defaults them off, which halves prefill: FACTS), host CPU flags.
build="$cache/build"
echo "Configuring llama.cpp $release (node-llama-cpp $version) for llama-server: ${GGML_HOST_CPU_FLAGS[*]}" >&2
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DGGML_OPENMP=ON -DGGML_LLAMAFILE=ON \
    "${GGML_HOST_CPU_FLAGS[@]}" >"$build.configure.log" 2>&1 \
    || { tail -n 30 "$build.configure.log" >&2; exit 1; }

# 3. Only the server target (~13 min on 2 idle cores), then the binary alone into the cache.
ninja -C "$build" -j "$jobs" llama-server >&2
cp "$build/bin/llama-server" "$binary.tmp"
mv "$binary.tmp" "$binary"
"$binary" --version >&2
echo "$binary"
