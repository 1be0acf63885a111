import type { ProjectAccess } from '../project';
import { analyzeSurface, ClassTable, type ApexUnit } from './analyze';
import { grantSummary } from './access';
import { risksOf, writesText, type Risk } from './risks';
import { orgAccessOf, orgShort, withOrgRisks } from './orgAccess';
import { channelLabel, type ClassSurface, type EntryPoint, type Grant, type OrgClassAccess, type OrgSurfaceAccess, type SurfaceInventory } from './types';

/**
 * The whole project's surface: every entry point, followed through every class of the project
 * (`units` are the files that may expose an entry point; `load` parses any other class on first call), with who may call it and its risks.
 */
export function buildInventory(units: ApexUnit[], access: ProjectAccess & Pick<SurfaceInventory, 'customSettings'>, notes: string[] = [], load?: (classLower: string) => ApexUnit | undefined,
  subtypes?: (superLower: string) => string[]): SurfaceInventory {
  const table = new ClassTable(load, subtypes);
  for (const u of units) { table.add(u); }
  return inventoryOf(analyzeSurface(units, table), access, notes);
}

/** The inventory from the analysed classes (in report order). */
export function inventoryOf(classes: ClassSurface[], access: ProjectAccess & Pick<SurfaceInventory, 'customSettings'>, notes: string[]): SurfaceInventory {
  return { classes: classes.sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path)), ...access, notes };
}

export interface EntryRow { cls: ClassSurface; entry: EntryPoint; grants: Grant[]; risks: Risk[]; /** With an org: what it grants. */ org?: OrgClassAccess }

/** The surface with the org's grants merged in (the inventory itself is not changed). */
export function withOrgAccess(inv: SurfaceInventory, org: OrgSurfaceAccess): SurfaceInventory {
  return { ...inv, org };
}

/** One row per entry point, with its grants and risks, in report order (channel, then class, then line). */
export function entryRows(inv: SurfaceInventory): EntryRow[] {
  const order = ['rest', 'soap', 'aura', 'invocable', 'remote'];
  const rows = inv.classes.flatMap(cls => cls.entryPoints.map(entry => {
    const grants = inv.grants[cls.name.toLowerCase()] ?? [];
    const org = orgAccessOf(inv.org, cls.path);
    const risks = withOrgRisks(risksOf(entry, grants, inv), { ...entry, label: channelLabel(entry) }, org, inv.org?.org ?? '');
    return { cls, entry, grants, risks, ...(org ? { org } : {}) };
  }));
  return rows.sort((a, b) => order.indexOf(a.entry.channel) - order.indexOf(b.entry.channel)
    || a.cls.name.localeCompare(b.cls.name) || a.entry.range.start.line - b.entry.range.start.line);
}

/** The CodeLens line: "REST GET /orders/* · guest + 2 permission sets · without sharing". */
export function lensText(row: EntryRow): string {
  return lensOf(channelLabel(row.entry), row.grants, modeText(row.entry), row.risks, row.org);
}

/** "without sharing", "user mode", "with sharing, system mode", "no record access". */
export function modeText(e: EntryPoint): string {
  return e.ops.length === 0 ? 'no record access'
    : e.ops.every(o => o.mode === 'user') ? 'user mode' : e.sharing === 'without' ? 'without sharing' : 'with sharing, system mode';
}

function lensOf(label: string, grants: readonly Grant[], mode: string, risks: readonly Risk[], org: OrgClassAccess | undefined): string {
  const n = risks.filter(r => r.id !== 'endpoint-not-granted').length;
  return [label, grantSummary(grants), ...(org ? [orgShort(org)] : []), mode, ...(n ? [`${n} risk${n > 1 ? 's' : ''}`] : [])].join(' · ');
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
  /** "without sharing", "user mode"… (the lens's part). */
  mode: string;
  /** With an org connected: what it grants, and the org's name. */
  org?: OrgClassAccess;
  orgName?: string;
}

export function entryViews(inv: SurfaceInventory): SurfaceEntryView[] {
  return entryRows(inv).map(r => ({
    channel: r.entry.channel, label: channelLabel(r.entry), className: r.cls.name, methodName: r.entry.methodName,
    path: r.entry.path, range: r.entry.range, declRange: r.entry.declRange, lens: lensText(r),
    sharing: runsText(r), data: dataText(r), grants: r.grants, risks: r.risks, mode: modeText(r.entry),
    ...(r.org ? { org: r.org, orgName: inv.org?.org } : {}),
  }));
}

/**
 * The editor's entries (built without the org, in the engine worker) with the org's grants merged in:
 * the same risks and lens `entryViews` gives for an inventory with `org`. Give it the entries as the
 * worker built them (without an org's answer): the view keeps those and merges each new answer.
 */
export function withOrgViews(entries: readonly SurfaceEntryView[], org: OrgSurfaceAccess): SurfaceEntryView[] {
  return entries.map(e => {
    const a = orgAccessOf(org, e.path)!;
    const risks = withOrgRisks(e.risks, e, a, org.org);
    return { ...e, org: a, orgName: org.org, risks, lens: lensOf(e.label, e.grants, e.mode, risks, a) };
  });
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
  return [reads.length ? `reads ${reads.join(', ')}` : '', writesText(row.entry.ops)].filter(Boolean).join('; ') || '—';
}
