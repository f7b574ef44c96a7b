#!/usr/bin/env bash
# Times a newcomer (issue 25): from a fresh clone following docs/getting-started.md, or from the linux-x64 release
# archive following docs/deploy/single-node.md, to a streamed answer in Chromium. Offline: a fake Hub on 127.0.0.1:5080
# serves the starter model's repository from STARTER_GGUF (any GGUF; default the generated tiny llama), and the app
# listens on the documented http://localhost:5000.
#
#   scripts/newcomer/check.sh clone                     # git clone of this repository's HEAD, then `dotnet run`
#   scripts/newcomer/check.sh release ARCHIVE.tar.gz    # unpack, checksum, start as the systemd unit would (no systemd needed)
set -euo pipefail
mode=${1:?clone or release}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/webchat-newcomer.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done; sleep 2; rm -rf "$work"; }
trap cleanup EXIT
elapsed() { echo "$(( ($(date +%s%N) - start) / 1000000 ))" | awk '{printf "%.1f s", $1/1000}'; }
ss -ltn | grep -qE ':(5000|5080) ' && { echo "ports 5000 and 5080 must be free" >&2; exit 1; }

# Tools, outside the timing: the fake Hub, Chromium's driver.
dotnet build -v q --nologo "$repo/tests/support" >/dev/null
(cd "$work" && npm install --silent playwright-core@1.57.0 >/dev/null)
hub="$work/hub/Qwen/Qwen2.5-0.5B-Instruct-GGUF"
mkdir -p "$hub"
if [ -n "${STARTER_GGUF:-}" ]; then ln -s "$(realpath "$STARTER_GGUF")" "$hub/qwen2.5-0.5b-instruct-q4_k_m.gguf"
else dotnet "$repo/tests/support/bin/Debug/net10.0/WebChat.Tests.Support.dll" --write-model "$hub/qwen2.5-0.5b-instruct-q4_k_m.gguf" >/dev/null; fi
setsid dotnet "$repo/tests/support/bin/Debug/net10.0/WebChat.Tests.Support.dll" --models "$work/hub" --port 5080 > "$work/hub.log" 2>&1 &
pids+=($!)

start=$(date +%s%N)
if [ "$mode" = clone ]; then
    git clone -q "$repo" "$work/clone"
    cd "$work/clone"
    # A newcomer has no warm compiler server.
    UseSharedCompilation=false MSBUILDDISABLENODEREUSE=1 WEBCHAT_DATA_DIR="$work/data" HF_ENDPOINT=http://127.0.0.1:5080 \
        setsid dotnet run --project src/WebChat > "$work/app.log" 2>&1 &
else
    archive=$(realpath "${2:?the release archive}")
    (cd "$(dirname "$archive")" && sha256sum -c --ignore-missing SHA256SUMS)
    mkdir -p "$work/opt"
    tar -C "$work/opt" --strip-components=1 -xzf "$archive"
    cd "$work/opt"
    ASPNETCORE_ENVIRONMENT=Production WebChat__DataDirectory="$work/data" HF_ENDPOINT=http://127.0.0.1:5080 \
        setsid ./WebChat --urls http://0.0.0.0:5000 > "$work/app.log" 2>&1 &
fi
pids+=($!)
until curl -sf http://localhost:5000/healthz >/dev/null; do
    kill -0 "${pids[-1]}" 2>/dev/null || { tail -n 30 "$work/app.log"; exit 1; }
    sleep 0.2
done
echo "$mode: serving /healthz after $(elapsed)"
cp "$repo/scripts/newcomer/first-chat.mjs" "$work/"   # ES modules resolve playwright-core next to the script
FAIL_SCREENSHOT="$work/failure.png" node "$work/first-chat.mjs" http://localhost:5000
echo "$mode: first words of an answer $(elapsed) after the start (load average $(cut -d' ' -f1-3 /proc/loadavg))"
