/**
 * Project-wide values: Apex static constants of every class, Custom Labels and custom metadata
 * records, kept per file in `ProjectIndex.symbols` so that one changed file updates only its own
 * entries. `resolve()` in the Apex model asks here for `Other.CONST`, `Label.X` and CMDT reads.
 * Pure (no IO); lookups are cached per symbols map and the cache is dropped on every update.
 */
import { scanApexConstants, type ApexConstantFact } from './apex/constants';
import { extractLabels, extractMetadataRecord, isLabelsPath, isMetadataRecordPath, type LabelFact, type MetadataRecordFact } from './metadata/values';
import type { FileSymbols, ProjectIndex } from './project';
import type { Range } from './types';

/** A piece of a project value: a literal with the file and range where it is written, or something only known at run time. */
export type SymbolPart =
  | { kind: 'literal'; value: string; path: string; range: Range; declaredAs: string }
  | { kind: 'dynamic'; text: string };

/** Whether a file can hold project values (Apex class or trigger, labels, custom metadata record). */
export function holdsSymbols(path: string): boolean {
  return /\.(cls|trigger)$/i.test(path) || isLabelsPath(path) || isMetadataRecordPath(path);
}

/** The values one file offers other files; undefined when it offers none. */
export function symbolsOf(path: string, text: string): FileSymbols | undefined {
  const s: FileSymbols = { constants: [], labels: [], records: [] };
  if (/\.(cls|trigger)$/i.test(path)) { s.constants = scanApexConstants(path, text); }
  else if (isLabelsPath(path)) { s.labels = extractLabels(path, text); }
  else if (isMetadataRecordPath(path)) { const r = extractMetadataRecord(path, text); if (r) { s.records = [r]; } }
  return s.constants.length || s.labels.length || s.records.length ? s : undefined;
}

/**
 * Replaces one file's values (undefined: the file offers none, or was deleted). Returns the names
 * whose values changed, lower-cased (class paths, `label.<name>`, `<type>__mdt`), so that the files
 * reading them can be linted again; empty when nothing changed.
 */
export function setFileSymbols(project: ProjectIndex, path: string, syms: FileSymbols | undefined): string[] {
  const map = project.symbols ??= new Map<string, FileSymbols>();
  const old = map.get(path);
  if (!old && !syms) { return []; }
  if (old && syms && JSON.stringify(old) === JSON.stringify(syms)) { return []; }
  if (syms) { map.set(path, syms); } else { map.delete(path); }
  lookups.delete(map);
  const names = new Set<string>();
  for (const s of [old, syms]) {
    for (const c of s?.constants ?? []) { names.add(c.className.toLowerCase()); }
    for (const l of s?.labels ?? []) { names.add(`label.${l.name.toLowerCase()}`); }
    for (const r of s?.records ?? []) { names.add(`${r.type.toLowerCase()}__mdt`); }
  }
  return [...names];
}

/** Whether an Apex text reads any of `names` (as returned by setFileSymbols): a cheap text test. */
export function readsAny(text: string, names: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return names.some(n => {
    if (n.startsWith('label.')) { return lower.includes(n); }
    const simple = n.slice(n.lastIndexOf('.') + 1);
    return lower.includes(`${simple}.`) || lower.includes(`${simple}__mdt`);
  });
}

interface Lookup {
  constants: Map<string, ApexConstantFact>;
  labels: Map<string, LabelFact>;
  records: Map<string, MetadataRecordFact>;
  byType: Map<string, MetadataRecordFact[]>;
}
const lookups = new WeakMap<Map<string, FileSymbols>, Lookup>();

function lookupOf(project: ProjectIndex): Lookup | undefined {
  const map = project.symbols;
  if (!map?.size) { return undefined; }
  let l = lookups.get(map);
  if (!l) {
    l = { constants: new Map(), labels: new Map(), records: new Map(), byType: new Map() };
    // Paths in order, so that a name defined twice (two package directories) resolves the same way every time.
    for (const path of [...map.keys()].sort()) {
      const s = map.get(path)!;
      for (const c of s.constants) {
        const k = `${c.className.toLowerCase()}.${c.name.toLowerCase()}`;
        if (!l.constants.has(k)) { l.constants.set(k, c); }
      }
      for (const x of s.labels) { const k = x.name.toLowerCase(); if (!l.labels.has(k)) { l.labels.set(k, x); } }
      for (const r of s.records) {
        const k = `${r.type.toLowerCase()}.${r.record.toLowerCase()}`;
        if (!l.records.has(k)) { l.records.set(k, r); }
        const t = r.type.toLowerCase();
        const list = l.byType.get(t);
        if (list) { list.push(r); } else { l.byType.set(t, [r]); }
      }
    }
    lookups.set(map, l);
  }
  return l;
}

export function findConstant(project: ProjectIndex, classPath: string, name: string): ApexConstantFact | undefined {
  return lookupOf(project)?.constants.get(`${classPath.toLowerCase()}.${name.toLowerCase()}`);
}
export function findLabel(project: ProjectIndex, name: string): LabelFact | undefined {
  return lookupOf(project)?.labels.get(name.toLowerCase());
}
/** `type` with or without `__mdt`. */
export function findRecord(project: ProjectIndex, type: string, record: string): MetadataRecordFact | undefined {
  return lookupOf(project)?.records.get(`${type.toLowerCase().replace(/__mdt$/, '')}.${record.toLowerCase()}`);
}
export function recordsOfType(project: ProjectIndex, type: string): MetadataRecordFact[] {
  return lookupOf(project)?.byType.get(type.toLowerCase().replace(/__mdt$/, '')) ?? [];
}

/** A label's value as a part. */
export function labelValue(l: LabelFact): SymbolPart[] {
  return [{ kind: 'literal', value: l.value, path: l.path, range: l.range, declaredAs: `Label.${l.name}` }];
}

/** One field of a record as a part; undefined when the record has no value for it. */
export function recordValue(r: MetadataRecordFact, field: string): SymbolPart[] | undefined {
  const v = r.values.find(x => x.field.toLowerCase() === field.toLowerCase());
  return v ? [{ kind: 'literal', value: v.value, path: r.path, range: v.range, declaredAs: `${r.type}.${r.record}.${v.field}` }] : undefined;
}

/**
 * What a dotted name read from Apex holds project-wide: `Other.CONST`, `Outer.Inner.CONST`,
 * `Label.X`, `System.Label.X`; `fromClass` is the class path of the reading code, so that
 * `CONST` and `Inner.CONST` inside it resolve. Undefined when the project does not define it.
 */
export function resolveName(project: ProjectIndex, dotted: string, fromClass?: string, depth = 0, visiting = new Set<string>()): SymbolPart[] | undefined {
  const l = lookupOf(project);
  if (!l || depth > 16) { return undefined; }
  const segs = dotted.split('.');
  const lowerSegs = segs.map(s => s.toLowerCase());
  if ((lowerSegs.length === 2 && lowerSegs[0] === 'label') || (lowerSegs.length === 3 && lowerSegs[0] === 'system' && lowerSegs[1] === 'label')) {
    const lab = l.labels.get(lowerSegs[lowerSegs.length - 1]);
    return lab ? labelValue(lab) : undefined;
  }
  // Candidates: as written, then relative to the reading class and its outer classes.
  const cands: string[] = [dotted.toLowerCase()];
  if (fromClass) {
    const outer = fromClass.toLowerCase().split('.');
    for (let k = outer.length; k >= 1; k--) { cands.push(`${outer.slice(0, k).join('.')}.${dotted.toLowerCase()}`); }
  }
  for (const k of cands) {
    const c = l.constants.get(k);
    if (!c) { continue; }
    if (visiting.has(k)) { return [{ kind: 'dynamic', text: dotted }]; }
    visiting.add(k);
    try { return constantValue(project, c, depth, visiting); } finally { visiting.delete(k); }
  }
  return undefined;
}

/** The value of a constant, its references followed. */
export function constantValue(project: ProjectIndex, c: ApexConstantFact, depth = 0, visiting = new Set<string>()): SymbolPart[] {
  const out: SymbolPart[] = [];
  const declaredAs = `${c.className}.${c.name}`;
  for (const p of c.parts) {
    if (p.kind === 'literal') { out.push({ kind: 'literal', value: p.value, path: c.path, range: p.range, declaredAs }); continue; }
    if (p.kind === 'ref') {
      const r = resolveName(project, p.text, c.className, depth + 1, visiting);
      if (r) { out.push(...r); continue; }
    }
    out.push({ kind: 'dynamic', text: p.text });
  }
  return out;
}
