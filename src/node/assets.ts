import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ApexParserAssets } from '../core/apex/parser';

/**
 * Finds the two WebAssembly files: next to the bundle (`dist/`, what ships in the VSIX and the
 * CLI) or, when running from compiled tests (`out/`), in `grammar/` and `node_modules`.
 */
export function locateApexAssets(from = __dirname): ApexParserAssets {
  const names = { runtimeWasm: 'tree-sitter.wasm', grammarWasm: 'tree-sitter-apex.wasm' } as const;
  const found: Partial<ApexParserAssets> = {};
  for (let dir = from, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    for (const key of Object.keys(names) as Array<keyof ApexParserAssets>) {
      if (found[key]) { continue; }
      const candidates = [path.join(dir, names[key]), path.join(dir, 'dist', names[key]),
        key === 'grammarWasm' ? path.join(dir, 'grammar', names[key]) : path.join(dir, 'node_modules', 'web-tree-sitter', names[key])];
      found[key] = candidates.find(c => existsSync(c));
    }
    if (found.runtimeWasm && found.grammarWasm) { return found as ApexParserAssets; }
  }
  throw new Error(`API Guard: cannot find ${!found.grammarWasm ? names.grammarWasm : names.runtimeWasm} near ${from}; run npm run build`);
}
