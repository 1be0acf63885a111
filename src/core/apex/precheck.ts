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

/** The surface rules report only at entry points: the same test `fileSurface` makes before it parses. */
const entryPoint = mayExpose;

const GATES: Readonly<Record<string, (text: string) => boolean>> = {
  'aura-returns-sobject': entryPoint,
  'endpoint-not-granted': entryPoint,
  'endpoint-without-sharing': entryPoint,
  'guest-accessible-endpoint': entryPoint,
  'rest-unchecked-record-id': entryPoint,
  'soql-injection': entryPoint,
  'hardcoded-secret': t => SECRET_KEYWORD.test(t),
  'hardcoded-credential': t => mayHoldCredentialName(t),
  'callout-without-named-credential': t => ENDPOINT_SINK.test(t),
  'insecure-endpoint': t => ENDPOINT_SINK.test(t),
  // Endpoints, plus any literal with user info ('…@…') or a credential-named query parameter.
  'credential-in-url': t => ENDPOINT_SINK.test(t) || /'[^'\n]*@/.test(t) || mayHoldCredentialName(t),
  'hardcoded-authorization-header': t => HEADER_SINK.test(t),
  'manual-authorization-header': t => HEADER_SINK.test(t),
  'session-id-in-callout': t => /setheader|setbody|setendpoint|inputhttpheaders_x|sessionid/i.test(t),
  'secret-in-debug-log': t => /debug/i.test(t) && (mayHoldCredentialName(t) || DEBUG_LEAK.test(t)),
  'weak-crypto': t => /crypto/i.test(t),
};

/**
 * Whether any of `ruleIds` (the rules about to run on an Apex file) could report in `text`. False
 * means the engine may skip the parse: none of them can fire. Unicode escapes (`\u0041`) can spell
 * anything in a literal's value, so a file with one is always parsed.
 */
export function apexRulesMayReport(text: string, ruleIds: Iterable<string>): boolean {
  if (text.includes('\\u')) { return true; }
  for (const id of ruleIds) {
    const gate = GATES[id];
    if (!gate || gate(text)) { return true; }
  }
  return false;
}

/** Rule ids that have a text test (a rule not listed always gets the parse). */
export const GATED_RULES: ReadonlySet<string> = new Set(Object.keys(GATES));
