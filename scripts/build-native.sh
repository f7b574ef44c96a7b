#!/usr/bin/env bash
# Builds llama.cpp as shared libraries for this host and installs them where Inference:NativeLibrary can name them,
# then runs the server's guard on them (`WebChat native-check`).
#
#   scripts/build-native.sh [--source DIR|FILE.bundle] [--commit REF] [--backend cpu|cuda|vulkan]
#                           [--cpu host|all-variants|avx2] [--out DIR] [--jobs N] [--no-check]
#
# --source   a llama.cpp checkout or a git bundle (offline); default: clone $LLAMA_CPP_REPO at --commit.
# --commit   default c0c7e147, the llama.cpp commit LLamaSharp 0.30.0 binds (its release notes: b9297-1). Only that
#            build is safe under LLamaSharp: another one returns struct fields at other offsets (the guard refuses it).
# --backend  cpu (default); cuda (CUDA 12 toolkit, GPU architectures of this host); vulkan (Vulkan SDK / glslc).
# --cpu      host (default): ggml-cpu compiled for this CPU's features read from /proc/cpuinfo (AVX2, AVX512,
#            AVX512-VNNI/BF16/VBMI, AVX-VNNI, AMX), never -march=native, which died with SIGILL on a VM;
#            all-variants: GGML_CPU_ALL_VARIANTS (one libggml-cpu per CPU generation, chosen at load time; needs a
#            loader that calls ggml_backend_load_all); avx2: a portable AVX2 build.
# --out      default: $WEBCHAT_DATA_DIR or ~/.local/share/WebChat, then native/llama.cpp-<commit>-<backend>-<cpu>.
set -euo pipefail
cd "$(dirname "$0")/.."
repo_root=$(pwd)

LLAMA_CPP_REPO=${LLAMA_CPP_REPO:-https://github.com/ggml-org/llama.cpp}
source_dir=""
commit="c0c7e147"
backend="cpu"
cpu="host"
out=""
jobs=$(nproc)
check=1

while [ $# -gt 0 ]; do
    case "$1" in
        --source) source_dir=$2; shift 2 ;;
        --commit) commit=$2; shift 2 ;;
        --backend) backend=$2; shift 2 ;;
        --cpu) cpu=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --no-check) check=0; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "Unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

work=${XDG_CACHE_HOME:-$HOME/.cache}/webchat/llama-build
mkdir -p "$work"

# 1. The source: a folder as given, a git bundle cloned, or the repository cloned at the commit.
if [ -n "$source_dir" ] && [ -f "$source_dir" ]; then
    src="$work/src-$(basename "$source_dir" .bundle)"
    [ -d "$src/.git" ] || git clone --quiet "$source_dir" "$src"
elif [ -n "$source_dir" ]; then
    src=$(cd "$source_dir" && pwd)
else
    src="$work/src-$commit"
    if [ ! -d "$src/.git" ]; then
        git clone --quiet --filter=blob:none "$LLAMA_CPP_REPO" "$src"
    fi
    git -C "$src" checkout --quiet "$commit"
fi
built_commit=$(git -C "$src" rev-parse --short=8 HEAD 2>/dev/null || echo "unknown")
case "$built_commit" in
    "${commit:0:8}"*) ;;
    *) echo "Note: building $built_commit, not $commit (the commit LLamaSharp binds); the guard decides whether it loads." >&2 ;;
esac

# 2. CPU flags for this host.
has() { grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -qx "$1"; }
on_off() { if has "$1"; then echo ON; else echo OFF; fi; }
cpu_flags=()
case "$cpu" in
    host)
        cpu_flags=(-DGGML_NATIVE=OFF -DGGML_AVX=$(on_off avx) -DGGML_AVX2=$(on_off avx2) -DGGML_FMA=$(on_off fma)
            -DGGML_F16C=$(on_off f16c) -DGGML_BMI2=$(on_off bmi2) -DGGML_AVX512=$(on_off avx512f)
            -DGGML_AVX512_VBMI=$(on_off avx512vbmi) -DGGML_AVX512_VNNI=$(on_off avx512_vnni)
            -DGGML_AVX512_BF16=$(on_off avx512_bf16) -DGGML_AVX_VNNI=$(on_off avx_vnni)
            -DGGML_AMX_TILE=$(on_off amx_tile) -DGGML_AMX_INT8=$(on_off amx_int8) -DGGML_AMX_BF16=$(on_off amx_bf16)) ;;
    all-variants) cpu_flags=(-DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON) ;;
    avx2) cpu_flags=(-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON) ;;
    *) echo "--cpu is host, all-variants or avx2" >&2; exit 2 ;;
esac

backend_flags=()
case "$backend" in
    cpu) ;;
    cuda) backend_flags=(-DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=native) ;;
    vulkan) backend_flags=(-DGGML_VULKAN=ON) ;;
    *) echo "--backend is cpu, cuda or vulkan" >&2; exit 2 ;;
esac

# 3. Configure and build libllama, the ggml libraries and libmtmd (LLamaSharp loads both llama and mtmd).
build="$work/build-$built_commit-$backend-$cpu"
echo "Configuring $src ($built_commit) into $build: ${cpu_flags[*]} ${backend_flags[*]}"
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
    -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON -DCMAKE_INSTALL_RPATH='$ORIGIN' \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_CURL=OFF \
    -DGGML_OPENMP=ON "${cpu_flags[@]}" "${backend_flags[@]}" >"$build.configure.log" 2>&1 \
    || { tail -n 30 "$build.configure.log" >&2; exit 1; }
cmake --build "$build" --target llama mtmd -j "$jobs"
if [ "$cpu" = "all-variants" ]; then cmake --build "$build" -j "$jobs"; fi

# 4. Install: every shared library of the build (symlinked SONAMEs resolved) into one folder.
data=${WEBCHAT_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/WebChat}
out=${out:-$data/native/llama.cpp-$built_commit-$backend-$cpu}
mkdir -p "$out"
find "$build" -name 'lib*.so*' \( -type f -o -type l \) -not -path '*/CMakeFiles/*' -exec cp -L {} "$out/" \;
echo "Installed into $out:"
ls "$out"

# 5. The server's guard on it: the same check Inference:NativeLibrary gets at start.
if [ "$check" = 1 ]; then
    dotnet run --project "$repo_root/src/WebChat" -- native-check "$out"
fi
