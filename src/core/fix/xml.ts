/**
 * Generators for the Named Credential metadata (salesforce-facts A.1–A.3). Only documented elements,
 * children in alphabetical order as `sf project retrieve` writes them, 4-space indentation, no secret.
 */

export const MD_NS = 'http://soap.sforce.com/2006/04/metadata';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An element tree to print: a leaf holds text, a node holds children (kept in the given order). */
type XNode = [string, string | XNode[]];

function render(nodes: XNode[], depth: number): string {
  const pad = '    '.repeat(depth);
  return nodes.map(([name, v]) => typeof v === 'string'
    ? `${pad}<${name}>${escapeXml(v)}</${name}>\n`
    : `${pad}<${name}>\n${render(v, depth + 1)}${pad}</${name}>\n`).join('');
}

/** Sorts siblings by element name (stable: repeated elements keep their relative order). */
function sorted(nodes: XNode[]): XNode[] {
  return nodes.map((n, i) => [n, i] as const)
    .sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map(x => x[0]);
}

function doc(root: string, children: XNode[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${MD_NS}">\n${render(sorted(children), 1)}</${root}>\n`;
}

function param(fields: Record<string, string | number | undefined>): XNode[] {
  return sorted(Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)] as XNode));
}

export interface NamedCredentialSpec {
  label: string;
  url: string;
  externalCredential: string;
  apiVersion: number;
  allowMergeFieldsInHeader?: boolean;
  allowMergeFieldsInBody?: boolean;
  generateAuthorizationHeader?: boolean;
  certificate?: string;
  description?: string;
}

export function namedCredentialXml(s: NamedCredentialSpec): string {
  const c: XNode[] = [
    ['label', s.label],
    ['namedCredentialType', 'SecuredEndpoint'],
    ['generateAuthorizationHeader', s.generateAuthorizationHeader === false ? 'false' : 'true'],
    ['namedCredentialParameters', param({ parameterName: 'Url', parameterType: 'Url', parameterValue: s.url })],
    ['namedCredentialParameters', param({ externalCredential: s.externalCredential, parameterName: 'ExternalCredential',
      parameterType: 'Authentication' })],
  ];
  if (s.certificate) {
    c.push(['namedCredentialParameters', param({ certificate: s.certificate, parameterName: 'ClientCertificate', parameterType: 'ClientCertificate' })]);
  }
  if (s.description) { c.push(['description', s.description]); }
  // Merge-field flags default to false: written only when the rewritten code needs them.
  if (s.allowMergeFieldsInHeader) { c.push(['allowMergeFieldsInHeader', 'true']); }
  if (s.allowMergeFieldsInBody) { c.push(['allowMergeFieldsInBody', 'true']); }
  if (s.apiVersion >= 59) { c.push(['calloutStatus', 'Enabled']); }
  return doc('NamedCredential', c);
}

export type ParamFields = Record<string, string | number | undefined>;

/** One ExternalCredential: protocol, parameters in the order given (fields sorted inside each). */
export interface ExternalCredentialSpec { label: string; protocol: string; params: ParamFields[]; description?: string }

export function externalCredentialXml(s: ExternalCredentialSpec): string {
  const c: XNode[] = [['authenticationProtocol', s.protocol], ['label', s.label]];
  if (s.description) { c.push(['description', s.description]); }
  for (const p of s.params) { c.push(['externalCredentialParameters', param(p)]); }
  return doc('ExternalCredential', c);
}

export function principalAccessXml(externalCredential: string, principal: string, indent = '    '): string {
  return `${indent}<externalCredentialPrincipalAccesses>\n${indent}    <enabled>true</enabled>\n`
    + `${indent}    <externalCredentialPrincipal>${escapeXml(`${externalCredential}-${principal}`)}</externalCredentialPrincipal>\n`
    + `${indent}</externalCredentialPrincipalAccesses>\n`;
}

export function permissionSetXml(label: string, externalCredential: string, principal: string, description: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="${MD_NS}">\n`
    + `    <description>${escapeXml(description)}</description>\n`
    + principalAccessXml(externalCredential, principal)
    + `    <hasActivationRequired>false</hasActivationRequired>\n    <label>${escapeXml(label)}</label>\n</PermissionSet>\n`;
}
