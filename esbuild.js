// Bundles the extension, the CLI, and the lazily loaded parts. `--production` minifies (with source
// maps), `--watch` rebuilds on change. The WebAssembly files are copied next to the bundles.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** entry point → bundle; optional entries are built only when their source exists. */
const entries = [
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/cli/main.ts', out: 'cli', banner: '#!/usr/bin/env node' },
  { in: 'src/extension/worker.ts', out: 'worker', optional: true },
  { in: 'src/node/lintWorker.ts', out: 'lintWorker' },
  { in: 'src/org/index.ts', out: 'org', optional: true },
  // The Org Dashboard's webview script (uPlot + its CSS → dist/dashboard.js, dist/dashboard.css):
  // runs in the webview, loaded only when the dashboard opens.
  { in: 'src/extension/org/dashboard/webview.ts', out: 'dashboard', optional: true, platform: 'browser', format: 'iife' },
].filter(e => !e.optional || fs.existsSync(e.in));

const copyAssets = {
  name: 'copy-wasm',
  setup(build) {
    build.onEnd(() => {
      fs.mkdirSync('dist', { recursive: true });
      fs.copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
      fs.copyFileSync('grammar/tree-sitter-apex.wasm', 'dist/tree-sitter-apex.wasm');
      if (fs.existsSync('dist/cli.js')) { fs.chmodSync('dist/cli.js', 0o755); }
    });
  },
};

async function main() {
  const contexts = await Promise.all(entries.map(e => esbuild.context({
    entryPoints: { [e.out]: e.in },
    bundle: true,
    format: e.format ?? 'cjs',
    platform: e.platform ?? 'node',
    target: e.platform === 'browser' ? 'es2022' : 'node20',
    outdir: 'dist',
    // vscode is provided by the host; the org bundle is loaded at first use, never bundled twice.
    external: ['vscode', './org', './org.js'],
    minify: production,
    sourcemap: true,
    sourcesContent: !production,
    logLevel: 'warning',
    legalComments: 'none',
    // web-tree-sitter's ESM build reads import.meta.url, which is empty in a CommonJS bundle.
    define: e.platform === 'browser' ? {} : { 'import.meta.url': '__apiguardImportMetaUrl' },
    banner: e.platform === 'browser' ? {} : { js: (e.banner ? e.banner + '\n' : '') + 'var __apiguardImportMetaUrl = require("url").pathToFileURL(__filename).href;' },
    plugins: [copyAssets],
  })));
  if (watch) {
    await Promise.all(contexts.map(c => c.watch()));
    console.log('esbuild: watching');
  } else {
    await Promise.all(contexts.map(c => c.rebuild()));
    await Promise.all(contexts.map(c => c.dispose()));
    const sizes = entries.map(e => `${e.out}.js ${(fs.statSync(path.join('dist', e.out + '.js')).size / 1024).toFixed(0)} KiB`);
    if (!process.env.npm_config_silent && process.env.npm_config_loglevel !== 'silent') { console.log('esbuild: ' + sizes.join(', ')); }
  }
}
main().catch(e => { console.error(e); process.exit(1); });
