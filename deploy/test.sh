#!/usr/bin/env bash
# The deployment tests. First .ci/run's database start (.ci/databases.sh) in a fresh Debian 12
# container (deploy/test/ci-databases.sh). Then the compose deployment test: docker-compose.yml's
# demo profile (exporter-demo, bridge, Prometheus, Alertmanager) built and run by `docker compose`
# with deploy/test/compose.test.yml, checked by e2e's ComposeDeploymentIT. As root on Debian it installs compose v2 and starts dockerd (no bridge,
# no iptables; everything on 127.0.0.1) when needed, and stops dockerd again if it started it.
# The base images are built from Debian packages once per machine (see deploy/test/images.sh).
# Where docker cannot run at all it prints why the test is skipped and exits 0.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source deploy/test/docker-env.sh
source deploy/test/images.sh

status=0
docker_env_setup || status=$?
if [ "$status" = 2 ]; then
  printf 'deploy/test: SKIPPED, the compose deployment test needs docker and it cannot run here: %s\n' "$DOCKER_SKIP"
  exit 0
elif [ "$status" != 0 ]; then
  exit "$status"
fi
trap docker_env_stop EXIT

# What the Dockerfiles' defaults (maven:3.9-eclipse-temurin-17, eclipse-temurin:17-jre) and the
# prom/* images provide: Java 17 (+ Maven 3.8+ to build), bash and useradd; Prometheus and
# Alertmanager as /bin/prometheus and /bin/alertmanager running as nobody in /prometheus and
# /alertmanager, with wget for the compose health checks.
path='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
TM_RUNTIME_IMAGE="$(tm_image jre "openjdk-17-jre-headless passwd" "" "$path" 'ENV LANG=C.UTF-8')"
TM_BUILD_IMAGE="$(TM_HOST_FILES="/etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/java/cacerts" \
  tm_image build "openjdk-17-jdk-headless maven passwd" "" "$path" 'ENV LANG=C.UTF-8')"
TM_TEST_PROMETHEUS_IMAGE="$(tm_image prometheus "prometheus wget" \
  "mkdir -p /prometheus && chown 65534:65534 /prometheus" \
  "$path" 'USER nobody' 'WORKDIR /prometheus' 'ENTRYPOINT ["/bin/prometheus"]')"
TM_TEST_ALERTMANAGER_IMAGE="$(tm_image alertmanager "prometheus-alertmanager wget" \
  "ln -sf prometheus-alertmanager /usr/bin/alertmanager && mkdir -p /alertmanager && chown 65534:65534 /alertmanager" \
  "$path" 'USER nobody' 'WORKDIR /alertmanager' 'ENTRYPOINT ["/bin/alertmanager"]')"
export TM_RUNTIME_IMAGE TM_BUILD_IMAGE TM_TEST_PROMETHEUS_IMAGE TM_TEST_ALERTMANAGER_IMAGE

# .ci/run's databases on a fresh Debian 12 without systemd: the packages installed as .ci/run installs
# them (no service started), run with a loopback of its own (--network none: the ports of this
# machine's servers are free in there). Bounded: a run takes about 20 s.
TM_TEST_CI_IMAGE="$(tm_image ci-databases "mariadb-server mariadb-client postgresql postgresql-client" "" \
  "$path" 'ENV LANG=C.UTF-8')"
_dlog ".ci/databases.sh in a fresh Debian 12 container (deploy/test/ci-databases.sh)"
docker rm -f token-monitor-test-ci-databases >/dev/null 2>&1 || true
timeout 300 docker run --rm --name token-monitor-test-ci-databases --network none \
  -v "$root/.ci:/ci:ro" -v "$root/deploy/test/ci-databases.sh:/check.sh:ro" "$TM_TEST_CI_IMAGE" bash /check.sh \
  || { docker rm -f token-monitor-test-ci-databases >/dev/null 2>&1 || true; _dlog ".ci/databases.sh failed"; exit 1; }

command -v javac >/dev/null 2>&1 || _apt openjdk-17-jdk-headless
command -v mvn >/dev/null 2>&1 || _apt maven
_dlog "mvn verify -Ddeploy=true (ComposeDeploymentIT)"
# Only the IT: the reactor (-am) builds e2e's dependencies but runs none of their tests.
report=e2e/target/failsafe-reports/TEST-io.tokenmonitor.e2e.deploy.ComposeDeploymentIT.xml
rm -f "$report"
mvn -B -q -pl e2e -am verify -Ddeploy=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ComposeDeploymentIT -Dfailsafe.failIfNoSpecifiedTests=false
# failIfNoSpecifiedTests is off for the other modules, so make sure the IT itself ran and skipped nothing.
if ! grep -q '<testsuite [^>]*skipped="0"' "$report" 2>/dev/null || grep -q '<testsuite [^>]*tests="0"' "$report"; then
  _dlog "ComposeDeploymentIT did not run (or skipped tests), see $report"
  exit 1
fi
_dlog "passed"
