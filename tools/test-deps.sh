#!/bin/sh
# What the tests need beyond Python, brought here by `make test` itself: Debian's Chromium (browser
# and accessibility tests), LibreOffice Calc (the workbook printed to PDF) and the npm packages of
# the test OpenID provider (tests/oidc). Each is installed when it can be done on this machine;
# otherwise the script stops at once with one Swedish line saying what to run.
set -eu
cd "$(dirname "$0")/.."

missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-calc"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installerar det testerna behöver:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "Testerna behöver$missing från Debian: kör sudo apt-get install --no-install-recommends$missing och sedan make test igen." >&2
        exit 1
    fi
fi

if [ ! -d tests/oidc/node_modules/oidc-provider ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "Testerna behöver Node.js 20 eller senare med npm (för OpenID-leverantören i tests/oidc): installera nodejs och npm och kör make test igen." >&2
        exit 1
    fi
    npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error >/dev/null
fi
