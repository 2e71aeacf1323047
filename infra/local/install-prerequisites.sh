#!/usr/bin/env bash
# Installs what the local stack runs on, from Debian's packages: a Java 17 runtime and Maven (Kafka,
# Connect, Debezium and Apicurio come from Maven Central through them), the PostgreSQL and MariaDB
# servers (the ERP databases), Prometheus (its server scrapes the local roles and Kafka Connect and
# evaluates the chart's alert rules; its promtool tests them), Alertmanager, nginx (an
# authenticating proxy in front of the registry in the registry-auth test) and openssl (the
# broker's TLS certificates). Node.js 20 must already be there. Safe to run again: it installs only
# what is missing.
set -euo pipefail

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

java_ok() {
  have_cmd java || return 1
  local major
  major=$(java -version 2>&1 | sed -nE 's/.*version "([0-9]+).*/\1/p' | head -n1)
  [ -n "$major" ] && [ "$major" -ge 17 ]
}

java_ok || need+=(openjdk-17-jre-headless)
have_cmd mvn || need+=(maven)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
have_cmd psql || need+=(postgresql-client)
have_cmd mariadbd || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
have_pkg mariadb-client || have_cmd mariadb || need+=(mariadb-client)
have_cmd tar || need+=(tar)
{ have_cmd promtool && have_cmd prometheus; } || need+=(prometheus)
have_cmd prometheus-alertmanager || need+=(prometheus-alertmanager)
have_cmd nginx || [ -x /usr/sbin/nginx ] || need+=(nginx)
have_cmd openssl || need+=(openssl)

if ! have_cmd node || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "syncline needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none)); install it first." >&2
  exit 1
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "prerequisites: all present (Java 17+, Maven, PostgreSQL, MariaDB, Prometheus, Alertmanager, nginx, openssl, Node $(node --version))"
  exit 0
fi

if ! have_cmd apt-get; then
  echo "Missing: ${need[*]}. This script installs them with apt-get (Debian/Ubuntu); install them with your system's package manager." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  have_cmd sudo || { echo "Missing: ${need[*]}; run this script as root or install sudo." >&2; exit 1; }
  sudo="sudo"
fi

echo "prerequisites: installing ${need[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Debian starts a packaged server on install where it can; the stack runs its own clusters on their
# own ports and data folders, so the packaged services are not needed. Where no policy-rc.d says
# otherwise, one that refuses every start keeps them down during the install (the packaged
# Prometheus and Alertmanager services would take ports 9090 and 9093, Kafka's controller port;
# nginx's would take 80).
policy=/usr/sbin/policy-rc.d
own_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  own_policy=1
fi
status=0
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || status=$?
[ -n "$own_policy" ] && $sudo rm -f "$policy"
[ "$status" -eq 0 ] || exit "$status"
echo "prerequisites: installed ${need[*]}"
