/**
 * Recognises the Salesforce metadata type of a file from its folder and suffix, in source format
 * (`namedCredentials/Foo.namedCredential-meta.xml`) and Metadata API format (`namedCredentials/Foo.namedCredential`).
 */

export type MetadataType =
  | 'NamedCredential' | 'ExternalCredential' | 'RemoteSiteSetting' | 'ConnectedApp' | 'AuthProvider'
  | 'SecuritySettings' | 'Settings' | 'Profile' | 'PermissionSet' | 'CustomMetadata' | 'CustomLabels'
  | 'CspTrustedSite' | 'ExtlClntAppGlobalOauthSettings' | 'ExtlClntAppOauthSettings' | 'ExternalClientApplication'
  | 'ExtlClntAppOauthConfigurablePolicies'
  | 'CustomObject' | 'CustomField' | 'Layout' | 'ApexClass' | 'ApexTrigger' | 'Package' | 'Other';

/** suffix (without `-meta.xml`) → type, and the folder the Metadata API format keeps it in. */
const SUFFIXES: ReadonlyArray<[string, MetadataType, string]> = [
  ['.namedCredential', 'NamedCredential', 'namedCredentials'],
  ['.externalCredential', 'ExternalCredential', 'externalCredentials'],
  ['.remoteSite', 'RemoteSiteSetting', 'remoteSiteSettings'],
  ['.connectedApp', 'ConnectedApp', 'connectedApps'],
  ['.authprovider', 'AuthProvider', 'authproviders'],
  ['.profile', 'Profile', 'profiles'],
  ['.permissionset', 'PermissionSet', 'permissionsets'],
  ['.md', 'CustomMetadata', 'customMetadata'],
  ['.labels', 'CustomLabels', 'labels'],
  ['.cspTrustedSite', 'CspTrustedSite', 'cspTrustedSites'],
  ['.ecaGlblOauth', 'ExtlClntAppGlobalOauthSettings', 'extlClntAppGlobalOauthSets'],
  ['.ecaOauth', 'ExtlClntAppOauthSettings', 'extlClntAppOauthSettings'],
  ['.ecaOauthPlcy', 'ExtlClntAppOauthConfigurablePolicies', 'extlClntAppOauthPolicies'],
  ['.eca', 'ExternalClientApplication', 'externalClientApps'],
  ['.object', 'CustomObject', 'objects'],
  ['.field', 'CustomField', 'fields'],
  ['.layout', 'Layout', 'layouts'],
  ['.cls', 'ApexClass', 'classes'],
  ['.trigger', 'ApexTrigger', 'triggers'],
];

/**
 * The metadata type of a path, or undefined when the file is not metadata XML. Source format
 * (`<name>.<suffix>-meta.xml`) is recognised by its suffix wherever it sits; the Metadata API format
 * (`src/<folder>/<name>.<suffix>`, no `-meta.xml`) only inside the type's folder, so that an unrelated
 * `notes.md` or `x.profile` is not taken for metadata.
 */
export function metadataTypeOf(path: string): MetadataType | undefined {
  const p = path.replace(/\\/g, '/');
  const slash = p.lastIndexOf('/');
  const base = p.slice(slash + 1);
  const sourceFormat = base.endsWith('-meta.xml');
  let stem = base;
  if (sourceFormat) { stem = stem.slice(0, -'-meta.xml'.length); }
  else if (base === 'package.xml') { return 'Package'; }
  const dir = slash > 0 ? p.slice(p.lastIndexOf('/', slash - 1) + 1, slash) : '';
  if (dir === 'settings' && stem.endsWith('.settings') && stem.length > '.settings'.length) {
    return /^Security\.settings$/i.test(stem) ? 'SecuritySettings' : 'Settings';
  }
  for (const [suffix, type, folder] of SUFFIXES) {
    if (stem.endsWith(suffix) && stem.length > suffix.length) {
      if (type === 'ApexClass' || type === 'ApexTrigger') { return sourceFormat ? type : undefined; }
      if (!sourceFormat && dir !== folder) { continue; }
      return type;
    }
  }
  return sourceFormat ? 'Other' : undefined;
}

/** Whether a path (without `.xml`) is a Metadata API format file that holds XML. */
export function isMetadataApiXml(path: string): boolean {
  const t = metadataTypeOf(path);
  return t !== undefined && t !== 'ApexClass' && t !== 'ApexTrigger';
}
