#!/usr/bin/env bash
# Builds the ggml libraries (libggml, libggml-base, libggml-cpu: all three from one source) for this host's CPU at the
# ggml commit that matches the llama.cpp LLamaSharp bundles, and puts them beside copies of LLamaSharp's bundled
# libllama.so and libmtmd.so, in a folder that Inference:NativeLibrary and `WebChat native-check` take.
#
#   scripts/build-native.sh [--ggml-source DIR] [--commit REF] [--cpu host|avx512|avx2] [--out DIR] [--jobs N] [--no-check]
#
# --ggml-source  a ggml git repository (a bare one too) or a plain ggml source folder; default: clone $GGML_REPO.
#                A repository is checked out at --commit; a plain folder is built as it is (its CMakeLists.txt must
#                say ggml 0.18.0, and the guard still compares every op and type before it loads).
# --commit       default a8f4315a: ggml's own repository at the commit that syncs llama.cpp b10221, the build bundled
#                by LLamaSharp 0.30.0 (ggml 0.18.0, the same 100 ops and the same types in the same order).
# --cpu          host (default): ggml-cpu compiled for the features /proc/cpuinfo lists (AVX2, AVX512, VNNI, BF16,
#                VBMI, AMX...), never -march=native, which died with SIGILL on a VM; avx512 / avx2: portable levels.
# --out          default: $WEBCHAT_DATA_DIR or ~/.local/share/WebChat, then native/ggml-<commit>-<cpu>.
#
# libllama is not rebuilt: LLamaSharp marshals its structs, so only the bundled libllama is safe (FACTS: the speed
# lives in libggml-cpu). GGML_LLAMAFILE is turned ON explicitly: llama.cpp enables it, the ggml repository does not,
# and without it prefill runs at about half speed. Libraries find each other through RUNPATH $ORIGIN.
set -euo pipefail
cd "$(dirname "$0")/.."
repo_root=$(pwd)

GGML_REPO=${GGML_REPO:-https://github.com/ggml-org/ggml}
LLAMASHARP_VERSION=$(sed -n 's/.*Include="LLamaSharp.Backend.Cpu" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)
ggml_source=""
commit="a8f4315a"
cpu="host"
out=""
jobs=$(nproc)
check=1

while [ $# -gt 0 ]; do
    case "$1" in
        --ggml-source) ggml_source=$2; shift 2 ;;
        --commit) commit=$2; shift 2 ;;
        --cpu) cpu=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --no-check) check=0; shift ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "Unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

work=${XDG_CACHE_HOME:-$HOME/.cache}/webchat/ggml-build
mkdir -p "$work"

# 1. The source at the commit: a repository (bare or not) is cloned locally and checked out, a plain folder is used
#    as it is, and with neither the public repository is cloned.
if [ -n "$ggml_source" ] && git --git-dir="$ggml_source" rev-parse --git-dir >/dev/null 2>&1 \
    || { [ -n "$ggml_source" ] && git -C "$ggml_source" rev-parse --git-dir >/dev/null 2>&1; }; then
    origin=$(cd "$ggml_source" && pwd)
elif [ -n "$ggml_source" ]; then
    [ -f "$ggml_source/CMakeLists.txt" ] || { echo "$ggml_source is neither a git repository nor a ggml source folder" >&2; exit 2; }
    origin=""
    src=$(cd "$ggml_source" && pwd)
else
    origin=$GGML_REPO
fi
if [ -z "$ggml_source" ] || [ -n "$origin" ]; then
    src="$work/src-$commit"
    [ -d "$src/.git" ] || git clone --quiet --no-checkout "$origin" "$src"
    git -C "$src" checkout --quiet --detach "$commit"
fi
built_commit=$(git -C "$src" rev-parse --short=8 HEAD 2>/dev/null || echo "unknown")
version=$(sed -n 's/^set(GGML_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\))/\2/p' "$src/CMakeLists.txt" | paste -sd.)
echo "ggml source $src: commit $built_commit, version $version"
[ "$version" = "0.18.0" ] || echo "Note: ggml $version is not the 0.18.0 LLamaSharp $LLAMASHARP_VERSION bundles; the guard will refuse it." >&2

# 2. CPU flags, each named explicitly.
has() { grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -qx "$1"; }
on_off() { if has "$1"; then echo ON; else echo OFF; fi; }
avx2_flags=(-DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON)
case "$cpu" in
    host)
        cpu_flags=(-DGGML_AVX=$(on_off avx) -DGGML_AVX2=$(on_off avx2) -DGGML_FMA=$(on_off fma)
            -DGGML_F16C=$(on_off f16c) -DGGML_BMI2=$(on_off bmi2) -DGGML_AVX512=$(on_off avx512f)
            -DGGML_AVX512_VBMI=$(on_off avx512vbmi) -DGGML_AVX512_VNNI=$(on_off avx512_vnni)
            -DGGML_AVX512_BF16=$(on_off avx512_bf16) -DGGML_AVX_VNNI=$(on_off avx_vnni)
            -DGGML_AMX_TILE=$(on_off amx_tile) -DGGML_AMX_INT8=$(on_off amx_int8) -DGGML_AMX_BF16=$(on_off amx_bf16)) ;;
    avx512) cpu_flags=("${avx2_flags[@]}" -DGGML_AVX512=ON) ;;
    avx2) cpu_flags=("${avx2_flags[@]}") ;;
    *) echo "--cpu is host, avx512 or avx2" >&2; exit 2 ;;
esac

# 3. Configure and build the three ggml libraries. Unversioned SONAMEs (libggml-base.so, not .so.0): the bundled
#    libllama asks for exactly those names, and a second name for the same library would load it twice.
build="$work/build-$built_commit-$cpu"
echo "Configuring into $build: ${cpu_flags[*]}"
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
    -DCMAKE_PLATFORM_NO_VERSIONED_SONAME=ON -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON -DCMAKE_INSTALL_RPATH='$ORIGIN' \
    -DGGML_NATIVE=OFF -DGGML_BACKEND_DL=OFF -DGGML_LLAMAFILE=ON -DGGML_OPENMP=ON -DGGML_CPU_REPACK=ON \
    -DGGML_BUILD_TESTS=OFF -DGGML_BUILD_EXAMPLES=OFF "${cpu_flags[@]}" >"$build.configure.log" 2>&1 \
    || { tail -n 30 "$build.configure.log" >&2; exit 1; }
cmake --build "$build" --target ggml ggml-base ggml-cpu -j "$jobs"

# 4. The bundled libllama and libmtmd of the matching CPU level (LLamaSharp's own choice on this host).
packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
runtimes="$packages/llamasharp.backend.cpu/$LLAMASHARP_VERSION/LLamaSharpRuntimes/linux-x64/native"
if has avx512f; then level=avx512; elif has avx2; then level=avx2; elif has avx; then level=avx; else level=noavx; fi
[ -f "$runtimes/$level/libllama.so" ] || { echo "No bundled libllama at $runtimes/$level (run dotnet restore first)" >&2; exit 1; }

data=${WEBCHAT_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/WebChat}
out=${out:-$data/native/ggml-$built_commit-$cpu}
mkdir -p "$out"
rm -f "$out"/lib*.so*
for lib in ggml ggml-base ggml-cpu; do
    cp -L "$(find "$build" -name "lib$lib.so" -not -path '*/CMakeFiles/*' | head -n 1)" "$out/"
done
cp "$runtimes/$level/libllama.so" "$runtimes/$level/libmtmd.so" "$out/"
chmod u+w "$out"/*.so
for lib in "$out"/libggml*.so; do
    readelf -d "$lib" | grep -q "SONAME.*\[$(basename "$lib")\]" || { echo "$lib has another SONAME" >&2; exit 1; }
    readelf -d "$lib" | grep -q 'RUNPATH.*\[\$ORIGIN\]' || { echo "$lib lacks RUNPATH \$ORIGIN" >&2; exit 1; }
done
echo "Installed into $out (ggml $version $built_commit for $cpu, libllama and libmtmd of LLamaSharp $LLAMASHARP_VERSION $level):"
ls "$out"

# 5. The server's guard on it: the same check Inference:NativeLibrary gets at start.
if [ "$check" = 1 ]; then
    dotnet run --project "$repo_root/src/WebChat" -- native-check "$out"
fi
