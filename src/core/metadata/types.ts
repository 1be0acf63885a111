/**
 * Recognises the Salesforce metadata type of a file from its folder and suffix, in source format
 * (`namedCredentials/Foo.namedCredential-meta.xml`) and Metadata API format (`namedCredentials/Foo.namedCredential`).
 */

export type MetadataType =
  | 'NamedCredential' | 'ExternalCredential' | 'RemoteSiteSetting' | 'ConnectedApp' | 'AuthProvider'
  | 'SecuritySettings' | 'Settings' | 'Profile' | 'PermissionSet' | 'CustomMetadata' | 'CustomLabels'
  | 'CspTrustedSite' | 'ExtlClntAppGlobalOauthSettings' | 'ExtlClntAppOauthSettings' | 'ExternalClientApplication'
  | 'CustomObject' | 'CustomField' | 'Layout' | 'ApexClass' | 'ApexTrigger' | 'Package' | 'Other';

/** suffix (without `-meta.xml`) → type. Order matters only for shared prefixes. */
const SUFFIXES: ReadonlyArray<[string, MetadataType]> = [
  ['.namedCredential', 'NamedCredential'],
  ['.externalCredential', 'ExternalCredential'],
  ['.remoteSite', 'RemoteSiteSetting'],
  ['.connectedApp', 'ConnectedApp'],
  ['.authprovider', 'AuthProvider'],
  ['.profile', 'Profile'],
  ['.permissionset', 'PermissionSet'],
  ['.md', 'CustomMetadata'],
  ['.labels', 'CustomLabels'],
  ['.cspTrustedSite', 'CspTrustedSite'],
  ['.ecaGlblOauth', 'ExtlClntAppGlobalOauthSettings'],
  ['.ecaOauth', 'ExtlClntAppOauthSettings'],
  ['.eca', 'ExternalClientApplication'],
  ['.object', 'CustomObject'],
  ['.field', 'CustomField'],
  ['.layout', 'Layout'],
  ['.cls', 'ApexClass'],
  ['.trigger', 'ApexTrigger'],
];

/** The metadata type of a path, or undefined when the file is not metadata XML. */
export function metadataTypeOf(path: string): MetadataType | undefined {
  const p = path.replace(/\\/g, '/');
  const base = p.slice(p.lastIndexOf('/') + 1);
  let stem = base;
  if (stem.endsWith('-meta.xml')) { stem = stem.slice(0, -'-meta.xml'.length); }
  else if (base === 'package.xml') { return 'Package'; }
  if (/(^|\/)settings\/[^/]+$/.test(p) && /\.settings$/.test(stem)) {
    return /^Security\.settings$/i.test(stem) ? 'SecuritySettings' : 'Settings';
  }
  for (const [suffix, type] of SUFFIXES) {
    if (stem.endsWith(suffix) && stem.length > suffix.length) {
      if (type === 'ApexClass' || type === 'ApexTrigger') { return base.endsWith('-meta.xml') ? type : undefined; }
      return type;
    }
  }
  return base.endsWith('-meta.xml') ? 'Other' : undefined;
}

/** Whether a path (without `.xml`) is a Metadata API format file that holds XML. */
export function isMetadataApiXml(path: string): boolean {
  const t = metadataTypeOf(path);
  return t !== undefined && t !== 'ApexClass' && t !== 'ApexTrigger';
}
