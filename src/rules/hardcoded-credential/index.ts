import { defineRule, type RuleContext } from '../../core/rule';
import { apexMessages, checkApex } from './apex';
import { checkText, textMessages } from './text';
import { checkXml, xmlMessages } from './xml';

/**
 * Dispatches by file kind: Apex (apex.ts; Apex files too large to parse get the text heuristics of
 * text.ts), metadata XML values such as credential-named custom metadata fields (xml.ts, plus the
 * generic element/attribute heuristics of text.ts), other text formats (text.ts).
 * Both halves may look at the same XML value; the engine drops identical rule+range duplicates.
 */
export default defineRule({
  meta: {
    id: 'hardcoded-credential',
    type: 'problem',
    defaultSeverity: 'error',
    description: 'Non-empty literal assigned or passed under a credential-like name (password, secret, api_key, token...)',
    kinds: ['apex', 'xml', 'env', 'json', 'yaml', 'properties', 'js', 'text'],
    // One problem, one finding: a known credential format (hardcoded-secret, metadata-secret) or a
    // credential in a URL (credential-in-url) is named more precisely by those rules.
    yieldsTo: ['hardcoded-secret', 'metadata-secret', 'credential-in-url'],
    relatedAs: 'The same credential is used here',
    messages: { ...apexMessages, ...textMessages, ...xmlMessages },
  },
  check(ctx) {
    if (ctx.file.kind === 'apex' && ctx.file.apex()) { checkApex(ctx); return; }
    // Vendor and minified code: names there are a library's, not the project's; only the format-based
    // patterns of hardcoded-secret look at it (a real token in it is still reported, by that rule).
    if (isVendorFile(ctx.file.path)) { return; }
    // Minified code (JS, JSON, CSS-like text); metadata XML keeps long values such as a key in a field default.
    const narrowed: RuleContext = ctx.file.kind !== 'xml' && ctx.file.text.length > MAX_LINE ? {
      ...ctx,
      report: d => { if (ctx.file.lines.lineText(d.range.start.line).length <= MAX_LINE) { ctx.report(d); } },
    } : ctx;
    if (ctx.file.kind === 'xml') { checkXml(narrowed); } // metadata values keep their own, more specific message
    checkText(narrowed); // also Apex files too large to parse
  },
});

/** Lines longer than this are minified or generated: no name heuristics on them. */
const MAX_LINE = 1000;

/** Static resources (zipped or single-file third-party libraries) and minified bundles. */
export function isVendorFile(path: string): boolean {
  const p = path.replace(/\\/g, '/').toLowerCase();
  return /(^|\/)staticresources\//.test(p) || /\.min\.(js|css|mjs)$/.test(p) || /(^|\/)(node_modules|bower_components|vendor)\//.test(p);
}
