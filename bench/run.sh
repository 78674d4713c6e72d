#!/usr/bin/env bash
# Runs the bench's experiments and regenerates docs/performance.md from them.
#
#   bench/run.sh                   the quick set: at most 5 minutes on a 2-core machine
#   bench/run.sh --full            longer rows, repeated (median and min-max): about an hour
#   bench/run.sh [--full] NAME...  only these experiments: throughput backlog scaling cold modes cork nagle
#                                  (the page is rendered again from every saved experiment; "page" only renders)
#   --no-build                     use what is already built
#
# Needs: a JDK (17 or later), Maven, gcc, ab (Debian: apt-get install apache2-utils);
# perf is optional (Debian: linux-perf; the modes experiment says when it is missing),
# and so is JDK 25 at /usr/lib/jvm/temurin-25-jdk-amd64 (the cold experiment's JDK 25 curves).
# All load goes to 127.0.0.0/8, bounded in count and time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."

build=1
args=()
for a in "$@"; do
    case "$a" in
        --no-build) build=0 ;;
        -h|--help) sed -n '2,14p' "$here/run.sh" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$a") ;;
    esac
done

missing=0
need() { # need PROGRAM HOW-TO-INSTALL
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "bench: '$1' is not installed; $2" >&2
        missing=1
    fi
}
need java "install a JDK 17 or later"
need gcc "Debian: apt-get install gcc"
[ "$build" = 0 ] || need mvn "Debian: apt-get install maven"
# ab is the yardstick the load generator is compared with, and the cold experiment's student client.
if [ ${#args[@]} -eq 0 ] || printf '%s\n' "${args[@]}" | grep -qx -e all -e throughput -e cold; then
    need ab "Debian: apt-get install apache2-utils (ApacheBench)"
fi
[ "$missing" = 0 ] || exit 1
command -v perf >/dev/null 2>&1 || echo "bench: perf is not installed: the modes experiment will say so (Debian: apt-get install linux-perf)" >&2

if [ "$build" = 1 ]; then
    echo "bench: building (mvn -B -q -DskipTests package)" >&2
    mvn -B -q -DskipTests package
fi

# The scaling experiment holds up to 19,000 idle connections: as many descriptors
# as the hard limit allows (the JVM raises its own soft limit; this is for the C programs).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec java -Dbench.root=. -Djava.awt.headless=true \
    -cp "bench/target/classes:bench/target/lib/*" bench.Main ${args[@]+"${args[@]}"}
