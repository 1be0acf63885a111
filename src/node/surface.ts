import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Tree } from 'web-tree-sitter';
import { parseApex } from '../core/apex/parser';
import { analyzeSurface, ClassTable, type ApexUnit } from '../core/surface/analyze';
import { inventoryOf } from '../core/surface/inventory';
import { mayExpose } from '../core/surface/risks';
import type { ClassSurface, SurfaceInventory } from '../core/surface/types';
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
export async function loadSurface(root: string, options: { exclude?: readonly string[]; signal?: AbortSignal; /** Parsed classes kept between entry-point files (default MAX_TREES). */ maxTrees?: number } = {}): Promise<SurfaceInventory> {
  const maxTrees = options.maxTrees ?? MAX_TREES;
  await createEngine(); // loads the grammar once per process
  const files = await discoverFiles(root, { exclude: options.exclude ?? [] }, options.signal);
  const access = buildAccess(await readAll(files.filter(f => accessKindOf(f) !== undefined)));
  // Custom settings are not shared records (their object metadata says customSettingsType).
  const objects = await readAll(files.filter(f => /__c\.object(-meta\.xml)?$/i.test(f) && metadataTypeOf(f) === 'CustomObject'));
  const customSettings = objects.map(o => objectFact(o.path, o.text)).filter(o => o.customSettingsType).map(o => o.name.toLowerCase());
  const notes: string[] = [];
  // Parsed trees, oldest first: at most MAX_TREES are kept between two entry-point files (a tree is
  // far larger than what the analysis keeps of it); an evicted class is parsed again if called later.
  const trees = new Map<string, Tree>();
  const byClass = new Map<string, string>();
  const exposed = new Map<string, string>();
  const parse = (file: string, text: string): ApexUnit | undefined => {
    try {
      const tree = parseApex(text);
      trees.set(file, tree);
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
    if (mayExpose(r.text)) { exposed.set(f, r.text); }
  }
  const unreadable = new Set<string>();
  const load = (lower: string): ApexUnit | undefined => {
    const file = byClass.get(lower);
    if (!file || unreadable.has(file)) { return undefined; }
    // Synchronous read: the analysis is synchronous and only classes an entry point calls get here.
    let text = exposed.get(file);
    if (text === undefined) {
      try { text = readFileSync(file, 'utf8'); } catch { notes.push(`${path.relative(root, file)}: unreadable.`); unreadable.add(file); return undefined; }
    }
    const u = parse(file, text);
    if (!u) { unreadable.add(file); }
    return u;
  };
  const table = new ClassTable(load, sup => [...subtypes.get(sup) ?? []]);
  const classes: ClassSurface[] = [];
  try {
    for (const [file, text] of exposed) {
      options.signal?.throwIfAborted();
      // Parsed already when an earlier entry point called into it.
      if (!table.has(file)) {
        const u = parse(file, text);
        if (!u) { continue; }
        table.add(u);
      }
      classes.push(...analyzeSurface([{ path: file }], table));
      for (const [p, t] of trees) {
        if (trees.size <= maxTrees) { break; }
        table.evict(p);
        t.delete();
        trees.delete(p);
      }
    }
    return inventoryOf(classes, { ...access, customSettings }, notes);
  } finally {
    for (const t of trees.values()) { t.delete(); }
  }
}

/** Parsed classes kept between entry-point files (the rest are parsed again when called). */
export const MAX_TREES = 200;

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

