# Sourced by ./sigstack test: the base image before Maven builds the service images onto it (profile "images"), and
# the check, after the tests, that building again from the same inputs gives the same digests.

# Builds images/target/base from the committed lock. When Debian has moved on (exit 3), the test run goes on with a
# lock refreshed into a temporary folder, and says so: CI stays a test of the code, the stale lock is reported.
sigstack_images_base() {
  local rc=0
  images/base/build-base.sh images/target/base || rc=$?
  if [ "$rc" = 3 ]; then
    echo "sigstack: WARNING: images/base/packages.lock is stale (see the line above); this test run builds the base" \
         "from a lock refreshed into images/target/lock: run images/base/lock.sh and commit it" >&2
    SIGSTACK_LOCK_DIR=images/target/lock images/base/lock.sh --packages-only && SIGSTACK_LOCK_DIR=images/target/lock images/base/build-base.sh images/target/base
  elif [ "$rc" != 0 ]; then
    return "$rc"
  fi
}

# Builds the base and the tlog-service image a second time and compares digests with the first build.
sigstack_images_reproducible() {
  local first second base
  first=$(cat images/target/base/base.digest)
  base=$first
  if [ -d images/target/lock ]; then
    SIGSTACK_LOCK_DIR=images/target/lock images/base/build-base.sh images/target/base-again >/dev/null
  else
    images/base/build-base.sh images/target/base-again >/dev/null
  fi
  second=$(cat images/target/base-again/base.digest)
  rm -rf images/target/base-again
  [ "$first" = "$second" ] || { echo "images: the base is not reproducible: $first then $second" >&2; return 1; }
  first=$(cat tlog-service/target/image/tlog-service.digest)
  rm -rf tlog-service/target/image tlog-service/target/*.jar
  ./mvnw -B -q -o -Pimages -DskipTests -Dsigstack.jmh.skip=true -pl tlog-service -am package >/dev/null
  second=$(cat tlog-service/target/image/tlog-service.digest)
  [ "$first" = "$second" ] || { echo "images: tlog-service is not reproducible: $first then $second" >&2; return 1; }
  echo "images: reproducible: built twice, the base gave $base both times and tlog-service $first"
  echo "images: 2 passed, 0 failed"
}
