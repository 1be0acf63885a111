import type { ProjectAccess } from '../project';
import { analyzeSurface, ClassTable, type ApexUnit } from './analyze';
import { grantSummary } from './access';
import { risksOf, type Risk } from './risks';
import { channelLabel, type ClassSurface, type EntryPoint, type Grant, type SurfaceInventory } from './types';

/**
 * The whole project's surface: every entry point, followed through every class of the project
 * (`units` are the files that may expose an entry point; `load` parses any other class on first call), with who may call it and its risks.
 */
export function buildInventory(units: ApexUnit[], access: ProjectAccess, notes: string[] = [], load?: (classLower: string) => ApexUnit | undefined): SurfaceInventory {
  const table = new ClassTable(load);
  for (const u of units) { table.add(u); }
  const classes = analyzeSurface(units, table).sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
  return { classes, ...access, notes };
}

export interface EntryRow { cls: ClassSurface; entry: EntryPoint; grants: Grant[]; risks: Risk[] }

/** One row per entry point, with its grants and risks, in report order (channel, then class, then line). */
export function entryRows(inv: SurfaceInventory): EntryRow[] {
  const order = ['rest', 'soap', 'aura', 'invocable', 'remote'];
  const rows = inv.classes.flatMap(cls => cls.entryPoints.map(entry => {
    const grants = inv.grants[cls.name.toLowerCase()] ?? [];
    return { cls, entry, grants, risks: risksOf(entry, grants, inv) };
  }));
  return rows.sort((a, b) => order.indexOf(a.entry.channel) - order.indexOf(b.entry.channel)
    || a.cls.name.localeCompare(b.cls.name) || a.entry.range.start.line - b.entry.range.start.line);
}

/** The CodeLens line: "REST GET /orders/* · guest + 2 permission sets · without sharing". */
export function lensText(row: EntryRow): string {
  const e = row.entry;
  const mode = e.ops.length === 0 ? 'no record access'
    : e.ops.every(o => o.mode === 'user') ? 'user mode' : e.sharing === 'without' ? 'without sharing' : 'with sharing, system mode';
  const risks = row.risks.filter(r => r.id !== 'endpoint-not-granted').length;
  return [channelLabel(e), grantSummary(row.grants), mode, ...(risks ? [`${risks} risk${risks > 1 ? 's' : ''}`] : [])].join(' · ');
}

/** One entry point as the editor shows it (plain data: crosses the worker boundary). */
export interface SurfaceEntryView {
  channel: EntryPoint['channel'];
  label: string;
  className: string;
  methodName: string;
  path: string;
  range: EntryPoint['range'];
  declRange: EntryPoint['declRange'];
  lens: string;
  sharing: string;
  data: string;
  grants: Grant[];
  risks: Risk[];
}

export function entryViews(inv: SurfaceInventory): SurfaceEntryView[] {
  return entryRows(inv).map(r => ({
    channel: r.entry.channel, label: channelLabel(r.entry), className: r.cls.name, methodName: r.entry.methodName,
    path: r.entry.path, range: r.entry.range, declRange: r.entry.declRange, lens: lensText(r),
    sharing: runsText(r), data: dataText(r), grants: r.grants, risks: r.risks,
  }));
}

/** "with sharing; 1 in user mode, 2 in system mode", or "no record access". */
export function runsText(row: EntryRow): string {
  const e = row.entry;
  if (!e.ops.length) { return 'no record access'; }
  const user = e.ops.filter(o => o.mode === 'user').length;
  const sys = e.ops.length - user;
  return `${e.sharing} sharing; ${[user ? `${user} in user mode` : '', sys ? `${sys} in system mode` : ''].filter(Boolean).join(', ')}`;
}

/** "reads Account, Contact; writes (insert)", or "—". */
export function dataText(row: EntryRow): string {
  const reads = [...new Set(row.entry.ops.filter(o => o.kind !== 'dml').flatMap(o => o.what))];
  if (row.entry.ops.some(o => o.kind.startsWith('dynamic') && !o.what.length)) { reads.push('dynamic queries'); }
  const writes = [...new Set(row.entry.ops.filter(o => o.kind === 'dml').flatMap(o => o.what))];
  return [reads.length ? `reads ${reads.join(', ')}` : '', writes.length ? `writes (${writes.join(', ')})` : ''].filter(Boolean).join('; ') || '—';
}
