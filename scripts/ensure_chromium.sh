#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright; Playwright's own browser
# download does not work here. Install it when we can (root, apt-get); otherwise say that those tests skip.
# Never fails: without Chromium the browser tests are skipped, the rest of the suite still runs.
set -uo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "browser: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "browser: $CHROMIUM is missing; installing Debian's chromium (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq chromium >/dev/null; then
    echo "browser: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
    exit 0
  fi
  echo "browser: NOTE: apt-get could not install chromium; browser tests will be skipped." >&2
  exit 0
fi

echo "browser: NOTE: $CHROMIUM not found and not root (or no apt-get); browser tests will be skipped." >&2
echo "browser:       install it with: sudo apt-get install chromium" >&2
exit 0
