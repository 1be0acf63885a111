import type { Grant, SurfaceInventory } from './types';

/**
 * Who may call an exposed class, from the project's metadata: `classAccesses` of profiles and
 * permission sets, permission set groups that bundle those sets, and whether a profile is a guest
 * user profile (Sites / Experience Cloud). Text-level: these files are read for a handful of
 * elements, never fully parsed.
 */

export type AccessKind = 'profile' | 'permissionset' | 'permissionsetgroup' | 'connectedapp';

/** What kind of access metadata a path holds, from its name (source and Metadata API formats). */
export function accessKindOf(path: string): AccessKind | undefined {
  const p = path.replace(/\\/g, '/');
  const base = p.slice(p.lastIndexOf('/') + 1);
  const dir = p.slice(0, p.lastIndexOf('/'));
  const of = (suffix: string, folder: string) => base.endsWith(`.${suffix}-meta.xml`) || (base.endsWith(`.${suffix}`) && dir.endsWith(`/${folder}`));
  if (of('profile', 'profiles')) { return 'profile'; }
  if (of('permissionset', 'permissionsets')) { return 'permissionset'; }
  if (of('permissionsetgroup', 'permissionsetgroups')) { return 'permissionsetgroup'; }
  if (of('connectedApp', 'connectedApps')) { return 'connectedapp'; }
  return undefined;
}

function nameOf(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? path;
  const stem = base.replace(/-meta\.xml$/, '');
  return decodeURIComponent(stem.slice(0, stem.lastIndexOf('.')).replace(/%(?![0-9a-f]{2})/gi, '%25'));
}

const tag = (name: string) => new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`, 'g');
function values(text: string, name: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(tag(name))) { out.push(m[1]); }
  return out;
}

/**
 * CumulusCI's namespace tokens (`%%%NAMESPACE%%%Class`): replaced at deploy by the project's own
 * namespace prefix (or nothing), so the grant names the project's class.
 */
const NAMESPACE_TOKEN = /^(?:%%%NAMESPACE%%%|%%%NAMESPACED_ORG%%%|___NAMESPACE___|___NAMESPACED_ORG___)/i;

/** Classes a profile or permission set enables (`classAccesses` with `enabled` true). */
export function enabledClasses(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/<classAccesses>([\s\S]*?)<\/classAccesses>/g)) {
    const block = m[1];
    const cls = /<apexClass>\s*([^<]+?)\s*<\/apexClass>/.exec(block)?.[1]?.replace(NAMESPACE_TOKEN, '');
    if (cls && /<enabled>\s*true\s*<\/enabled>/i.test(block)) { out.push(cls); }
  }
  return out;
}

/** "Guest" as a word of a name or label (`Site_Guest_Access`, "Survey - Guest"; not "Guestbook"). */
const GUEST_WORD = /(?:^|[^a-z0-9])guest(?:$|[^a-z0-9])/i;

/**
 * A profile or permission set meant for unauthenticated site visitors: the Guest User License, or a
 * profile named for guests; a permission set without a licence can be assigned to a site's guest
 * user, and is taken as meant for one when its API name or label says "guest".
 */
export function isGuest(kind: AccessKind, name: string, text: string): boolean {
  const license = values(text, kind === 'profile' ? 'userLicense' : 'license')[0];
  if (/guest/i.test(license ?? '')) { return true; }
  if (kind === 'profile') { return /\bguest\b/i.test(name); }
  return kind === 'permissionset' && !license && [name, ...values(text, 'label').slice(0, 1)].some(n => GUEST_WORD.test(n));
}

/** Builds the grant table and the API clients from the access metadata files of a project. */
export function buildAccess(files: ReadonlyArray<{ path: string; text: string }>): Pick<SurfaceInventory, 'grants' | 'hasAccessMetadata' | 'apiClients'> {
  const grants: Record<string, Grant[]> = {};
  const add = (cls: string, g: Grant) => { (grants[cls.toLowerCase()] ??= []).push(g); };
  const setsByName = new Map<string, { classes: string[]; guest: boolean }>();
  const apiClients: SurfaceInventory['apiClients'] = [];
  let hasAccessMetadata = false;
  const groups: Array<{ path: string; name: string; text: string }> = [];
  for (const f of files) {
    const kind = accessKindOf(f.path);
    if (!kind) { continue; }
    const name = nameOf(f.path);
    if (kind === 'permissionsetgroup') { groups.push({ path: f.path, name, text: f.text }); continue; }
    if (kind === 'connectedapp') {
      const scopes = values(f.text, 'scopes');
      const reach = scopes.filter(s => /^(api|full|web|refreshtoken)$/i.test(s));
      if (reach.length) { apiClients.push({ name, path: f.path, scopes }); }
      continue;
    }
    hasAccessMetadata = true;
    const guest = isGuest(kind, name, f.text);
    const classes = enabledClasses(f.text);
    if (kind === 'permissionset') { setsByName.set(name.toLowerCase(), { classes, guest }); }
    for (const c of classes) { add(c, { kind, name, path: f.path, guest }); }
  }
  for (const g of groups) {
    hasAccessMetadata = true;
    const members = values(g.text, 'permissionSets');
    const byClass = new Map<string, string[]>();
    for (const m of members) {
      for (const c of setsByName.get(m.toLowerCase())?.classes ?? []) {
        const list = byClass.get(c.toLowerCase()) ?? [];
        list.push(m);
        byClass.set(c.toLowerCase(), list);
      }
    }
    for (const [c, via] of byClass) {
      add(c, { kind: 'permissionsetgroup', name: g.name, path: g.path, guest: via.some(v => setsByName.get(v.toLowerCase())?.guest), via });
    }
  }
  for (const list of Object.values(grants)) { list.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)); }
  apiClients.sort((a, b) => a.name.localeCompare(b.name));
  return { grants, hasAccessMetadata, apiClients };
}

/** "guest + 2 permission sets", "3 profiles, 1 permission set group", "nobody in the project". */
export function grantSummary(grants: readonly Grant[] | undefined): string {
  if (!grants?.length) { return 'not granted in the project'; }
  const guest = grants.some(g => g.guest);
  const count = (k: Grant['kind'], one: string, many: string) => {
    const n = grants.filter(g => g.kind === k && !g.guest).length;
    return n ? `${n} ${n === 1 ? one : many}` : '';
  };
  return [guest ? 'guest' : '', count('profile', 'profile', 'profiles'), count('permissionset', 'permission set', 'permission sets'),
    count('permissionsetgroup', 'permission set group', 'permission set groups')].filter(Boolean).join(' + ');
}
