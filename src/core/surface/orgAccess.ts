import type { Risk } from './risks';
import type { Loc, OrgClassAccess, OrgGrant, OrgSurfaceAccess } from './types';

/**
 * The org's side of "who may call it": the class grants read from a connected org
 * (`SetupEntityAccess`, see src/org/surface.ts) merged into the surface. Pure: the org module
 * fetches, this decides what it means. Fail closed: a class the org could not be read for is
 * `unknown`, shown as "org grants unknown", never as "not granted in the org".
 */

/** The class a grant names: the top-level class of the file (grants never name inner classes). */
export function outerClassOf(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? path;
  return base.replace(/\.cls$/i, '');
}

/** What the org says about the class declared in `path` (undefined: no org asked). */
export function orgAccessOf(org: OrgSurfaceAccess | undefined, path: string): OrgClassAccess | undefined {
  if (!org) { return undefined; }
  return org.classes[outerClassOf(path).toLowerCase()] ?? { state: 'unknown', grants: [], why: 'not asked' };
}

function grantText(g: OrgGrant): string {
  const kind = g.kind === 'profile' ? 'profile' : 'permission set';
  return `${g.name} (${g.guest ? `guest ${kind}${g.guestVia?.length ? ` via ${g.guestVia.join(', ')}` : ''}` : kind})`;
}

/** "granted to Orders Site (guest profile), Integration (permission set)", "not granted in the org", "org grants unknown (…)". */
export function orgSummary(a: OrgClassAccess): string {
  switch (a.state) {
    case 'granted': return `granted to ${a.grants.map(grantText).join(', ')}`;
    case 'not-granted': return 'not granted in the org';
    case 'not-in-org': return 'not in the org';
    case 'unknown': return `org grants unknown${a.grants.length ? ` (at least ${a.grants.map(grantText).join(', ')})` : ''}${a.why ? `: ${a.why}` : ''}`;
  }
}

/** The short form for the CodeLens: "org: guest + 2 permission sets", "org: not granted", "org: unknown". */
export function orgShort(a: OrgClassAccess): string {
  if (a.state === 'not-granted') { return 'org: not granted'; }
  if (a.state === 'not-in-org') { return 'org: not deployed'; }
  if (a.state === 'unknown') { return 'org: unknown'; }
  const n = (k: OrgGrant['kind']) => a.grants.filter(g => g.kind === k && !g.guest).length;
  const p = n('profile'), s = n('permissionset');
  return `org: ${[a.grants.some(g => g.guest) ? 'guest' : '', p ? `${p} profile${p > 1 ? 's' : ''}` : '', s ? `${s} permission set${s > 1 ? 's' : ''}` : ''].filter(Boolean).join(' + ')}`;
}

export function orgGuests(a: OrgClassAccess | undefined): OrgGrant[] { return (a?.grants ?? []).filter(g => g.guest); }

/** The entry point a risk is about (enough of it for the org's part of the guest risk). */
export interface RiskSubject { label: string; className: string; methodName: string; path: string; range: Loc['range'] }

/**
 * Adds what the org says to an entry point's risks: the org's guest grants join the
 * `guest-accessible-endpoint` risk (or make one). Returns a new list; `risks` is not changed.
 */
export function withOrgRisks(risks: readonly Risk[], s: RiskSubject, a: OrgClassAccess | undefined, orgName: string): Risk[] {
  const guests = orgGuests(a);
  if (!guests.length) { return [...risks]; }
  const names = guests.map(g => g.kind === 'profile' ? g.name : `${g.name} (assigned to ${g.guestVia?.join(', ') || 'a guest user'})`).join(', ');
  const related: Loc[] = guests.map(g => ({ path: s.path, range: s.range,
    message: `In the org ${orgName}: ${g.kind === 'profile' ? `guest profile ${g.name}` : `permission set ${g.name}, assigned to the guest user of ${g.guestVia?.join(', ') || 'a site'},`} grants the class.` }));
  const i = risks.findIndex(r => r.id === 'guest-accessible-endpoint');
  if (i >= 0) {
    const r = risks[i];
    const out = [...risks];
    out[i] = { ...r, summary: `${r.summary}; in the org ${orgName}, the guest user of ${names}`, related: [...r.related, ...related] };
    return out;
  }
  const risk: Risk = { id: 'guest-accessible-endpoint', related,
    summary: `${s.label} ${s.className}.${s.methodName} can be called by a site's guest user in the org ${orgName}: ${names}` };
  // Keep the order risksOf gives: the guest risk comes right after the sharing one.
  const at = risks[0]?.id === 'endpoint-without-sharing' ? 1 : 0;
  return [...risks.slice(0, at), risk, ...risks.slice(at)];
}
