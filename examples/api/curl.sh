#!/usr/bin/env bash
# WebChat's OpenAI-compatible API with curl. KEY from Settings › API keys; BASE defaults to a local server.
#   KEY=wc-... examples/api/curl.sh [model]
set -euo pipefail
BASE=${BASE:-http://localhost:5000/v1}
: "${KEY:?set KEY to an API key from Settings › API keys}"

curl -sf "$BASE/models" -H "Authorization: Bearer $KEY"; echo
MODEL=${1:-$(curl -sf "$BASE/models" -H "Authorization: Bearer $KEY" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | head -n 1)}

# One answer as JSON.
curl -sf "$BASE/chat/completions" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
  -d "{\"model\":\"$MODEL\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}]}"; echo

# The same, streamed as server-sent events with the usage at the end.
curl -sfN "$BASE/chat/completions" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
  -d "{\"model\":\"$MODEL\",\"max_tokens\":64,\"stream\":true,\"stream_options\":{\"include_usage\":true},
       \"messages\":[{\"role\":\"user\",\"content\":\"Write a haiku\"}]}"
