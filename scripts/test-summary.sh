#!/usr/bin/env bash
# One closing line for `make test`, summed over the Surefire and Failsafe
# reports written since the marker file named by $1 (so stale reports of an
# earlier run do not count): Maven's own per-module counts are hidden by -q.
# A failure's details (the assertion, the chapter's output) are printed above
# by Maven; here each failed test is named once more, with its report file.
set -euo pipefail
cd "$(dirname "$0")/.."
marker=$1
mapfile -t reports < <(find . -path '*/target/*-reports/TEST-*.xml' -newer "$marker")
if [ ${#reports[@]} -eq 0 ]; then
  echo "tests: no test report written since $marker" >&2
  exit 1
fi
count() {
  grep -h -o '<testsuite [^>]*' "${reports[@]}" | grep -o " $1=\"[0-9]*\"" | tr -dc '0-9\n' |
    awk '{ sum += $1 } END { print sum + 0 }'
}
tests=$(count tests); failures=$(count failures); errors=$(count errors); skipped=$(count skipped)
for report in "${reports[@]}"; do
  # A <testcase ...> followed by <failure or <error: print "Class.method (report)".
  awk -v file="$report" '
    /<testcase / { match($0, /name="[^"]*"/); name = substr($0, RSTART + 6, RLENGTH - 7)
                   match($0, /classname="[^"]*"/); cls = substr($0, RSTART + 11, RLENGTH - 12) }
    /<(failure|error)[ >]/ { print "  failed: " cls "." name "  (" file ")" }' "$report"
done
echo "tests: $((tests - failures - errors - skipped)) passed, $((failures + errors)) failed, $skipped skipped"
