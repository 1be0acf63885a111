/**
 * Developer names for generated Named Credentials.
 *
 * Scheme (deterministic): the registrable domain label, capitalised, then the sub-domain labels
 * left to right (labels of up to 3 letters upper-cased, others capitalised), then the port when it is
 * not the default one; `www` is dropped. `api.stripe.com` → `Stripe_API`,
 * `login.microsoftonline.com` → `Microsoftonline_Login`, `example.com:8443` → `Example_8443`,
 * an IP address → `Host_10_0_0_5`. The result is a valid developer name: letters, digits and single
 * underscores, starting with a letter, no trailing underscore, at most 80 characters.
 */

const TWO_LEVEL_SUFFIXES = new Set(['co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'com.au', 'net.au', 'org.au', 'co.nz',
  'co.jp', 'co.in', 'com.br', 'com.mx', 'co.za', 'com.cn', 'com.sg', 'co.kr', 'com.tr', 'com.ar']);

export const MAX_DEVELOPER_NAME = 80;

export function isValidDeveloperName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_DEVELOPER_NAME && /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/.test(name) && !name.endsWith('_');
}

/** Turns any text into a valid developer name (or undefined when nothing usable is left). */
export function toDeveloperName(text: string, max = MAX_DEVELOPER_NAME): string | undefined {
  let s = text.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+/g, '_').replace(/^_+/, '');
  if (!s) { return undefined; }
  if (!/^[A-Za-z]/.test(s)) { s = `N_${s}`; }
  s = s.slice(0, max).replace(/_+$/, '');
  return isValidDeveloperName(s) ? s : undefined;
}

function cap(label: string): string {
  return label.split(/[^A-Za-z0-9]+/).filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('_');
}
function sub(label: string): string { return /^[a-z]{1,3}$/i.test(label) ? label.toUpperCase() : cap(label); }

/** The default Named Credential name for an origin (`https://api.stripe.com` → `Stripe_API`). */
export function nameForOrigin(origin: string, max = 60): string {
  const m = /^[a-z]+:\/\/([^/:]+)(?::(\d+))?/i.exec(origin);
  const host = (m?.[1] ?? origin).toLowerCase();
  const port = m?.[2];
  let parts: string[];
  if (/^\d+(\.\d+){3}$/.test(host) || host.includes('[')) {
    parts = ['Host', ...host.split(/[.:[\]]+/).filter(Boolean)];
  } else {
    const labels = host.split('.').filter(l => l && l !== 'www');
    const last2 = labels.slice(-2).join('.');
    const suffixLen = labels.length > 2 && TWO_LEVEL_SUFFIXES.has(last2) ? 2 : labels.length > 1 ? 1 : 0;
    const domainIdx = labels.length - suffixLen - 1;
    const domain = labels[Math.max(0, domainIdx)] ?? 'Endpoint';
    parts = [cap(domain), ...labels.slice(0, Math.max(0, domainIdx)).map(sub)];
  }
  if (port) { parts.push(port); }
  return toDeveloperName(parts.join('_'), max) ?? 'Callout_Endpoint';
}

/** Readable label from a developer name: `Stripe_API` → `Stripe API`. */
export function labelFor(name: string): string { return name.replace(/_/g, ' '); }

/** First of `base`, `base_2`, `base_3`… that `taken` does not reject. */
export function uniqueName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) { return base; }
  for (let i = 2; i < 1000; i++) {
    const suffix = `_${i}`;
    const n = base.slice(0, MAX_DEVELOPER_NAME - suffix.length).replace(/_+$/, '') + suffix;
    if (!taken(n)) { return n; }
  }
  return `${base.slice(0, 60)}_${Date.now() % 100000}`;
}
