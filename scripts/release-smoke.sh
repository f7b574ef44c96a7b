#!/usr/bin/env bash
# Smoke test of a linux release archive, as an operator meets it: unpack into an empty folder, check the checksum,
# start it, /healthz 200, register the first account (the administrator) through the sign-up page, and answer one
# prompt with `WebChat run` on a generated tiny model. CI runs it on the linux-x64 archive of scripts/release.sh.
#
#   scripts/release-smoke.sh artifacts/release/webchat-<version>-linux-x64.tar.gz
set -euo pipefail
archive=$(realpath "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/webchat-release-smoke.XXXXXX)
server=""
cleanup() {
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "release smoke: FAILED: $*" >&2; [ -f "$work/server.log" ] && tail -n 40 "$work/server.log" >&2; exit 1; }

# 1. The archive is the one SHA256SUMS names, and unpacks to one folder with the executable on top.
(cd "$(dirname "$archive")" && grep " $(basename "$archive")\$" SHA256SUMS | sha256sum -c --quiet -) || fail "checksum mismatch"
tar -C "$work" -xzf "$archive"
app=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'webchat-*')
[ -x "$app/WebChat" ] || fail "no WebChat executable at the top of the archive"
[ -f "$app/webchat.service" ] && [ -f "$app/webchat-node@.service" ] && [ -f "$app/webchat-node.env.example" ] && [ -f "$app/Dockerfile" ] || fail "systemd units or Dockerfile missing"

# 2. It starts from an empty data folder and answers /healthz.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export WebChat__DataDirectory="$work/data"
(cd "$work" && exec "$app/WebChat" --urls "$base" > "$work/server.log" 2>&1) &
server=$!
for _ in $(seq 1 120); do
    curl -sf "$base/healthz" > "$work/health.json" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || fail "the server exited"
    sleep 0.5
done
grep -q '"status":"ok"' "$work/health.json" || fail "/healthz did not answer 200 ok"
echo "release smoke: $(basename "$app") started, /healthz: $(cat "$work/health.json")"

# 3. The first account, made on the sign-up page from this machine, becomes the administrator.
jar="$work/cookies"
page=$(curl -sf -c "$jar" -b "$jar" "$base/Account/Register") || fail "the sign-up page did not load"
token=$(sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)
[ -n "$token" ] || token=$(grep -o 'name="__RequestVerificationToken"[^>]*value="[^"]*"' <<<"$page" | sed 's/.*value="//; s/"$//' | head -n 1)
[ -n "$token" ] || fail "no antiforgery token on the sign-up page"
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" "$base/Account/Register" \
    --data-urlencode "_handler=register" --data-urlencode "__RequestVerificationToken=$token" \
    --data-urlencode "Input.Email=admin@example.test" --data-urlencode "Input.Password=Smoke-test-1-password" \
    --data-urlencode "Input.ConfirmPassword=Smoke-test-1-password")
[ "$status" = "302" ] || fail "registration answered $status, not a redirect"
chat=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$base/admin/users")
[ "$chat" = "200" ] || fail "the new account cannot open Admin › Users ($chat): it is not a signed-in administrator"
echo "release smoke: registered the first account; it opens Admin › Users"

# 4. The command line answers a prompt on a generated tiny model.
support="$repo/tests/support/bin/Debug/net10.0/WebChat.Tests.Support.dll"
[ -f "$support" ] || dotnet build "$repo/tests/support" -v q -nologo > /dev/null
dotnet "$support" --write-model "$work/tiny.gguf" > /dev/null
answer=$("$app/WebChat" run "$work/tiny.gguf" "Hello" --max-tokens 8 --seed 1 2>&1) || fail "run exited with an error: $answer"
grep -Eq '\[(stop|length)\] prompt [0-9]+ tokens' <<<"$answer" || fail "run printed no summary: $answer"
echo "release smoke: run answered: $(grep -E '\[(stop|length)\]' <<<"$answer")"
echo "release smoke: passed"
