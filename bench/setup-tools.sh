#!/usr/bin/env bash
# Installs the comparison tools into the git-ignored bench/.tools (idempotent):
#  - PMD 7 jars from @salesforce/code-analyzer-pmd-engine (dist/java-lib), run on Java 17
#  - secretlint with @secretlint/secretlint-rule-preset-recommend (v10: the last line for Node 20)
set -euo pipefail
cd "$(dirname "$0")"
PMD_ENGINE=0.46.0
SECRETLINT=10.2.2
if ! command -v java >/dev/null || ! java -version 2>&1 | grep -qE 'version "(17|2[0-9])'; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
stamp=".tools/.installed-$PMD_ENGINE-$SECRETLINT"
if [ ! -f "$stamp" ]; then
  mkdir -p .tools
  echo '{"name":"apiguard-bench-tools","private":true}' > .tools/package.json
  (cd .tools && npm install --no-audit --no-fund --loglevel=error --save-exact \
     "@salesforce/code-analyzer-pmd-engine@$PMD_ENGINE" "secretlint@$SECRETLINT" "@secretlint/secretlint-rule-preset-recommend@$SECRETLINT")
  touch "$stamp"
fi
ls .tools/node_modules/@salesforce/code-analyzer-pmd-engine/dist/java-lib/*.jar >/dev/null
test -x .tools/node_modules/.bin/secretlint
