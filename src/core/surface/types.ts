import type { Range } from '../types';

/**
 * The inbound API surface: the entry points other systems and users can call (Apex REST, SOAP
 * `webservice`, `@AuraEnabled`, `@InvocableMethod`, `@RemoteAction`), who may call them, as whom they
 * run and what data they reach. Plain data, shared by the surface rules, `apiguard surface` and the
 * extension's API Surface view.
 */
export type Channel = 'rest' | 'soap' | 'aura' | 'invocable' | 'remote';
export const CHANNEL_LABEL: Record<Channel, string> = {
  rest: 'Apex REST', soap: 'SOAP webservice', aura: '@AuraEnabled', invocable: '@InvocableMethod', remote: '@RemoteAction',
};

/** The class's sharing keyword (`none`: no keyword). */
export type SharingDecl = 'with' | 'without' | 'inherited' | 'none';

export interface Loc { path: string; range: Range; message: string }

/** A record read or write the entry point reaches. */
export interface DataOp {
  kind: 'soql' | 'sosl' | 'dynamic-soql' | 'dynamic-sosl' | 'dml';
  /** `user`: CRUD/FLS (and, for USER_MODE, sharing) enforced by the platform; `system`: not. */
  mode: 'user' | 'system';
  /** Sharing in force where the operation runs (the declaring class's, or the caller's when inherited). */
  sharing: 'with' | 'without';
  /** SObjects named in FROM / RETURNING, or the DML target's type (empty when not known: a dynamic query whose object is not written in the code, an untyped DML target). */
  what: string[];
  /** DML: the operation ('insert', 'Database.update', …). */
  op?: string;
  /** The method it runs in: `Class.method`. */
  where: string;
  loc: Loc;
  /** Has an explicit ownership filter (OwnerId = :UserInfo.getUserId()). */
  ownerFiltered?: boolean;
  /** Its object is a custom setting by the code's own use of it (`X__c.getOrgDefaults()`…): not a shared record. */
  customSetting?: true;
}

/** A request input that reaches a dynamic query or a callout endpoint without binding or escaping. */
export interface TaintPath {
  sink: 'soql' | 'sosl' | 'callout';
  /** The input's name: the parameter, or `RestContext.request.…`. */
  input: string;
  /** From the input to the sink, in order (the last is the sink). */
  steps: Loc[];
  /** Inside a method summary: the tainted parameter it starts from (rebound by each caller). */
  param?: number;
}

export interface Grant {
  kind: 'profile' | 'permissionset' | 'permissionsetgroup';
  name: string;
  path: string;
  /** A guest user profile (Sites / Experience Cloud), or a permission set assigned to one. */
  guest: boolean;
  /** For groups: the permission sets that carry the class access. */
  via?: string[];
}

export interface EntryPoint {
  channel: Channel;
  className: string;
  methodName: string;
  path: string;
  /** The method's name. */
  range: Range;
  /** The whole method declaration (CodeLens sits above it). */
  declRange: Range;
  /** REST: GET, POST, … */
  httpMethod?: string;
  /** REST: the class's urlMapping. */
  urlMapping?: string;
  /** @AuraEnabled(cacheable=true). */
  cacheable?: boolean;
  sharingDecl: SharingDecl;
  /** The sharing the entry point actually starts in (see `effectiveSharing`). */
  sharing: 'with' | 'without';
  returnType: string;
  ops: DataOp[];
  taint: TaintPath[];
  /** Calls `Security.stripInaccessible` somewhere on its path. */
  stripsInaccessible: boolean;
  /** REST: reads the record id from the request URI. */
  idFromUri: boolean;
  /** Methods of other classes followed (Class.method), for the report. */
  reaches: string[];
  /** The call graph was larger than the analysis follows per entry point: what lies beyond was not seen. */
  truncated?: boolean;
}

export interface ClassSurface {
  name: string;
  path: string;
  range: Range;
  sharingDecl: SharingDecl;
  entryPoints: EntryPoint[];
}

export interface SurfaceInventory {
  classes: ClassSurface[];
  /** class name lower-cased → grants found in profiles, permission sets and groups of the project. */
  grants: Record<string, Grant[]>;
  /** Whether the project has any profile or permission set at all (else "nobody grants it" says nothing). */
  hasAccessMetadata: boolean;
  /** Custom settings of the project (lower-cased API names, from `customSettingsType` in the object metadata): not shared records. */
  customSettings?: string[];
  /** Connected apps whose OAuth scopes reach Apex REST/SOAP (api, full, web). */
  apiClients: Array<{ name: string; path: string; scopes: string[] }>;
  notes: string[];
  /** Who the connected org grants each class to (`apiguard surface --target-org`, the view with an org connected). */
  org?: OrgSurfaceAccess;
}

/** A grant of a class read from the org (`SetupEntityAccess` of a profile's or a permission set's PermissionSet). */
export interface OrgGrant {
  kind: 'profile' | 'permissionset';
  /** The profile's name, or the permission set's label. */
  name: string;
  /** The permission set's API name (not for profiles). */
  apiName?: string;
  /** A profile of the Guest user type / licence, or a permission set assigned to a site's guest user. */
  guest: boolean;
  /** For a permission set: the profiles of the guest users it is assigned to. */
  guestVia?: string[];
}

/**
 * What the org says about one class. `granted` / `not-granted`: read in full; `not-in-org`: the org
 * has no Apex class of that name; `unknown`: it could not be read (whatever `grants` holds is a
 * lower bound, never "not granted").
 */
export interface OrgClassAccess {
  state: 'granted' | 'not-granted' | 'not-in-org' | 'unknown';
  grants: OrgGrant[];
  /** Why the state is `unknown`. */
  why?: string;
}

export interface OrgSurfaceAccess {
  /** The org as the user knows it (alias, username or host). */
  org: string;
  /** By top-level class name, lower-cased (the class a grant names: the file's class). */
  classes: Record<string, OrgClassAccess>;
  /** API requests sent. */
  requests: number;
  notes: string[];
}

/**
 * Where an entry point starts: `inherited sharing` at the entry of a transaction runs as `with`;
 * a class without a keyword runs `with sharing` only as an @AuraEnabled controller (the platform's
 * implicit-sharing rule for Lightning), otherwise without.
 */
export function effectiveSharing(decl: SharingDecl, channel: Channel): 'with' | 'without' {
  if (decl === 'with' || decl === 'inherited') { return 'with'; }
  if (decl === 'without') { return 'without'; }
  return channel === 'aura' ? 'with' : 'without';
}

/** "REST GET /orders/*", "SOAP webservice", "@AuraEnabled (cacheable)". */
export function channelLabel(e: Pick<EntryPoint, 'channel' | 'httpMethod' | 'urlMapping' | 'cacheable'>): string {
  if (e.channel === 'rest') { return `REST ${e.httpMethod ?? ''} ${e.urlMapping ?? ''}`.replace(/\s+/g, ' ').trim(); }
  if (e.channel === 'aura') { return e.cacheable ? '@AuraEnabled (cacheable)' : '@AuraEnabled'; }
  return CHANNEL_LABEL[e.channel];
}
