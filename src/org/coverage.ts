/**
 * How much an inspection could look at, and why a check could not: the difference between
 * "this user lacks a permission or this org lacks a licence" (say what grants it) and "something
 * broke on the way" (network, TLS, timeout, rate limit, server error, malformed answer: a fault,
 * never answered with a permission to grant). A scheduled audit trusts exit 0 only when the
 * coverage is `complete`.
 */
import type { Dataset } from './client';
import { GRANTS } from './plan';
import type { CheckResult, Coverage, GroupResult, OrgErrorKind } from './types';
import { DEFAULT_MIN_PERCENT } from './defaults';

export { DEFAULT_MIN_PERCENT };
export const MIN_GROUPS_SHARE = 0.5;

const FAULT_WORDS: Record<OrgErrorKind, { label: string; hint: string }> = {
  network: { label: 'network failure', hint: 'A network fault, not a permission: retry; check the connection, proxy and firewall if it persists.' },
  tls: { label: 'TLS failure', hint: 'The server\'s certificate could not be trusted: check the instance URL and any TLS-inspecting proxy (NODE_EXTRA_CA_CERTS).' },
  timeout: { label: 'timeout', hint: 'The org did not answer in time: retry, or raise --request-timeout / --timeout.' },
  'rate-limit': { label: 'API request limit reached', hint: 'The org\'s API request limit is used up (or requests are throttled): retry after the 24-hour window rolls over.' },
  server: { label: 'server error', hint: 'Salesforce answered with a server error: retry later; see status.salesforce.com for maintenance.' },
  malformed: { label: 'malformed answer', hint: 'The answer was truncated or not what the API sends (an HTML page, a proxy or captive portal?): retry; check the instance URL.' },
  session: { label: 'session failure', hint: 'Log in again.' },
  other: { label: 'error', hint: 'Retry; if it persists, report it.' },
  permission: { label: 'no access', hint: '' },
};

/** Grants that depend on the error rather than on the object. */
const GRANT_BY_CODE: Record<string, string> = {
  API_DISABLED_FOR_ORG: 'the API Enabled permission, in an edition with API access (Enterprise, Unlimited, Developer, Performance)',
  API_CURRENTLY_DISABLED: 'the API Enabled permission, in an edition with API access (Enterprise, Unlimited, Developer, Performance)',
};

const firstLine = (s: string) => s.split('\n').map(l => l.trim()).filter(l => l && !/^\^|^ERROR at Row/.test(l)).pop() ?? s.trim();

/** The `unavailable` outcome of a check whose dataset `key` could not be read. */
export function unreadable(key: string, ds: Extract<Dataset<unknown>, { ok: false }>): Pick<CheckResult, 'status' | 'items' | 'summary' | 'reason' | 'cause'> {
  const g = GRANTS[key];
  const source = g?.source ?? key;
  const detail = ds.message && ds.message !== ds.code ? ' — ' + firstLine(ds.message) : '';
  if (ds.kind === 'permission') {
    return { status: 'unavailable', items: [], cause: 'permission', summary: `${source} is not readable (${ds.code})`,
      reason: `${source}: ${ds.code}${detail}. Granted by: ${GRANT_BY_CODE[ds.code] ?? g?.grant ?? 'an admin'}.` };
  }
  const w = FAULT_WORDS[ds.kind] ?? FAULT_WORDS.other;
  return { status: 'unavailable', items: [], cause: ds.kind, summary: `${source} could not be read (${w.label})`,
    reason: `${source}: ${w.label}, ${ds.code}${detail}. ${w.hint}` };
}

/** Coverage of an evaluated inspection against the threshold (`minPercent` of the checks, half the groups). */
export function coverageOf(all: CheckResult[], groups: GroupResult[], minPercent = DEFAULT_MIN_PERCENT): Coverage {
  // Checks the user turned off (--usage-days 0) are neither evaluated nor missing.
  const checks = all.filter(c => !c.skipped);
  const evaluated = checks.filter(c => c.status !== 'unavailable').length;
  const groupsEvaluated = groups.filter(g => g.checks.some(c => c.status !== 'unavailable' && !c.skipped)).length;
  const faulty = checks.filter(c => c.status === 'unavailable' && c.cause !== 'permission');
  const faultCauses = [...new Set(faulty.map(c => c.cause ?? 'other'))];
  const minGroups = Math.ceil(groups.length * MIN_GROUPS_SHARE);
  const complete = checks.length > 0 && evaluated * 100 >= minPercent * checks.length && groupsEvaluated >= minGroups && faulty.length === 0;
  return { total: checks.length, evaluated, groups: groups.length, groupsEvaluated, faults: faulty.length, faultCauses, minPercent, minGroups, complete };
}

/** The lines the report prints about coverage (the threshold is always stated). */
export function coverageNotes(c: Coverage): string[] {
  const lines = [`Coverage: ${c.evaluated} of ${c.total} checks evaluated in ${c.groupsEvaluated} of ${c.groups} groups. `
    + `A clean result (exit 0) needs at least ${c.minPercent}% of the checks and ${c.minGroups} groups evaluated, and no check lost to a fault.`];
  if (!c.complete) {
    const why: string[] = [];
    if (c.faults) { why.push(`${c.faults} ${c.faults === 1 ? 'check' : 'checks'} could not be read because of a fault (${c.faultCauses.map(k => FAULT_WORDS[k]?.label ?? k).join(', ')})`); }
    if (c.evaluated * 100 < c.minPercent * c.total) { why.push(`only ${c.total ? Math.floor(c.evaluated * 100 / c.total) : 0}% of the checks were evaluated`); }
    if (c.groupsEvaluated < c.minGroups) { why.push(`only ${c.groupsEvaluated} groups had a readable check`); }
    lines.push(`Inspection incomplete: ${why.join('; ')}. This result cannot be trusted as clean (exit 2).`);
  }
  return lines;
}
