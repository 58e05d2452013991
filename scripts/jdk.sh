# Sourced by ./sigstack: finds a JDK 21 or newer and exports JAVA_HOME, or stops with a clear message.
# Order: $JAVA_HOME if it is 21+, then the newest 21+ under /usr/lib/jvm, then `java` on the PATH.

sigstack_java_major() {
  # Prints the feature version of the java binary given as $1 (17, 21, 25, ...), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

sigstack_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(sigstack_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      return 0
    fi
    echo "sigstack: JAVA_HOME=$JAVA_HOME is Java ${major:-?}; looking for Java 21+ elsewhere" >&2
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(sigstack_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(sigstack_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then best="$candidate"; fi
  fi
  if [ -z "$best" ]; then
    echo "sigstack: no JDK 21 or newer found (checked \$JAVA_HOME, /usr/lib/jvm/*, and javac on the PATH)." >&2
    echo "sigstack: install one (for example: apt-get install openjdk-21-jdk-headless) or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
