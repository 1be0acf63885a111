#!/usr/bin/env bash
# Compiles the tree-sitter-sfapex Apex grammar (the npm package ships only parser.c) to WebAssembly.
# The result, grammar/tree-sitter-apex.wasm, is committed so that `npm install` needs no C toolchain;
# run this script (npm run build:grammar) after changing the tree-sitter-sfapex version.
# Needs Debian's clang-19, lld-19 and wasi-libc; installs them when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=node_modules/tree-sitter-sfapex
[ -f "$pkg/apex/src/parser.c" ] || { echo "build-grammar: $pkg missing; run npm install first" >&2; exit 1; }
if ! command -v clang-19 >/dev/null || ! command -v wasm-ld-19 >/dev/null && ! [ -x /usr/lib/llvm-19/bin/wasm-ld ] || ! [ -d /usr/include/wasm32-wasi ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-19 lld-19 wasi-libc >/dev/null
fi
out=grammar/tree-sitter-apex.wasm
mkdir -p grammar
PATH="/usr/lib/llvm-19/bin:$PATH" clang-19 --target=wasm32-wasi --sysroot=/usr -fPIC -shared -Os -nostdlib \
  -fvisibility=hidden -Wl,--no-entry -Wl,--export=tree_sitter_apex -Wl,--allow-undefined \
  -I "$pkg/apex/src" -o "$out" "$pkg/apex/src/parser.c"
version=$(node -p "require('./$pkg/package.json').version")
echo "tree-sitter-sfapex $version" > grammar/VERSION
echo "built $out ($(stat -c %s "$out") bytes) from tree-sitter-sfapex $version"
