#!/usr/bin/env bash
# Installs a Java runtime (Debian's openjdk-17-jre-headless) for the local Spark of `make test-spark`,
# if there is no `java` 17 or newer.
set -euo pipefail
java_major() {
    java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}
if command -v java >/dev/null && [ "$(java_major)" -ge 17 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "error: Spark needs Java 17 or newer; run: sudo apt-get install openjdk-17-jre-headless" >&2
    exit 2
fi
echo "installing Debian's openjdk-17-jre-headless..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
java -version
