# Sourced by the scripts: finds a JDK >= 21 and exports JAVA_HOME and PATH for it, and the JVM flags every
# training command starts with (VECTRAIN_DEFAULT_JAVA_OPTS, below).
# Order: JAVA_HOME when new enough, then `java` on PATH, then the newest under /usr/lib/jvm.
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1
}
find_jdk() {
  local cand v
  for cand in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")" \
              $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    cand=${cand%/}
    [ -n "$cand" ] && [ -x "$cand/bin/javac" ] || continue
    v=$(java_major "$cand")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$cand"; return 0
    fi
  done
  return 1
}
JDK=$(find_jdk) || { echo "vectrain: no JDK >= 21 found (looked at JAVA_HOME, PATH and /usr/lib/jvm). Install one, e.g. apt-get install -y openjdk-21-jdk, or set JAVA_HOME." >&2; exit 2; }
export JAVA_HOME="$JDK"
export PATH="$JAVA_HOME/bin:$PATH"

# The JVM flags scripts/train and native-bench/run put before ${VECTRAIN_JAVA_OPTS} (so a user's -Xmx, -Xmn
# ... there win), chosen for a low resident set without slowing training (README, "Memory"):
#   -XX:+UseSerialGC   the training loop allocates nothing, so one small, simple collector is enough; G1's
#                      adaptive young generation grows to hundreds of MB on the JIT's warm-up garbage
#   -Xmn24m            a fixed 24 MB young generation: warm-up garbage dies there, and the heap only grows
#                      with live data (no -Xmx: the JVM's default limit, 1/4 of RAM, stays available)
#   -XX:TrimNativeHeapInterval=1000   return the C2 compiler's freed scratch memory (tens of MB while the
#                      vector kernels compile) to the OS every second (JDK 22+, and 21.0.1+ where present)
# Set VECTRAIN_DEFAULT_JAVA_OPTS yourself (even to nothing) to replace them.
vectrain_default_java_opts() {
  local opts="-XX:+UseSerialGC -Xmn24m" v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null)
  if [ "${v:-0}" -ge 22 ] 2>/dev/null \
     || "$JAVA_HOME/bin/java" -XX:TrimNativeHeapInterval=1000 -version >/dev/null 2>&1; then
    opts="$opts -XX:TrimNativeHeapInterval=1000"
  fi
  echo "$opts"
}
export VECTRAIN_DEFAULT_JAVA_OPTS="${VECTRAIN_DEFAULT_JAVA_OPTS-$(vectrain_default_java_opts)}"
ensure_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "vectrain: installing maven with apt-get" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null
  fi
  command -v mvn >/dev/null 2>&1 || { echo "vectrain: Maven (mvn) is missing and could not be installed" >&2; exit 2; }
}
