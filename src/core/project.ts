import type { ApexConstantFact } from './apex/constants';
import type { LabelFact, MetadataRecordFact } from './metadata/values';

/**
 * What the engine knows about the project beyond the file it is linting: the Named Credentials and
 * Remote Sites it defines (cross-file rules and fixes need them) and the sfdx-project.json facts.
 * Built once per scan (and kept up to date by the extension on file changes).
 */
import type { SurfaceInventory } from './surface/types';

export interface NamedCredentialFact {
  name: string;
  path: string;
  /** Endpoint URL: legacy `endpoint` or the `Url` parameter. */
  url?: string;
  model: 'legacy' | 'secured' | 'other';
  externalCredential?: string;
}
export interface ExternalCredentialFact { name: string; path: string; protocol?: string; principals: string[] }
export interface RemoteSiteFact { name: string; path: string; url?: string; active: boolean; disableProtocolSecurity: boolean }
export interface PackageDirectory { path: string; default: boolean }
/** A custom object, custom setting or custom metadata type: what `secret-field-unprotected` needs to judge its fields. */
export interface ObjectFact {
  /** API name from the folder or file name (`Api_Config__c`, `Gateway__mdt`). */
  name: string; path: string;
  /** `<visibility>` (`<customSettingsVisibility>` in files of older API versions): Public, Protected or PackageProtected (absent when not set). */
  visibility?: string;
  /** `<customSettingsType>`: List or Hierarchy for a custom setting. */
  customSettingsType?: string;
}

/**
 * Values other files can read, from one file: the static constants of an Apex class, Custom Labels,
 * custom metadata records (src/core/symbols.ts builds, updates and looks them up).
 */
export interface FileSymbols { constants: ApexConstantFact[]; labels: LabelFact[]; records: MetadataRecordFact[] }

export interface ProjectIndex {
  /** Absolute path of the folder holding sfdx-project.json (or the scan root). */
  root: string;
  sourceApiVersion?: string;
  packageDirectories: PackageDirectory[];
  namedCredentials: NamedCredentialFact[];
  externalCredentials: ExternalCredentialFact[];
  remoteSites: RemoteSiteFact[];
  /** Project-wide values by file path (absent: resolution stays within each file). Plain data, so it can be cloned to workers. */
  symbols?: Map<string, FileSymbols>;
  /** Who may call exposed Apex classes (profiles, permission sets, groups; guest profiles), for the API surface rules. */
  access?: ProjectAccess;
  /** Object definitions by lower-cased API name (source format `.object-meta.xml` and Metadata API `.object`). */
  objects?: Map<string, ObjectFact>;
}

/** Class access granted by the project's profiles, permission sets and groups (see `src/core/surface/access.ts`). */
export type ProjectAccess = Pick<SurfaceInventory, 'grants' | 'hasAccessMetadata' | 'apiClients'>;

export function emptyProject(root = ''): ProjectIndex {
  return { root, packageDirectories: [], namedCredentials: [], externalCredentials: [], remoteSites: [] };
}

/** Parses sfdx-project.json text; tolerant of bad JSON (returns what it can). */
export function readSfdxProject(text: string): Pick<ProjectIndex, 'sourceApiVersion' | 'packageDirectories'> {
  try {
    const j = JSON.parse(text) as { sourceApiVersion?: unknown; packageDirectories?: unknown };
    const dirs = Array.isArray(j.packageDirectories) ? j.packageDirectories as Array<{ path?: unknown; default?: unknown }> : [];
    return {
      sourceApiVersion: typeof j.sourceApiVersion === 'string' ? j.sourceApiVersion : undefined,
      packageDirectories: dirs.filter(d => typeof d?.path === 'string')
        .map(d => ({ path: String(d.path), default: d.default === true })),
    };
  } catch {
    return { packageDirectories: [] };
  }
}

/** Origin (scheme://host[:port], lower-case, default ports dropped) of a URL, or undefined. */
export function originOf(url: string): string | undefined {
  const m = /^(https?):\/\/([^/?#@]*@)?([^/?#:]+)(?::(\d+))?/i.exec(url.trim());
  if (!m) { return undefined; }
  const scheme = m[1].toLowerCase();
  const port = m[4] && !((scheme === 'https' && m[4] === '443') || (scheme === 'http' && m[4] === '80')) ? `:${m[4]}` : '';
  return `${scheme}://${m[3].toLowerCase()}${port}`;
}
