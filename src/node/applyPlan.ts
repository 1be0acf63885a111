import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { FixPlan } from '../core/fix/types';
import { applyEdits, editsByFile } from '../core/fix/text';

export interface AppliedPlan { edited: string[]; created: string[]; deleted: string[]; skipped: Array<{ path: string; reason: string }> }

/** What a plan would make of each file it touches: path → new text (undefined = deleted). Reads only. */
export async function previewPlan(plan: FixPlan): Promise<Map<string, { before?: string; after?: string }>> {
  const out = new Map<string, { before?: string; after?: string }>();
  for (const [p, edits] of editsByFile(plan)) {
    const before = await fsp.readFile(p, 'utf8').catch(() => undefined);
    if (before !== undefined) { out.set(p, { before, after: applyEdits(before, edits) }); }
  }
  for (const c of plan.creates) { out.set(c.path, { before: await fsp.readFile(c.path, 'utf8').catch(() => undefined), after: c.content }); }
  for (const d of plan.deletes) {
    const before = await fsp.readFile(d.path, 'utf8').catch(() => undefined);
    if (before !== undefined) { out.set(d.path, { before, after: undefined }); }
  }
  return out;
}

/**
 * Writes a plan to disk: edits (all of a file's edits at once), new files (folders created; an
 * existing file is never overwritten), deletions. Every new text is computed before anything is written.
 */
export async function applyPlan(plan: FixPlan): Promise<AppliedPlan> {
  const res: AppliedPlan = { edited: [], created: [], deleted: [], skipped: [] };
  const writes: Array<{ path: string; text: string; create: boolean }> = [];
  for (const [p, edits] of editsByFile(plan)) {
    let before: string;
    try { before = await fsp.readFile(p, 'utf8'); } catch (e) {
      res.skipped.push({ path: p, reason: `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
      continue;
    }
    writes.push({ path: p, text: applyEdits(before, edits), create: false });
  }
  for (const c of plan.creates) {
    const exists = await fsp.stat(c.path).then(() => true, () => false);
    if (exists) { res.skipped.push({ path: c.path, reason: 'already exists: not overwritten' }); continue; }
    writes.push({ path: c.path, text: c.content, create: true });
  }
  for (const w of writes) {
    if (w.create) { await fsp.mkdir(path.dirname(w.path), { recursive: true }); }
    await fsp.writeFile(w.path, w.text, w.create ? { flag: 'wx' } : undefined);
    (w.create ? res.created : res.edited).push(w.path);
  }
  for (const d of plan.deletes) {
    try { await fsp.unlink(d.path); res.deleted.push(d.path); } catch (e) {
      res.skipped.push({ path: d.path, reason: `cannot delete (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
    }
  }
  return res;
}
