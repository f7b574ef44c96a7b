# Sourced by the build scripts: ggml's CPU feature switches for THIS host, read from /proc/cpuinfo.
# Never -march=native (GGML_NATIVE=ON): that build died with SIGILL on this VM (FACTS), so every feature is named.
#   source scripts/lib/cpu-flags.sh; cmake ... "${GGML_HOST_CPU_FLAGS[@]}"

cpu_has() { grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -qx "$1"; }
cpu_on_off() { if cpu_has "$1"; then echo ON; else echo OFF; fi; }

GGML_HOST_CPU_FLAGS=(-DGGML_NATIVE=OFF
    -DGGML_AVX=$(cpu_on_off avx) -DGGML_AVX2=$(cpu_on_off avx2) -DGGML_FMA=$(cpu_on_off fma)
    -DGGML_F16C=$(cpu_on_off f16c) -DGGML_BMI2=$(cpu_on_off bmi2) -DGGML_AVX512=$(cpu_on_off avx512f)
    -DGGML_AVX512_VBMI=$(cpu_on_off avx512vbmi) -DGGML_AVX512_VNNI=$(cpu_on_off avx512_vnni)
    -DGGML_AVX512_BF16=$(cpu_on_off avx512_bf16) -DGGML_AVX_VNNI=$(cpu_on_off avx_vnni)
    -DGGML_AMX_TILE=$(cpu_on_off amx_tile) -DGGML_AMX_INT8=$(cpu_on_off amx_int8) -DGGML_AMX_BF16=$(cpu_on_off amx_bf16))
