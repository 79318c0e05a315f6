# Sourced by the exporter's benchmark scripts (bench.sh, bench-accounts.sh, bench-passes.sh): compiles the test
# classes and runs one benchmark class from private copies of them, so that a build running beside the benchmark
# cannot change its classes mid-run. Sets $work, a scratch directory deleted at exit.
work="$(mktemp -d "${TMPDIR:-/tmp}/tm-bench-cp.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# bench_java [JAVA_OPTION...] CLASS [ARG...]: CLASS (in io.tokenmonitor.exporter.bench) is the first word that does
# not start with '-'.
bench_java() {
  local options=()
  while [ "${1#-}" != "$1" ]; do
    options+=("$1")
    shift
  done
  local class="$1"
  shift
  # -am: common comes from the reactor, so a machine that never installed it can run this.
  mvn -q -B -pl exporter -am test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath"
  cp -r exporter/target/classes "$work/classes"
  cp -r exporter/target/test-classes "$work/test-classes"
  java "${options[@]}" -cp "$work/test-classes:$work/classes:$(cat "$work/classpath")" \
      "io.tokenmonitor.exporter.bench.$class" "$@"
}
