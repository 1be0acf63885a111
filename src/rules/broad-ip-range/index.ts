import { defineRule } from '../../core/rule';
import { childNamed, childrenNamed, valueOf, type XmlElement } from '../../core/xml/document';
import { descend, metadataRoot, spanOf } from '../../core/metadata/xmlRule';

/** Ranges larger than this many addresses are reported. */
export const MAX_ADDRESSES = 100_000;
const WHOLE_SPACE = 2 ** 32;

/** IPv4 dotted quad → number, or undefined (IPv6 and malformed addresses are not judged). */
export function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) { return undefined; }
  const parts = m.slice(1).map(Number);
  if (parts.some(p => p > 255)) { return undefined; }
  return ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3];
}

/**
 * IPv4 ranges so wide they stop restricting anything: Profile `loginIpRanges`, SecuritySettings
 * `networkAccess.ipRanges` (trusted ranges: no identity verification from them) and ConnectedApp
 * `ipRanges`. The whole IPv4 space is reported as an error with its own message.
 */
export default defineRule({
  meta: {
    id: 'broad-ip-range',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'IP range of more than 100,000 addresses in a profile, the trusted network settings or a connected app',
    kinds: ['xml'],
    metadataTypes: ['Profile', 'SecuritySettings', 'ConnectedApp'],
    messages: {
      broadRange: '{{where}} {{start}}–{{end}} spans {{count}} addresses: list only the networks the users or the integration really use (each range under 100,000 addresses).',
      wholeSpace: '{{where}} {{start}}–{{end}} is the whole IPv4 internet, so it restricts nothing: list only the networks the users or the integration really use.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'Profile', 'SecuritySettings', 'ConnectedApp');
    if (!root) { return; }
    const check = (range: XmlElement, startName: string, endName: string, where: string) => {
      const startEl = childNamed(range, startName), endEl = childNamed(range, endName);
      const s = valueOf(startEl), e = valueOf(endEl);
      if (!startEl || !endEl || s === undefined || e === undefined) { return; }
      const a = ipv4(s), b = ipv4(e);
      if (a === undefined || b === undefined) { return; }
      const count = Math.abs(b - a) + 1;
      if (count <= MAX_ADDRESSES) { return; }
      ctx.report({
        messageId: count >= WHOLE_SPACE ? 'wholeSpace' : 'broadRange',
        data: { where, start: s, end: e, count: count.toLocaleString('en-US') },
        range: spanOf(startEl.valueRange, endEl.valueRange),
        ...(count >= WHOLE_SPACE ? { severity: 'error' as const } : {}),
      });
    };
    if (root.local === 'Profile') {
      for (const r of childrenNamed(root, 'loginIpRanges')) { check(r, 'startAddress', 'endAddress', 'Profile login IP range'); }
    } else if (root.local === 'SecuritySettings') {
      for (const r of descend(root, 'networkAccess', 'ipRanges')) { check(r, 'start', 'end', 'Trusted IP range'); }
    } else {
      for (const r of childrenNamed(root, 'ipRanges')) { check(r, 'start', 'end', 'Connected app trusted IP range'); }
    }
  },
});
