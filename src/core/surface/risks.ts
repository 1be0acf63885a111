import type { SourceFile } from '../sourceFile';
import { analyzeSurface, ClassTable } from './analyze';
import { channelLabel, type ClassSurface, type DataOp, type EntryPoint, type Grant, type Loc, type SurfaceInventory, type TaintPath } from './types';
import { EditedRegexTest } from '../editedText';

/**
 * The risks of one entry point, as plain data: the surface rules report them, `apiguard surface`
 * and the API Surface view list them. One function decides, so the three never disagree.
 */
export type RiskId = 'endpoint-without-sharing' | 'guest-accessible-endpoint' | 'soql-injection' | 'aura-returns-sobject'
  | 'rest-unchecked-record-id' | 'endpoint-not-granted' | 'input-to-callout';

export interface Risk {
  id: RiskId;
  summary: string;
  related: Loc[];
  /** Where the finding belongs when not at the entry point: the sink of an injection. */
  at?: Loc;
}

const EXPOSED_MARKERS = /@\s*(restresource|auraenabled|invocablemethod|remoteaction)\b|\bwebservice\b/i;
/** The test over an edited large class (the editor worker asks it of a 1 MB class per keystroke): a match spans an `@`, white space, a word of at most 15 characters and `\b`. */
const exposedMarkers = new EditedRegexTest(EXPOSED_MARKERS, 20, { run: /\s/ });

/** Cheap text test: can this Apex text declare an entry point at all? */
export function mayExpose(text: string): boolean { return exposedMarkers.test(text); }

const cache = new WeakMap<SourceFile, ClassSurface[]>();

/** The entry points of one file (calls followed within the file), computed once per file for all surface rules. */
export function fileSurface(file: SourceFile): ClassSurface[] {
  let s = cache.get(file);
  if (s) { return s; }
  s = [];
  const apex = mayExpose(file.text) ? file.apex() : undefined;
  if (apex) {
    const table = new ClassTable();
    const unit = { path: file.path, root: apex.tree.rootNode };
    table.add(unit);
    s = analyzeSurface([unit], table);
  }
  cache.set(file, s);
  return s;
}

/**
 * Objects sharing does not apply to (setup and reference data, custom metadata): reading them
 * without sharing exposes nothing a sharing rule would hide.
 */
const NOT_SHARED = new Set(['recordtype', 'currencytype', 'datedconversionrate', 'organization', 'profile', 'permissionset',
  'permissionsetassignment', 'userrole', 'group', 'groupmember', 'businesshours', 'holiday', 'apexclass', 'apextrigger',
  'staticresource', 'customnotificationtype', 'emailtemplate', 'orgwideemailaddress', 'fiscalyearsettings', 'period',
  'asyncapexjob', 'crontrigger', 'sobjecttype', 'fielddefinition', 'entitydefinition', 'networks', 'network', 'site', 'domain']);

/**
 * Records sharing protects: not setup and reference data, custom metadata, platform events (`__e`:
 * published, not stored as records), nor the project's custom settings (`customSettingsType` in their
 * object metadata, or read as one in the code: `X__c.getOrgDefaults()`…; else a `__c` object counts as
 * shared). An untyped write counts as shared.
 */
function isShared(o: DataOp, customSettings: ReadonlySet<string>): boolean {
  if (o.what.length === 0) { return true; }
  if (o.customSetting) { return false; }
  return o.what.some(w => {
    const l = w.toLowerCase();
    return !(o.kind !== 'dml' && NOT_SHARED.has(l)) && !/__(mdt|e)$/.test(l) && !customSettings.has(l);
  });
}

const NONE = new Set<string>();
const settingsSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function settingsOf(access: Pick<SurfaceInventory, 'customSettings'> | undefined): ReadonlySet<string> {
  const list = access?.customSettings;
  if (!list?.length) { return NONE; }
  let set = settingsSets.get(list);
  if (!set) { settingsSets.set(list, set = new Set(list)); }
  return set;
}

function systemOps(e: EntryPoint, customSettings: ReadonlySet<string>): DataOp[] { return e.ops.filter(o => o.mode === 'system' && o.sharing === 'without' && isShared(o, customSettings)); }

const SOBJECT_SUFFIX = /(__c|__mdt|__x|__e|__kav|__b)$/i;

/** Type names in a declared return type: List<Account> → [Account]. */
function typeNames(t: string): string[] { return t.split(/[<>,\s]+/).filter(Boolean); }

/** Whether the method returns records: SObject, a custom object, or an object its own queries read. */
export function returnsRecords(e: EntryPoint): boolean {
  const read = new Set(e.ops.filter(o => o.kind !== 'dml').flatMap(o => o.what.map(w => w.toLowerCase())));
  return typeNames(e.returnType).some(n => {
    const l = n.toLowerCase();
    return l === 'sobject' || SOBJECT_SUFFIX.test(n) || read.has(l);
  });
}

function grantLocs(grants: readonly Grant[]): Loc[] {
  return grants.map(g => ({ path: g.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    message: `${g.kind === 'profile' ? 'Profile' : g.kind === 'permissionset' ? 'Permission set' : 'Permission set group'} ${g.name}${g.guest ? ' (guest user)' : ''} grants the class${g.via ? ` through ${g.via.join(', ')}` : ''}.` }));
}

function taintSummary(t: TaintPath): string {
  return t.sink === 'callout' ? `Request input ${t.input} sets a callout endpoint`
    : `Request input ${t.input} reaches a dynamic ${t.sink.toUpperCase()} query unbound and unescaped: bind it (:var) or escape it`;
}

export function risksOf(e: EntryPoint, grants: readonly Grant[] | undefined, access: Partial<Pick<SurfaceInventory, 'hasAccessMetadata' | 'customSettings'>> | undefined): Risk[] {
  const out: Risk[] = [];
  const label = channelLabel(e);
  const sys = systemOps(e, settingsOf(access));
  if (sys.length) {
    out.push({ id: 'endpoint-without-sharing', related: sys.map(o => o.loc),
      summary: e.sharing === 'without'
        ? `${label} ${e.className}.${e.methodName} runs without sharing and ${describeOps(sys)} in system mode`
        : `${label} ${e.className}.${e.methodName} calls code that runs without sharing (${[...new Set(sys.map(o => o.where))].join(', ')}) and ${describeOps(sys)} in system mode` });
  }
  const guests = (grants ?? []).filter(g => g.guest);
  if (guests.length) {
    out.push({ id: 'guest-accessible-endpoint', related: grantLocs(guests),
      summary: `${label} ${e.className}.${e.methodName} can be called by the guest user of ${guests.map(g => g.name).join(', ')}` });
  }
  for (const t of e.taint) {
    const sink = t.steps[t.steps.length - 1];
    const entry: Loc = { path: e.path, range: e.range, message: `Entry point: ${label} ${e.className}.${e.methodName}.` };
    out.push({ id: t.sink === 'callout' ? 'input-to-callout' : 'soql-injection', at: sink, related: [entry, ...t.steps.slice(0, -1)],
      summary: `${taintSummary(t)} (entry point ${e.className}.${e.methodName})` });
  }
  if (e.channel === 'aura' && returnsRecords(e) && !e.stripsInaccessible) {
    // The reads that can be what it returns: of a returned type, or a dynamic query whose object is not written.
    const returned = new Set(typeNames(e.returnType).map(n => n.toLowerCase()));
    const anyRecord = returned.has('sobject');
    const reads = e.ops.filter(o => o.kind !== 'dml' && o.mode === 'system'
      && (anyRecord || o.what.length === 0 || o.what.some(w => returned.has(w.toLowerCase()))));
    if (reads.length) {
      out.push({ id: 'aura-returns-sobject', related: reads.map(o => o.loc),
        summary: `${e.className}.${e.methodName} returns ${e.returnType} read in system mode: fields the user may not see reach the browser` });
    }
  }
  if (e.channel === 'rest' && (e.urlMapping ?? '').includes('*') && e.idFromUri) {
    const unchecked = sys.filter(o => !o.ownerFiltered);
    if (unchecked.length) {
      out.push({ id: 'rest-unchecked-record-id', related: unchecked.map(o => o.loc),
        summary: `REST ${e.urlMapping} takes a record id from the URI and ${describeOps(unchecked)} without sharing or an ownership check` });
    }
  }
  if (access?.hasAccessMetadata && !(grants?.length)) {
    out.push({ id: 'endpoint-not-granted', related: [], summary: `No profile or permission set in the project grants ${e.className}` });
  }
  return out;
}

function describeOps(ops: readonly DataOp[]): string {
  const reads = [...new Set(ops.filter(o => o.kind !== 'dml').flatMap(o => o.what))];
  const dyn = ops.some(o => (o.kind === 'dynamic-soql' || o.kind === 'dynamic-sosl') && !o.what.length);
  const parts: string[] = [];
  if (reads.length || dyn) { parts.push(`reads ${[...reads, ...(dyn ? ['dynamic queries'] : [])].join(', ')}`); }
  const writes = writesText(ops);
  if (writes) { parts.push(writes); }
  return parts.join(' and ') || 'touches records';
}

/** "writes Account, Case (insert, update)", "writes records (delete)" when no target is typed; '' without DML. */
export function writesText(ops: readonly DataOp[]): string {
  const dml = ops.filter(o => o.kind === 'dml');
  if (!dml.length) { return ''; }
  const types = [...new Set(dml.flatMap(o => o.what))];
  const untyped = dml.some(o => !o.what.length);
  return `writes ${[...types, ...(untyped ? [types.length ? 'other records' : 'records'] : [])].join(', ')} (${[...new Set(dml.map(o => o.op ?? 'dml'))].join(', ')})`;
}
