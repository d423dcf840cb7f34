#!/bin/sh
# SPDX-License-Identifier: ISC
# The test command of the README: install what the tests need, build, and
# run every test (unit, golden, hostile, integration with a real Postfix,
# snmpd and MRTG, the sanitizer build, and a short fuzzing run).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
make clean >/dev/null
make check
