#!/usr/bin/env bash
# Publishes self-contained WebChat builds, one per runtime identifier, into artifacts/release/:
#   webchat-<version>-<rid>.tar.gz (.zip for Windows) holding a top folder webchat-<version>-<rid>/ with the WebChat
#   executable, appsettings.json, wwwroot/, only that RID's native libraries, a systemd unit and a Dockerfile;
#   plus SHA256SUMS over the archives.
#
#   scripts/release.sh [RID...]        default: linux-x64 linux-arm64 win-x64 osx-arm64
#
# The version is the newest released heading of CHANGELOG.md ("## [0.2.0] - 2026-12-06"); when [Unreleased] holds
# changes, "-dev" is added, so a build of main never claims a version it is not. Cut a release by renaming
# [Unreleased] to the new version first. The backend stays a build switch: LLAMA_BACKEND=Cuda12 on a CUDA host.
set -euo pipefail
cd "$(dirname "$0")/.."

rids=("$@")
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64 linux-arm64 win-x64 osx-arm64)
backend=${LLAMA_BACKEND:-Cpu}

released=$(sed -n 's/^## \[\([0-9][0-9.]*[^]]*\)\].*/\1/p' CHANGELOG.md | head -n 1)
[ -n "$released" ] || { echo "CHANGELOG.md has no released version heading (## [x.y.z] - date)." >&2; exit 2; }
unreleased=$(awk '/^## \[Unreleased\]/{on=1; next} /^## \[/{on=0} on && /^- /{print; exit}' CHANGELOG.md)
version=$released
[ -z "$unreleased" ] || version="$released-dev"

out=artifacts/release
mkdir -p "$out"
for rid in "${rids[@]}"; do
    name="webchat-$version-$rid"
    stage="$out/stage/$name"
    rm -rf "$stage"
    echo "Publishing $name ($backend backend)"
    dotnet publish src/WebChat -c Release -r "$rid" --self-contained true -p:LlamaBackend="$backend" \
        -p:Version="${version%%-*}" -p:InformationalVersion="$version" -o "$stage" -v q -nologo
    # Debug symbols and the XML docs stay out of the archive; the operator's files come with it.
    find "$stage" \( -name '*.pdb' -o -name '*.dbg' \) -delete
    cp scripts/release/webchat.service scripts/release/webchat-node@.service scripts/release/webchat-node.env.example \
        scripts/release/Dockerfile LICENSE "$stage/"
    rm -f "$out/$name.tar.gz" "$out/$name.zip"
    if [[ $rid == win-* ]]; then
        (cd "$out/stage" && python3 -m zipfile -c "../$name.zip" "$name")
    else
        tar -C "$out/stage" -czf "$out/$name.tar.gz" "$name"
    fi
done
rm -rf "$out/stage"
(cd "$out" && find . -maxdepth 1 -name 'webchat-*' \( -name '*.tar.gz' -o -name '*.zip' \) -printf '%f\n' | sort | xargs sha256sum > SHA256SUMS)
echo "Release $version:"
cat "$out/SHA256SUMS"
