#!/usr/bin/env bash
# Browser tests: the page's client module under Node's test runner, then the end-to-end test in
# headless Chromium against ./parley server (which builds the jar first if it is stale).
# Needs node/npm and Debian's chromium (apt-get install chromium); never downloads a browser.
#   src/test/e2e/run.sh          what CI runs after the Maven tests
# Writes screenshots to target/e2e-screenshots/ (PARLEY_SCREENSHOT_DIR=docs refreshes the pictures in docs/
# that the README and docs/web.md show: screenshot-{1280,390}-{light,dark}.png).
set -euo pipefail
cd "$(dirname "$0")"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  timeout 300 npm ci --no-audit --no-fund --loglevel=error
fi
# The whole run is bounded too, in case a browser hangs where no single wait can see it.
exec timeout 600 node --test --test-concurrency=1 chat-client.test.mjs chat.e2e.mjs
