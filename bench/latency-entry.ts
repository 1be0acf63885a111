// Entry bundled by bench/latency.mjs: the engine and the project index, exactly as the CLI uses them.
import { readFileSync } from 'node:fs';
export { createEngine } from '../src/node/createEngine';
export { fileKindOf } from '../src/core/fileKind';
import { emptyProject, readSfdxProject } from '../src/core/project';
import * as facts from '../src/core/metadata/facts';

export function buildIndex(root: string, files: string[]) {
  const relevant = files.filter(f => /namedCredentials|externalCredentials|remoteSiteSettings/.test(f));
  let sfdx: string | undefined;
  try { sfdx = readFileSync(`${root}/sfdx-project.json`, 'utf8'); } catch { sfdx = undefined; }
  const b = (facts as { buildProjectIndex?: (r: string, f: Array<{ path: string; text: string }>, s?: string) => unknown }).buildProjectIndex;
  if (b) { return b(root, relevant.map(p => ({ path: p, text: readFileSync(p, 'utf8') })), sfdx); }
  return { ...emptyProject(root), ...(sfdx ? readSfdxProject(sfdx) : {}) };
}
export { apexRulesMayReport } from '../src/core/apex/precheck';
export { loadProjectIndex } from '../src/node/scan';
export { testClassSpan } from '../src/core/apex/testClass';
export { modelledRanges, parseTrim } from '../src/core/apex/members';
export { parseApex } from '../src/core/apex/parser';
