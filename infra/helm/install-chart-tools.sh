#!/usr/bin/env bash
# Builds the tools the chart tests run (helm, kubeconform, helm-unittest) from the Go module proxy
# into a cache folder outside the clone, so a machine that has run this before starts at once.
# Each tool is rebuilt only when its pinned version changes (a stamp file beside the binary).
# promtool comes from Debian's prometheus package (infra/local/install-prerequisites.sh).
set -euo pipefail

HELM_VERSION=v4.3.2
KUBECONFORM_VERSION=v0.8.0
HELM_UNITTEST_VERSION=v1.1.2

bin="${SYNCLINE_TOOLS_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/syncline/bin}"
mkdir -p "$bin"

if ! command -v go >/dev/null 2>&1; then
  echo "chart tools: Go is needed to build helm, kubeconform and helm-unittest from the Go module proxy; install Go 1.24 or newer first." >&2
  exit 1
fi

current() { [ -x "$bin/$1" ] && [ "$(cat "$bin/.$1.version" 2>/dev/null)" = "$2" ]; }
stamp() { echo "$2" >"$bin/.$1.version"; }

built=()
if ! current helm "$HELM_VERSION"; then
  GOBIN="$bin" go install "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
  stamp helm "$HELM_VERSION"
  built+=("helm $HELM_VERSION")
fi

if ! current kubeconform "$KUBECONFORM_VERSION"; then
  GOBIN="$bin" go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  stamp kubeconform "$KUBECONFORM_VERSION"
  built+=("kubeconform $KUBECONFORM_VERSION")
fi

# `go install helm-unittest@version` refuses it: its go.mod has a replace directive, which only the
# main module may carry. So a throwaway module requires it and repeats that replace.
if ! current helm-unittest "$HELM_UNITTEST_VERSION"; then
  module="$(mktemp -d)"
  trap 'rm -rf "$module"' EXIT
  cat >"$module/go.mod" <<MOD
module syncline.invalid/chart-tools

go 1.24

require github.com/helm-unittest/helm-unittest $HELM_UNITTEST_VERSION

replace github.com/vmware-labs/yaml-jsonpath v0.3.2 => github.com/helm-unittest/yaml-jsonpath v0.4.0
MOD
  cat >"$module/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/helm-unittest/helm-unittest/cmd/helm-unittest"
GO
  (cd "$module" && go mod tidy && go build -o "$bin/helm-unittest" github.com/helm-unittest/helm-unittest/cmd/helm-unittest)
  stamp helm-unittest "$HELM_UNITTEST_VERSION"
  built+=("helm-unittest $HELM_UNITTEST_VERSION")
fi

if [ ${#built[@]} -eq 0 ]; then
  echo "chart tools: all present in $bin (helm $HELM_VERSION, kubeconform $KUBECONFORM_VERSION, helm-unittest $HELM_UNITTEST_VERSION)"
else
  echo "chart tools: built ${built[*]} into $bin"
fi
