#!/usr/bin/env bash
# Regenerates the API client in Tests/Api/Client with Kiota (pinned in .config/dotnet-tools.json) from the OpenAPI
# document the app serves. Start the app first (./crumbs start), then: Tests/Api/generate-client.sh [URL-or-file]
# (default http://localhost:5180/openapi/v1.json). The document is kept as Tests/Api/openapi.json, the description
# the client was made from; OpenApiClientTests fails when the app's document no longer matches it.
set -euo pipefail
source=${1:-http://localhost:5180/openapi/v1.json}
cd "$(dirname "$0")"

if [[ $source == http* ]]; then
  curl -fsS "$source" -o openapi.json.new
else
  cp "$source" openapi.json.new
fi
mv openapi.json.new openapi.json

dotnet tool restore >/dev/null
KIOTA_TUTORIAL_ENABLED=false dotnet kiota generate --language CSharp --openapi openapi.json --output Client \
  --class-name CrumbsClient --namespace-name Crumbs.Tests.Api.Client --exclude-backward-compatible --clean-output \
  --log-level Error
rm -f Client/.kiota.log
