# Sourced by the scripts: finds a JDK >= 21 and exports JAVA_HOME and PATH for it.
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
ensure_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "vectrain: installing maven with apt-get" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null
  fi
  command -v mvn >/dev/null 2>&1 || { echo "vectrain: Maven (mvn) is missing and could not be installed" >&2; exit 2; }
}
