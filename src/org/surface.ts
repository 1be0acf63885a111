/**
 * Who the org grants the project's exposed Apex classes to, for the API surface: the classes' ids
 * (`ApexClass`, one query per 100 names), then in one Composite request their `SetupEntityAccess`
 * rows (the permission sets and profile-owned permission sets that enable each class) and the
 * permission sets assigned to guest users. Guest profiles are those of user type `Guest` (or a
 * guest user licence). Every request goes through a NetGuard (request and total timeouts) and is
 * counted. Fail closed: a class whose rows could not all be read is `unknown`, never "not granted".
 */
import { OrgClient, type ConnectionLike, type Dataset, type QuerySpec, type SObjectRecord } from './client';
import { NetGuard, type NetOptions } from './transport';
import { OrgError } from './types';
import { errorText } from './scrub';
import { val as rel } from './checks';
import type { OrgClassAccess, OrgGrant, OrgSurfaceAccess } from '../core/surface/types';

export interface SurfaceAccessOptions {
  /** The org's name in the report (alias, username or host). */
  org: string;
  net?: NetOptions;
  concurrency?: number;
}

/** Names (and ids) per query: keeps each query's URL short and its rows within one page in most orgs. */
export const NAMES_PER_QUERY = 100;

const CLASS_NAME = /^[A-Za-z][A-Za-z0-9_]{0,254}$/;
const quoted = (xs: readonly string[]) => xs.map(x => `'${x}'`).join(', ');
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) { out.push(xs.slice(i, i + n)); }
  return out;
}

function why(d: Dataset | undefined): string {
  if (!d) { return 'not read'; }
  if (d.ok) { return 'only part of the rows was read (more than one page)'; }
  // SOQL errors repeat the query over several lines: the last line says what is wrong.
  const line = d.message.split('\n').map(l => l.trim()).filter(Boolean).pop() ?? d.code;
  return `${d.kind === 'permission' ? 'not available' : d.kind} (${d.code}): ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`;
}

/** Reads the org's grants of `classNames` (top-level Apex classes of the project). Never throws. */
export async function surfaceAccess(conn: ConnectionLike, classNames: readonly string[], opts: SurfaceAccessOptions): Promise<OrgSurfaceAccess> {
  const classes: Record<string, OrgClassAccess> = {};
  const names = [...new Map(classNames.map(n => [n.toLowerCase(), n])).values()].sort();
  const guard = new NetGuard(opts.net);
  guard.install(conn);
  const client = new OrgClient(conn, { concurrency: opts.concurrency ?? 4 });
  let timer: NodeJS.Timeout | undefined;
  const overall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OrgError('The org was not read within the total time limit.', 'timeout', 'TOTAL_TIMEOUT')), guard.deadline - Date.now() + 2000);
  });
  const notes: string[] = [];
  try {
    await Promise.race([read(client, names, classes, notes), overall]);
  } catch (e) {
    const message = e instanceof OrgError ? e.message : errorText(e);
    notes.push(`The org could not be read: ${message}`);
    for (const n of names) {
      const c = classes[n.toLowerCase()];
      if (!c || c.state === 'granted' || c.state === 'not-granted') { classes[n.toLowerCase()] = { state: 'unknown', grants: c?.grants ?? [], why: message }; }
    }
  } finally {
    clearTimeout(timer);
    guard.close();
    client.dispose();
  }
  return { org: opts.org, classes, requests: client.requests, notes: [...notes, ...client.notes] };
}

async function read(client: OrgClient, names: string[], classes: Record<string, OrgClassAccess>, notes: string[]): Promise<void> {
  const valid = names.filter(n => CLASS_NAME.test(n));
  for (const n of names) { if (!CLASS_NAME.test(n)) { classes[n.toLowerCase()] = { state: 'unknown', grants: [], why: 'not an Apex class name' }; } }
  if (!valid.length) { return; }

  // 1. The classes' ids.
  const nameChunks = chunks(valid, NAMES_PER_QUERY);
  const idSpecs: QuerySpec[] = nameChunks.map((c, i) => ({ key: `class${i}`, api: 'data', object: 'ApexClass', fields: ['Id', 'Name', 'NamespacePrefix'], where: `Name IN (${quoted(c)})` }));
  const idSets = await client.queries(idSpecs);
  const idOf = new Map<string, string>();
  nameChunks.forEach((chunk, i) => {
    const d = idSets.get(`class${i}`);
    if (!d?.ok) { for (const n of chunk) { classes[n.toLowerCase()] = { state: 'unknown', grants: [], why: why(d) }; } return; }
    const rows = d.value;
    for (const n of chunk) {
      const mine = rows.filter(r => str(r.Name).toLowerCase() === n.toLowerCase());
      // The project's own class: the one without a namespace, else the only one.
      const row = mine.find(r => !r.NamespacePrefix) ?? (mine.length === 1 ? mine[0] : undefined);
      if (row && str(row.Id)) { idOf.set(str(row.Id), n.toLowerCase()); classes[n.toLowerCase()] = { state: 'not-granted', grants: [] }; }
      else if (d.truncated || mine.length > 1) { classes[n.toLowerCase()] = { state: 'unknown', grants: [], why: d.truncated ? why(d) : 'several classes of that name in other namespaces' }; }
      else { classes[n.toLowerCase()] = { state: 'not-in-org', grants: [] }; }
    }
  });
  if (!idOf.size) { return; }

  // 2. Who grants them, and which permission sets guest users hold (one Composite request up to 400 classes).
  const idChunks = chunks([...idOf.keys()].sort(), NAMES_PER_QUERY);
  // An id may come back in its other form (15 characters against 18).
  const idOf15 = new Map([...idOf].map(([id, cls]) => [id.slice(0, 15), cls]));
  const specs: QuerySpec[] = idChunks.map((c, i) => ({
    key: `access${i}`, api: 'data', object: 'SetupEntityAccess',
    fields: ['SetupEntityId', 'ParentId', 'Parent.Name', 'Parent.Label', 'Parent.IsOwnedByProfile', 'Parent.Profile.Name', 'Parent.Profile.UserType', 'Parent.Profile.UserLicense.Name'],
    optional: ['Parent.Profile.UserLicense.Name'],
    where: `SetupEntityType = 'ApexClass' AND SetupEntityId IN (${quoted(c)})`, orderBy: 'SetupEntityId',
  }));
  specs.push({ key: 'guestSets', api: 'data', object: 'PermissionSetAssignment', fields: ['PermissionSetId', 'Assignee.Profile.Name'],
    where: "Assignee.UserType = 'Guest' AND PermissionSet.IsOwnedByProfile = false" });
  const sets = await client.queries(specs);

  const guestSets = sets.get('guestSets');
  const guestVia = new Map<string, Set<string>>();
  for (const r of guestSets?.ok ? guestSets.value : []) {
    const id = str(r.PermissionSetId);
    if (!guestVia.has(id)) { guestVia.set(id, new Set()); }
    const p = str(rel(r, 'Assignee.Profile.Name'));
    if (p) { guestVia.get(id)!.add(p); }
  }
  const guestSetsKnown = !!guestSets?.ok && !guestSets.truncated;
  if (!guestSetsKnown) { notes.push(`Which permission sets a site's guest user holds could not be read (${why(guestSets)}): classes granted by permission sets are "org grants unknown".`); }

  idChunks.forEach((chunk, i) => {
    const d = sets.get(`access${i}`);
    if (!d?.ok) {
      for (const id of chunk) { classes[idOf.get(id)!] = { state: 'unknown', grants: [], why: why(d) }; }
      return;
    }
    // Ordered by class: on a capped page every class but the last one seen is complete.
    const order: string[] = [];
    for (const r of d.value) {
      const id = str(r.SetupEntityId);
      const cls = idOf.get(id) ?? idOf15.get(id.slice(0, 15));
      if (!cls) { continue; }
      if (order[order.length - 1] !== cls) { order.push(cls); }
      const c = classes[cls];
      c.grants.push(grantOf(r, guestVia));
      c.state = 'granted';
    }
    if (d.truncated) {
      const complete = new Set(order.slice(0, -1));
      for (const id of chunk) {
        const cls = idOf.get(id)!;
        if (!complete.has(cls)) { classes[cls] = { ...classes[cls], state: 'unknown', why: why(d) }; }
      }
    }
  });
  for (const c of Object.values(classes)) {
    c.grants.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
    if (!guestSetsKnown && c.state === 'granted' && c.grants.some(g => g.kind === 'permissionset')) {
      c.state = 'unknown';
      c.why = `whether a guest user holds its permission sets could not be read (${why(guestSets)})`;
    }
  }
}

function grantOf(r: SObjectRecord, guestVia: Map<string, Set<string>>): OrgGrant {
  if (rel(r, 'Parent.IsOwnedByProfile') === true) {
    const name = str(rel(r, 'Parent.Profile.Name')) || str(rel(r, 'Parent.Name'));
    const guest = str(rel(r, 'Parent.Profile.UserType')) === 'Guest' || /\bguest\b/i.test(str(rel(r, 'Parent.Profile.UserLicense.Name')));
    return { kind: 'profile', name, guest };
  }
  const via = guestVia.get(str(r.ParentId));
  return { kind: 'permissionset', name: str(rel(r, 'Parent.Label')) || str(rel(r, 'Parent.Name')), apiName: str(rel(r, 'Parent.Name')),
    guest: !!via, ...(via?.size ? { guestVia: [...via].sort() } : {}) };
}
