/**
 * Project facts read from metadata: the Named Credentials, External Credentials and Remote Site
 * Settings a project defines. Cross-file rules (`remote-site-without-named-credential`) and the
 * Named Credential fixes read them from `ProjectIndex`. Pure: callers pass file texts.
 */
import { LineIndex } from '../position';
import {
  emptyProject, readSfdxProject,
  type ExternalCredentialFact, type NamedCredentialFact, type ObjectFact, type ProjectIndex, type RemoteSiteFact,
} from '../project';
import { childBoolean, childrenNamed, childValue, type XmlElement } from '../xml/document';
import { parseXml } from '../xml/parse';
import { metadataTypeOf, type MetadataType } from './types';
import { holdsSymbols, setFileSymbols, symbolsOf } from '../symbols';

/** The metadata types whose files `buildProjectIndex` needs (the CLI/workspace reads only these). */
export const PROJECT_FACT_TYPES: readonly MetadataType[] = ['NamedCredential', 'ExternalCredential', 'RemoteSiteSetting', 'CustomObject'];

const SUFFIX: Partial<Record<MetadataType, string>> = {
  NamedCredential: '.namedCredential', ExternalCredential: '.externalCredential', RemoteSiteSetting: '.remoteSite',
};

/** The component name (API name) from a metadata path: `a/b/Stripe.namedCredential-meta.xml` → `Stripe`. */
export function componentName(path: string, type: MetadataType | undefined = metadataTypeOf(path)): string {
  const p = path.replace(/\\/g, '/');
  let base = p.slice(p.lastIndexOf('/') + 1);
  if (base.endsWith('-meta.xml')) { base = base.slice(0, -'-meta.xml'.length); }
  const suffix = type ? SUFFIX[type] : undefined;
  if (suffix && base.endsWith(suffix)) { return base.slice(0, -suffix.length); }
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Named Credential facts from a parsed `<NamedCredential>` root. */
export function namedCredentialFact(root: XmlElement, name: string, path: string): NamedCredentialFact {
  const type = childValue(root, 'namedCredentialType');
  const params = childrenNamed(root, 'namedCredentialParameters');
  const model: NamedCredentialFact['model'] =
    type === undefined || /^legacy$/i.test(type) ? 'legacy' : /^securedendpoint$/i.test(type) ? 'secured' : 'other';
  let url = childValue(root, 'endpoint');
  let externalCredential: string | undefined;
  for (const p of params) {
    const pt = childValue(p, 'parameterType');
    if (pt === 'Url' && url === undefined) { url = childValue(p, 'parameterValue'); }
    if (pt === 'Authentication' && externalCredential === undefined) { externalCredential = childValue(p, 'externalCredential'); }
  }
  return { name, path, model, ...(url !== undefined ? { url } : {}), ...(externalCredential ? { externalCredential } : {}) };
}

export function externalCredentialFact(root: XmlElement, name: string, path: string): ExternalCredentialFact {
  const principals: string[] = [];
  for (const p of childrenNamed(root, 'externalCredentialParameters')) {
    const pt = childValue(p, 'parameterType');
    const pn = childValue(p, 'parameterName');
    if (pn && (pt === 'NamedPrincipal' || pt === 'PerUserPrincipal')) { principals.push(pn); }
  }
  const protocol = childValue(root, 'authenticationProtocol');
  return { name, path, ...(protocol ? { protocol } : {}), principals };
}

export function remoteSiteFact(root: XmlElement, name: string, path: string): RemoteSiteFact {
  const url = childValue(root, 'url');
  return {
    name, path, ...(url !== undefined ? { url } : {}),
    // isActive is required; a file without it is treated as active (the safer reading for a linter).
    active: childBoolean(root, 'isActive') ?? true,
    disableProtocolSecurity: childBoolean(root, 'disableProtocolSecurity') ?? false,
  };
}

/** The object's API name: `objects/Foo__c/Foo__c.object-meta.xml` or `objects/Foo__c.object` → `Foo__c`. */
export function objectNameOf(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  return base.replace(/\.object(-meta\.xml)?$/i, '');
}

/**
 * Object facts read with two bounded searches, not a parse: an object file of the Metadata API format
 * holds every field and can be large, and only the object's own top-level settings are needed.
 */
export function objectFact(path: string, text: string): ObjectFact {
  // Top-level elements come before or after the <fields> blocks; a field never has <visibility> or <customSettingsType>.
  const own = text.replace(/<fields>[\s\S]*?<\/fields>/g, '');
  // Custom settings retrieved with older API versions write it <customSettingsVisibility>.
  const visibility = /<(visibility|customSettingsVisibility)>\s*([A-Za-z]+)\s*<\/\1>/.exec(own)?.[2];
  const customSettingsType = /<customSettingsType>\s*([A-Za-z]+)\s*<\/customSettingsType>/.exec(own)?.[1];
  return { name: objectNameOf(path), path, ...(visibility ? { visibility } : {}), ...(customSettingsType ? { customSettingsType } : {}) };
}

/**
 * Facts from one file: a NamedCredential, ExternalCredential or RemoteSiteSetting (by path); `{}` for
 * anything else, for malformed XML without the expected root, and never throws.
 */
export function extractProjectFacts(path: string, text: string): Partial<ProjectIndex> {
  const type = metadataTypeOf(path);
  if (!type || !PROJECT_FACT_TYPES.includes(type)) { return {}; }
  if (type === 'CustomObject') {
    return /<CustomObject[\s>]/.test(text.slice(0, 4096)) ? { objects: new Map([[objectNameOf(path).toLowerCase(), objectFact(path, text)]]) } : {};
  }
  const root = parseXml(text, new LineIndex(text)).root;
  if (!root || root.local !== type) { return {}; }
  const name = componentName(path, type);
  switch (type) {
    case 'NamedCredential': return { namedCredentials: [namedCredentialFact(root, name, path)] };
    case 'ExternalCredential': return { externalCredentials: [externalCredentialFact(root, name, path)] };
    default: return { remoteSites: [remoteSiteFact(root, name, path)] };
  }
}

/**
 * The project index for a scan: `sfdx-project.json` facts plus the facts of the given files (pass the
 * texts of the project's namedCredentials/, externalCredentials/ and remoteSiteSettings/ files, and for
 * project-wide resolution its Apex classes, labels and custom metadata records; other files are ignored). Results are sorted by name, then path, so the index does not depend on read order.
 */
export function buildProjectIndex(root: string, files: ReadonlyArray<{ path: string; text: string }>, sfdxProjectText?: string): ProjectIndex {
  const index = emptyProject(root);
  if (sfdxProjectText !== undefined) {
    const sfdx = readSfdxProject(sfdxProjectText);
    index.packageDirectories = sfdx.packageDirectories;
    if (sfdx.sourceApiVersion !== undefined) { index.sourceApiVersion = sfdx.sourceApiVersion; }
  }
  for (const f of files) {
    const syms = holdsSymbols(f.path) ? symbolsOf(f.path, f.text) : undefined;
    if (syms) { setFileSymbols(index, f.path, syms); }
    const facts = extractProjectFacts(f.path, f.text);
    if (facts.namedCredentials) { index.namedCredentials.push(...facts.namedCredentials); }
    if (facts.externalCredentials) { index.externalCredentials.push(...facts.externalCredentials); }
    if (facts.remoteSites) { index.remoteSites.push(...facts.remoteSites); }
    for (const [k, o] of facts.objects ?? []) { (index.objects ??= new Map()).set(k, o); }
  }
  const byName = (a: { name: string; path: string }, b: { name: string; path: string }) =>
    a.name.localeCompare(b.name) || a.path.localeCompare(b.path);
  index.namedCredentials.sort(byName);
  index.externalCredentials.sort(byName);
  index.remoteSites.sort(byName);
  return index;
}
