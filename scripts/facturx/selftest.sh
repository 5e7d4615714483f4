#!/usr/bin/env bash
# Proves the Factur-X validator can pass and fail: the reference samples must pass
# (exit 0) and the wrong-total copy must fail (exit 1) with BR-CO-15 reported.
# Needs .tools/facturx-venv (scripts/setup-toolchain.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.tools/facturx-venv/bin/python
CHECK=scripts/facturx/check.py
S=scripts/facturx/samples
[ -x "$PY" ] || { echo "facturx selftest: $PY missing, run scripts/setup-toolchain.sh" >&2; exit 2; }
passed=0 failed=0
expect() { # expect WANT_RC DESCRIPTION ARGS...
  local want=$1 what=$2 rc=0; shift 2
  "$PY" "$CHECK" "$@" 2>/tmp/facturx-selftest.$$ || rc=$?
  if [ "$rc" -eq "$want" ]; then passed=$((passed + 1)); echo "ok   $what (exit $rc)"
  else failed=$((failed + 1)); echo "FAIL $what: exit $rc, expected $want"; cat /tmp/facturx-selftest.$$; fi
}
expect 0 "valid invoice passes" "$S/valid-invoice.xml"
expect 0 "valid credit note passes" "$S/valid-credit-note.xml"
expect 1 "wrong total fails" "$S/wrong-total.xml"
json=$(mktemp)
"$PY" "$CHECK" --json "$json" "$S/wrong-total.xml" 2>/dev/null || true
if grep -q '"BR-CO-15"' "$json"; then passed=$((passed + 1)); echo "ok   wrong total reports BR-CO-15"
else failed=$((failed + 1)); echo "FAIL wrong total does not report BR-CO-15"; cat "$json"; fi
expect 2 "missing file is an environment error" "$S/does-not-exist.xml"
rm -f "$json" /tmp/facturx-selftest.$$
echo "facturx selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
