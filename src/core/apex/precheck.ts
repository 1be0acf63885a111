import { mayHoldCredentialName, SECRET_PATTERNS } from '../secrets';
import { mayExpose } from '../surface/risks';


/**
 * The cheap text pre-check that decides whether an Apex file needs the parse and the Apex model.
 * For each rule that reads Apex, a test of the raw text that is true whenever the rule could report
 * anything in the file: what the rule looks for must be written in the file (a sink call, a format
 * keyword, a credential-like name). A rule without an entry here always needs the model, so a new
 * rule is never skipped by accident. `bench/precheck-equivalence.mjs` compares the findings with and
 * without the pre-check on the bench corpora and on whole public repositories.
 *
 * What it cannot see: a value that another file holds (project-wide constants) is only reached from a
 * sink or name written in this file, which the tests below require anyway.
 */

/** Any keyword of any secret format: `matchSecrets` finds nothing in a literal or comment without one. */
const SECRET_KEYWORD = new RegExp([...new Set(SECRET_PATTERNS.flatMap(p => p.keywords))]
  .map(k => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
const ENDPOINT_SINK = /setendpoint|endpoint_x/i;
const HEADER_SINK = /setheader|inputhttpheaders_x/i;
/** What secret-in-debug-log follows besides credential names: session ids, auth headers, token responses, JWTs. */
const DEBUG_LEAK = /session|\bsid\b|authoriz|api-?key|auth-token|subscription-key|cookie|token|eyj|header/i;

/**
 * A rule's text test: true when `re` matches, or (`credName`) `mayHoldCredentialName` holds, or
 * `test` holds. Written as data so that the tests of all running rules compile into one that runs
 * each distinct regex, the credential-name test and each other test at most once.
 */
interface Gate { re?: RegExp; credName?: boolean; test?: (text: string) => boolean }

/** The surface rules report only at entry points: the same test `fileSurface` makes before it parses. */
const entryPoint: Gate = { test: mayExpose };
/** Endpoints, plus any literal with user info ('…@…') or a credential-named query parameter. `[^'\n@]*` (not `[^'\n]*`): each
 * try stops at the first `@`, so a long line with many quotes is read once, not once per quote. */
const CREDENTIAL_IN_URL = /setendpoint|endpoint_x|'[^'\n@]*@/i;

const GATES: Readonly<Record<string, Gate>> = {
  'aura-returns-sobject': entryPoint,
  'endpoint-not-granted': entryPoint,
  'endpoint-without-sharing': entryPoint,
  'guest-accessible-endpoint': entryPoint,
  'rest-unchecked-record-id': entryPoint,
  'soql-injection': entryPoint,
  'hardcoded-secret': { re: SECRET_KEYWORD },
  'hardcoded-credential': { credName: true },
  'callout-without-named-credential': { re: ENDPOINT_SINK },
  'insecure-endpoint': { re: ENDPOINT_SINK },
  'credential-in-url': { re: CREDENTIAL_IN_URL, credName: true },
  'hardcoded-authorization-header': { re: HEADER_SINK },
  'manual-authorization-header': { re: HEADER_SINK },
  'session-id-in-callout': { re: /setheader|setbody|setendpoint|inputhttpheaders_x|sessionid/i },
  'secret-in-debug-log': { test: t => /debug/i.test(t) && (mayHoldCredentialName(t) || DEBUG_LEAK.test(t)) },
  'weak-crypto': { re: /crypto/i },
};

/** The distinct parts of the gates of a set of rules: regexes, the credential-name test, tests written as functions. */
interface Parts { res: RegExp[]; credName: boolean; tests: Array<(text: string) => boolean> }
/** The combined test of a set of rules (undefined: one of them has no gate, so every text passes). */
type Combined = ((text: string) => boolean) | undefined;
const combined = new Map<string, { parts?: Parts; test: Combined }>();

function testOf({ res, credName, tests }: Parts): (text: string) => boolean {
  return t => res.some(re => re.test(t)) || (credName && mayHoldCredentialName(t)) || tests.some(f => f(t));
}

function combine(ids: readonly string[]): { parts?: Parts; test: Combined } {
  const key = ids.join(',');
  let c = combined.get(key);
  if (c) { return c; }
  const gates = ids.map(id => GATES[id]);
  if (gates.every(g => g)) {
    // Separate regexes, each once: V8 scans one keyword alternation fast, a union of them far slower.
    const parts: Parts = {
      res: [...new Set(gates.flatMap(g => (g.re ? [g.re] : [])))],
      credName: gates.some(g => g.credName),
      tests: [...new Set(gates.flatMap(g => (g.test ? [g.test] : [])))],
    };
    c = { parts, test: testOf(parts) };
  } else {
    c = { test: undefined };
  }
  combined.set(key, c);
  return c;
}

/**
 * Whether any of `ruleIds` (the rules about to run on an Apex file) could report in `text`. False
 * means the engine may skip the parse: none of them can fire. Unicode escapes (`\u0041`) can spell
 * anything in a literal's value, so a file with one is always parsed.
 */
export function apexRulesMayReport(text: string, ruleIds: Iterable<string>): boolean {
  return apexGate([...ruleIds])(text);
}

/** `apexRulesMayReport` for one set of rules, compiled once (the member-level pre-check asks it per member). */
export function apexGate(ruleIds: readonly string[]): (text: string) => boolean {
  const { test } = combine(ruleIds);
  return t => t.includes('\\u') || !test || test(t);
}

/**
 * `apexGate` for the members of a class `whole` (`apex/members.ts`): only the parts of the test that pass on the whole
 * text can pass on a member, so the others are not asked again per member. Each part looks for keywords or words,
 * and a member starts and ends beside a character that is not a word character, so a match in a member's text is a
 * match in the whole text.
 */
export function apexGateWithin(ruleIds: readonly string[], whole: string): (text: string) => boolean {
  const { parts } = combine(ruleIds);
  if (!parts || whole.includes('\\u')) { return () => true; }
  return testOf({ res: parts.res.filter(re => re.test(whole)), credName: parts.credName && mayHoldCredentialName(whole), tests: parts.tests.filter(f => f(whole)) });
}

/** Rule ids that have a text test (a rule not listed always gets the parse). */
export const GATED_RULES: ReadonlySet<string> = new Set(Object.keys(GATES));
