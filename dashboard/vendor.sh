#!/usr/bin/env bash
# Copies Apache ECharts, exactly as pinned in package-lock.json, with its licence files, into the API host's
# static files (src/CustomerSuccess.Metrics.Api/wwwroot/vendor/echarts), where it is committed: building and
# running the host needs no npm, and nothing is fetched at run time.
#   dashboard/vendor.sh          installs the pinned package (npm ci) and copies it
#   dashboard/vendor.sh --check  installs it into a temporary folder and fails unless the committed copy equals it
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="$here/../src/CustomerSuccess.Metrics.Api/wwwroot/vendor/echarts"

# What the dashboard serves, as "package file -> served name".
files=(
  "echarts/dist/echarts.min.js echarts.min.js"
  "echarts/LICENSE LICENSE"
  "echarts/NOTICE NOTICE"
  "echarts/licenses/LICENSE-d3 LICENSE-d3"
  "zrender/LICENSE LICENSE-zrender"
  "tslib/LICENSE.txt LICENSE-tslib"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)

if [ "${1:-}" = "--check" ]; then
  status=0
  for entry in "${files[@]}"; do
    read -r source name <<<"$entry"
    if ! cmp -s "$work/node_modules/$source" "$target/$name"; then
      echo "wwwroot/vendor/echarts/$name differs from $source of the pinned package; run dashboard/vendor.sh" >&2
      status=1
    fi
  done
  extra=$(cd "$target" && ls | grep -vxF -f <(for entry in "${files[@]}"; do echo "${entry#* }"; done) || true)
  if [ -n "$extra" ]; then
    echo "wwwroot/vendor/echarts holds files the package does not: $extra" >&2
    status=1
  fi
  [ $status -eq 0 ] && echo "wwwroot/vendor/echarts equals the pinned package ($(node -p "require('$work/node_modules/echarts/package.json').version"))"
  exit $status
fi

rm -rf "$target"
mkdir -p "$target"
for entry in "${files[@]}"; do
  read -r source name <<<"$entry"
  cp "$work/node_modules/$source" "$target/$name"
done
echo "Copied echarts $(node -p "require('$work/node_modules/echarts/package.json').version") into $target"
