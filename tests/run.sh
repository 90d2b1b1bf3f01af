#!/usr/bin/env bash
# Runs every test and ends with the line "N passed, N failed".
# SOCKPLAY and UNIT name the binaries under test (make test / make asan set them).
set -u
cd "$(dirname "$0")/.."
: "${SOCKPLAY:=$PWD/sockplay}" "${UNIT:=$PWD/build/unit_tests}"
export SOCKPLAY
export SOCKPLAY_LESSONS=${SOCKPLAY_LESSONS:-$PWD/lua_lessons}   # variant builds live under build/
pass=0 fail=0 skip=0
log=$(mktemp -d)
# Every temporary file and folder the tests make goes under one folder, removed at the end.
export TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/sockplay-tests.XXXXXX")
chmod 1777 "$TMPDIR"      # tests that drop to uid 65534 write here too, as in /tmp

count() {   # reads PASS/FAIL/SKIP lines from a runner's output (a SKIP line says why)
    local out=$1
    local p f s
    p=$(grep -c '^PASS ' "$out"); f=$(grep -c '^FAIL ' "$out"); s=$(grep -c '^SKIP ' "$out")
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
}

# The READLINE=no build, for the fallback line reader's terminal test.
if [ -z "${SOCKPLAY_PLAIN:-}" ]; then
    if make -s BUILD=build/plain READLINE=no build/plain/sockplay >"$log/plain.txt" 2>&1; then
        export SOCKPLAY_PLAIN=$PWD/build/plain/sockplay
    else
        echo "FAIL build with READLINE=no:"; cat "$log/plain.txt"; fail=$((fail + 1))
    fi
fi

echo "== unit tests"
if out=$("$UNIT"); then :; fi
echo "$out" | tail -n 5
p=$(echo "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$p" ]; then echo "FAIL unit tests did not finish"; fail=$((fail + 1)); else pass=$((pass + p)); fail=$((fail + f)); fi

for t in tests/test_*.py; do
    echo "== $t"
    timeout 600 python3 "$t" >"$log/out.txt" 2>&1
    rc=$?
    cat "$log/out.txt"
    count "$log/out.txt"
    if [ $rc -ne 0 ]; then echo "FAIL $t exited with $rc"; fail=$((fail + 1)); fi
done
rm -rf "$log" "$TMPDIR"
if [ "$skip" -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]
