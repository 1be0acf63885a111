import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { FixPlan } from '../core/fix/types';
import { applyEdits, editsByFile } from '../core/fix/text';
import { decodeText, type TextEncoding } from './decode';

/**
 * How a file's bytes became text (`decodeText`, the scan's own decoder), so that the same bytes come
 * back: UTF-8 with or without a BOM, or Latin-1 (with or without a BOM before it) for anything that is
 * not valid UTF-8 (a windows-1252 / ISO-8859-1 Apex class: every byte is one character and back, so
 * accents and 0x80–0x9F survive untouched). UTF-16 files are not rewritten.
 */
export type FileEncoding = TextEncoding;

export interface DecodedFile { text: string; encoding: FileEncoding }

/** The bytes of `text` in `encoding`; throws when a Latin-1 file would get a character it cannot hold, or for UTF-16. */
export function encodeFile(text: string, encoding: FileEncoding): Buffer {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
  switch (encoding) {
    case 'latin1': case 'latin1-bom': {
      const bad = /[\u0100-\uffff]/.exec(text);
      if (bad) { throw new Error(`the file is Latin-1 and cannot hold the character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} the fix would write`); }
      const b = Buffer.from(text, 'latin1');
      return encoding === 'latin1-bom' ? Buffer.concat([BOM, b]) : b;
    }
    case 'utf16le': case 'utf16be': throw new Error('the file is UTF-16: apiguard fix does not rewrite it (convert it to UTF-8)');
    default: {
      const b = Buffer.from(text, 'utf8');
      return encoding === 'utf8-bom' ? Buffer.concat([BOM, b]) : b;
    }
  }
}

/** A file's text as `decodeText` reads it; undefined when it cannot be read. */
export async function readDecoded(p: string): Promise<DecodedFile | undefined> {
  try { return decodeText(await fsp.readFile(p)); } catch { return undefined; }
}

export interface AppliedPlan {
  /** True when every change was written; false when nothing was (checks failed, or a write failed and was rolled back). */
  ok: boolean;
  edited: string[]; created: string[]; deleted: string[];
  /** Why the plan was not applied (one line per problem; empty when ok). */
  problems: Array<{ path: string; reason: string }>;
  /** Files changed and then restored after a failed write (empty unless a write failed). */
  rolledBack: string[];
  /** Files that could not be restored after a failed write (should stay empty; listed so the user can act). */
  rollbackFailed: Array<{ path: string; reason: string }>;
  /** Planned changes: path → kind, in the order they would be written (for the summary). */
  planned: Array<{ path: string; kind: 'edit' | 'create' | 'delete' }>;
}

/** Test hooks: called before each rename into place (throw to simulate a failing disk). */
export interface ApplyHooks { beforeCommit?(target: string, index: number): void | Promise<void> }

/** What a plan would make of each file it touches: path → new text (undefined = deleted). Reads only. */
export async function previewPlan(plan: FixPlan): Promise<Map<string, { before?: string; after?: string }>> {
  const out = new Map<string, { before?: string; after?: string }>();
  for (const [p, edits] of editsByFile(plan)) {
    const before = (await readDecoded(p))?.text;
    if (before !== undefined) { out.set(p, { before, after: applyEdits(before, edits) }); }
  }
  for (const c of plan.creates) { out.set(c.path, { before: (await readDecoded(c.path))?.text, after: c.content }); }
  for (const d of plan.deletes) {
    const before = (await readDecoded(d.path))?.text;
    if (before !== undefined) { out.set(d.path, { before, after: undefined }); }
  }
  return out;
}

const errCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** The nearest existing ancestor of `dir` (the folder `mkdir -p` would create inside). */
async function existingAncestor(dir: string): Promise<string> {
  let d = dir;
  for (;;) {
    try { await fsp.stat(d); return d; } catch {
      const up = path.dirname(d);
      if (up === d) { return d; }
      d = up;
    }
  }
}

function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.apiguard-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
}

/**
 * Writes a plan all-or-nothing. 1. Plan: every new text is computed (encoding and line endings of
 * each file kept) and every target checked: edited files readable and writable, new files absent and
 * their folders creatable, deleted files removable. Any problem: nothing is written. 2. Stage: each
 * new content goes to a temp file beside its target. 3. Commit: renames into place (atomic per file),
 * then deletions. A failure while committing restores every file already replaced or created and
 * removes the created folders, so the project is as before.
 */
export async function applyPlan(plan: FixPlan, hooks: ApplyHooks = {}): Promise<AppliedPlan> {
  const res: AppliedPlan = { ok: false, edited: [], created: [], deleted: [], problems: [], rolledBack: [], rollbackFailed: [], planned: [] };
  type Write = { path: string; bytes: Buffer; create: boolean; original?: Buffer; mode?: number };
  const writes: Write[] = [];
  // 1. Plan and check.
  for (const [p, edits] of editsByFile(plan)) {
    res.planned.push({ path: p, kind: 'edit' });
    let original: Buffer, mode: number;
    try {
      original = await fsp.readFile(p);
      mode = (await fsp.stat(p)).mode & 0o7777;
      await fsp.access(p, constants.W_OK);
      await fsp.access(path.dirname(p), constants.W_OK);   // the temp file and the rename need the folder
    } catch (e) { res.problems.push({ path: p, reason: `cannot write (${errCode(e)})` }); continue; }
    const d = decodeText(original);
    try { writes.push({ path: p, bytes: encodeFile(applyEdits(d.text, edits), d.encoding), create: false, original, mode }); } catch (e) {
      res.problems.push({ path: p, reason: (e as Error).message });
    }
  }
  for (const c of plan.creates) {
    res.planned.push({ path: c.path, kind: 'create' });
    if (await fsp.lstat(c.path).then(() => true, () => false)) { res.problems.push({ path: c.path, reason: 'already exists: not overwritten' }); continue; }
    const anc = await existingAncestor(path.dirname(c.path));
    try {
      if (!(await fsp.stat(anc)).isDirectory()) { throw Object.assign(new Error('not a folder'), { code: `${path.basename(anc)} is a file, not a folder` }); }
      await fsp.access(anc, constants.W_OK);
    } catch (e) { res.problems.push({ path: c.path, reason: `cannot create (${errCode(e)})` }); continue; }
    writes.push({ path: c.path, bytes: Buffer.from(c.content, 'utf8'), create: true });
  }
  for (const d of plan.deletes) {
    res.planned.push({ path: d.path, kind: 'delete' });
    try {
      await fsp.access(d.path, constants.F_OK);
      await fsp.access(path.dirname(d.path), constants.W_OK);
    } catch (e) { res.problems.push({ path: d.path, reason: `cannot delete (${errCode(e)})` }); }
  }
  if (res.problems.length) { return res; }

  // 2. Stage (and 3. commit), undoing everything on the first failure.
  const madeDirs: string[] = [];
  const temps: string[] = [];
  const done: Array<{ w?: Write; deleted?: { path: string; bytes: Buffer } }> = [];
  try {
    const staged: Array<{ w: Write; tmp: string }> = [];
    for (const w of writes) {
      if (w.create) {
        const dir = path.dirname(w.path);
        const anc = await existingAncestor(dir);
        if (anc !== dir) {
          await fsp.mkdir(dir, { recursive: true });
          // Remember the folders created (outermost first) so a rollback removes them.
          const rel = path.relative(anc, dir).split(path.sep);
          for (let i = 1; i <= rel.length; i++) { madeDirs.push(path.join(anc, ...rel.slice(0, i))); }
        }
      }
      const tmp = tempName(w.path);
      temps.push(tmp);
      await fsp.writeFile(tmp, w.bytes, { flag: 'wx', mode: w.mode ?? 0o644 });
      if (w.mode !== undefined) { await fsp.chmod(tmp, w.mode); }
      staged.push({ w, tmp });
    }
    let i = 0;
    for (const { w, tmp } of staged) {
      await hooks.beforeCommit?.(w.path, i++);
      if (w.create && await fsp.lstat(w.path).then(() => true, () => false)) { throw Object.assign(new Error('appeared meanwhile'), { code: `${w.path} appeared meanwhile` }); }
      await fsp.rename(tmp, w.path);
      temps.splice(temps.indexOf(tmp), 1);
      done.push({ w });
    }
    for (const d of plan.deletes) {
      await hooks.beforeCommit?.(d.path, i++);
      const bytes = await fsp.readFile(d.path);
      await fsp.unlink(d.path);
      done.push({ deleted: { path: d.path, bytes } });
    }
  } catch (e) {
    const failed = (e as { path?: string }).path;
    res.problems.push({ path: failed ?? '', reason: `write failed (${errCode(e)}): every change was undone` });
    for (const t of temps) { await fsp.rm(t, { force: true }).catch(() => undefined); }
    for (const x of done.reverse()) {
      const p = x.w?.path ?? x.deleted!.path;
      try {
        if (x.w?.create) { await fsp.unlink(p); }
        else {
          const bytes = x.w?.original ?? x.deleted!.bytes;
          const tmp = tempName(p);
          await fsp.writeFile(tmp, bytes, { flag: 'wx', mode: x.w?.mode ?? 0o644 });
          await fsp.rename(tmp, p);
        }
        res.rolledBack.push(p);
      } catch (re) { res.rollbackFailed.push({ path: p, reason: errCode(re) }); }
    }
    for (const d of madeDirs.reverse()) { await fsp.rmdir(d).catch(() => undefined); }
    return res;
  }
  for (const x of done) {
    if (x.deleted) { res.deleted.push(x.deleted.path); } else if (x.w!.create) { res.created.push(x.w!.path); } else { res.edited.push(x.w!.path); }
  }
  res.ok = true;
  return res;
}
