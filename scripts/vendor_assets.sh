#!/usr/bin/env bash
# Refresh the committed front-end assets from the pinned npm packages (package.json and
# package-lock.json). Running the product never needs npm: the copies under static/vendor/ are
# committed, each in a folder named with its version. htmx comes from django-htmx (pip).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --ignore-scripts
version=$(node -p 'require("./node_modules/bootstrap/package.json").version')
out="static/vendor/bootstrap-${version}"
mkdir -p "$out"
for f in css/bootstrap.min.css js/bootstrap.bundle.min.js; do
  # The source maps are not shipped, so their references go too.
  sed '/sourceMappingURL=/d' "node_modules/bootstrap/dist/$f" >"$out/$(basename "$f")"
done
cp node_modules/bootstrap/LICENSE "$out/LICENSE"
echo "Bootstrap ${version} in ${out}; update templates/base.html if the version changed."
