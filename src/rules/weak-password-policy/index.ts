import { defineRule } from '../../core/rule';
import { childNamed, childrenNamed, valueOf, type XmlElement } from '../../core/xml/document';
import { metadataRoot } from '../../core/metadata/xmlRule';

/** Expiration values longer than the Health Check standard of 90 days. */
const LONG_EXPIRATION = new Set(['Never', 'SixMonths', 'OneYear']);
/** maxLoginAttempts values above the standard of 5 (or no limit). */
const MANY_ATTEMPTS = new Set(['NoLimit', 'TenAttempts']);
/** lockoutInterval in minutes for the known values; `Forever` is the strictest. */
const LOCKOUT_MINUTES: Record<string, number> = { FifteenMinutes: 15, ThirtyMinutes: 30, SixtyMinutes: 60, Forever: Infinity };

/**
 * SecuritySettings `passwordPolicies` below the Health Check standard: minimum length 8, expiry
 * 90 days, history 3, complexity at least alphanumeric, at most 5 attempts, lockout at least 15 minutes.
 */
export default defineRule({
  meta: {
    id: 'weak-password-policy',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'Password policy below the Salesforce Health Check standard (length, expiry, history, complexity, lockout)',
    kinds: ['xml'],
    metadataTypes: ['SecuritySettings'],
    messages: {
      minimumLength: 'Minimum password length is {{value}}: set <minimumPasswordLength> to at least 8 (Health Check standard).',
      expiration: 'Passwords expire {{value}}: set <expiration> to NinetyDays or shorter (Health Check standard).',
      history: 'Only {{value}} previous passwords are remembered: set <historyRestriction> to 3 or more (Health Check standard).',
      complexity: 'Password complexity is NoRestriction: set <complexity> to AlphaNumeric or stricter (Health Check standard).',
      maxAttempts: 'Users get {{value}} before lockout: set <maxLoginAttempts> to FiveAttempts or fewer (Health Check standard).',
      lockout: 'Lockout lasts {{value}}: set <lockoutInterval> to FifteenMinutes or longer (Health Check standard).',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'SecuritySettings');
    for (const pp of childrenNamed(root, 'passwordPolicies')) {
      const at = (name: string): [XmlElement, string] | undefined => {
        const el = childNamed(pp, name);
        const v = valueOf(el);
        return el && v !== undefined ? [el, v] : undefined;
      };
      const len = at('minimumPasswordLength');
      if (len && /^\d+$/.test(len[1]) && Number(len[1]) < 8) {
        ctx.report({ messageId: 'minimumLength', data: { value: len[1] }, range: len[0].valueRange });
      }
      const exp = at('expiration');
      if (exp && LONG_EXPIRATION.has(exp[1])) {
        ctx.report({ messageId: 'expiration', data: { value: exp[1] === 'Never' ? 'never' : `after ${exp[1]}` }, range: exp[0].valueRange });
      }
      const hist = at('historyRestriction');
      if (hist && /^\d+$/.test(hist[1]) && Number(hist[1]) < 3) {
        ctx.report({ messageId: 'history', data: { value: hist[1] }, range: hist[0].valueRange });
      }
      const cx = at('complexity');
      if (cx && cx[1] === 'NoRestriction') { ctx.report({ messageId: 'complexity', range: cx[0].valueRange }); }
      const att = at('maxLoginAttempts');
      if (att && MANY_ATTEMPTS.has(att[1])) {
        ctx.report({ messageId: 'maxAttempts', data: { value: att[1] === 'NoLimit' ? 'unlimited attempts' : 'ten attempts' }, range: att[0].valueRange });
      }
      const lock = at('lockoutInterval');
      if (lock) {
        const minutes = LOCKOUT_MINUTES[lock[1]] ?? minutesOf(lock[1]);
        if (minutes !== undefined && minutes < 15) {
          ctx.report({ messageId: 'lockout', data: { value: lock[1] }, range: lock[0].valueRange });
        }
      }
    }
  },
});

/** Minutes in an unknown interval value such as `FiveMinutes` or `10`; undefined when unreadable. */
function minutesOf(v: string): number | undefined {
  if (/^\d+$/.test(v)) { return Number(v); }
  const words: Record<string, number> = { Zero: 0, One: 1, Two: 2, Three: 3, Five: 5, Ten: 10 };
  const m = /^(Zero|One|Two|Three|Five|Ten)Minutes?$/.exec(v);
  return m ? words[m[1]] : undefined;
}
