import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Tree } from 'web-tree-sitter';
import { parseApex } from '../core/apex/parser';
import type { ApexUnit } from '../core/surface/analyze';
import { buildInventory } from '../core/surface/inventory';
import { mayExpose } from '../core/surface/risks';
import type { SurfaceInventory } from '../core/surface/types';
import { createEngine } from './createEngine';
import { discoverFiles } from './discover';
import { accessKindOf, buildAccess } from '../core/surface/access';
import { readAll, readOne } from './scan';
import { metadataTypeOf } from '../core/metadata/types';
import { objectFact } from '../core/metadata/facts';

/**
 * The project's inbound API surface. Reads every Apex class once (text), parses the ones that can
 * declare an entry point, and parses any other class only when an entry point calls into it; the
 * access facts (profiles, permission sets, groups, connected apps) are read as `loadProjectIndex`
 * reads them, without the rest of the index (its constant scan would read every class once more).
 */
export async function loadSurface(root: string, options: { exclude?: readonly string[]; signal?: AbortSignal } = {}): Promise<SurfaceInventory> {
  await createEngine(); // loads the grammar once per process
  const files = await discoverFiles(root, { exclude: options.exclude ?? [] }, options.signal);
  const access = buildAccess(await readAll(files.filter(f => accessKindOf(f) !== undefined)));
  // Custom settings are not shared records (their object metadata says customSettingsType).
  const objects = await readAll(files.filter(f => /__c\.object(-meta\.xml)?$/i.test(f) && metadataTypeOf(f) === 'CustomObject'));
  const customSettings = objects.map(o => objectFact(o.path, o.text)).filter(o => o.customSettingsType).map(o => o.name.toLowerCase());
  const notes: string[] = [];
  const trees: Tree[] = [];
  const byClass = new Map<string, string>();
  const units: ApexUnit[] = [];
  const parse = (file: string, text: string): ApexUnit | undefined => {
    try {
      const tree = parseApex(text);
      trees.push(tree);
      return { path: file, root: tree.rootNode };
    } catch (e) {
      notes.push(`${path.relative(root, file)}: not parsed (${(e as Error).message}).`);
      return undefined;
    }
  };
  // Who extends or implements what, from the class headers (text): calls through an interface or a
  // virtual method reach the project's implementations, parsed only when such a call is followed.
  const subtypes = new Map<string, Set<string>>();
  for (const f of files.filter(x => x.endsWith('.cls'))) {
    const r = await readOne(f);
    if (r.text === undefined) { notes.push(`${path.relative(root, f)}: ${r.note?.message ?? 'unreadable'}`); continue; }
    const outer = path.basename(f, '.cls').toLowerCase();
    byClass.set(outer, f);
    for (const sup of supertypesIn(r.text)) { (subtypes.get(sup) ?? subtypes.set(sup, new Set()).get(sup)!).add(outer); }
    if (mayExpose(r.text)) {
      const u = parse(f, r.text);
      if (u) { units.push(u); }
    }
  }
  const cache = new Map<string, ApexUnit | undefined>();
  const load = (lower: string): ApexUnit | undefined => {
    const file = byClass.get(lower);
    if (!file || units.some(u => u.path === file)) { return undefined; }
    if (!cache.has(file)) {
      // Synchronous read: the analysis is synchronous and only classes an entry point calls get here.
      let text: string | undefined;
      try { text = readFileSync(file, 'utf8'); } catch { notes.push(`${path.relative(root, file)}: unreadable.`); }
      cache.set(file, text === undefined ? undefined : parse(file, text));
    }
    return cache.get(file);
  };
  try {
    return buildInventory(units, { ...access, customSettings }, notes, load, sup => [...subtypes.get(sup) ?? []]);
  } finally {
    for (const t of trees) { t.delete(); }
  }
}

/** The types the class and interface headers of an Apex text extend or implement (lower-cased, last segment). */
export function supertypesIn(text: string): string[] {
  if (!/\b(extends|implements)\b/i.test(text)) { return []; }
  const out = new Set<string>();
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'/g, ' ');
  for (const m of code.matchAll(/\b(?:class|interface)\s+\w+\s+((?:extends|implements)\b[^{;]*)\{/gi)) {
    for (const t of m[1].replace(/<[^<>]*(?:<[^<>]*>[^<>]*)*>/g, ' ').split(/\bextends\b|\bimplements\b|,/i)) {
      const name = t.trim().split('.').pop()?.trim().toLowerCase();
      if (name && /^\w+$/.test(name)) { out.add(name); }
    }
  }
  return [...out];
}

