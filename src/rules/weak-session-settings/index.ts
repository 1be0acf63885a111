import { defineRule } from '../../core/rule';
import { childrenNamed, valueOf } from '../../core/xml/document';
import { metadataRoot } from '../../core/metadata/xmlRule';

/** Session timeouts longer than the Health Check standard of two hours. */
const LONG_TIMEOUTS = new Set(['FourHours', 'EightHours', 'TwelveHours', 'TwentyFourHours']);

/** Boolean session settings that Health Check wants on: element → message id. Reported only when set to false. */
const MUST_BE_ON: Record<string, string> = {
  lockSessionsToIp: 'lockToIp',
  requireHttpOnly: 'httpOnly',
  enableClickjackSetup: 'clickjack',
  enableClickjackNonsetupSFDC: 'clickjack',
  enableClickjackNonsetupUser: 'clickjack',
  enableClickjackNonsetupUserHeaderless: 'clickjack',
  enableCSRFOnGet: 'csrf',
  enableCSRFOnPost: 'csrf',
};

/** SecuritySettings `sessionSettings` weaker than the Health Check standard. */
export default defineRule({
  meta: {
    id: 'weak-session-settings',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'Session settings below the Salesforce Health Check standard (timeout, IP locking, HttpOnly, clickjack and CSRF protection)',
    kinds: ['xml'],
    metadataTypes: ['SecuritySettings'],
    messages: {
      timeout: 'Sessions time out after {{value}}: set <sessionTimeout> to TwoHours or shorter (Health Check standard).',
      lockToIp: 'Sessions are not locked to the IP address they started from, so a stolen session ID works from anywhere: set <lockSessionsToIp> to true.',
      httpOnly: 'Session cookies are readable by JavaScript: set <requireHttpOnly> to true.',
      clickjack: 'Clickjack protection is off ({{setting}}): set it to true.',
      csrf: 'CSRF protection is off ({{setting}}): set it to true.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'SecuritySettings');
    for (const ss of childrenNamed(root, 'sessionSettings')) {
      for (const el of ss.children) {
        const v = valueOf(el);
        if (v === undefined) { continue; }
        if (el.local === 'sessionTimeout') {
          if (LONG_TIMEOUTS.has(v)) { ctx.report({ messageId: 'timeout', data: { value: v.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() }, range: el.valueRange }); }
          continue;
        }
        const id = MUST_BE_ON[el.local];
        if (id && v.toLowerCase() === 'false') { ctx.report({ messageId: id, data: { setting: el.local }, range: el.valueRange }); }
      }
    }
  },
});
