/**
 * What an inspection reads: the SOQL queries (REST data and Tooling), the Metadata API reads and
 * `/limits`, with the permission or licence that grants each. Field lists use only documented
 * fields; fields that vary by org or licence are `optional` (dropped on INVALID_FIELD, one retry).
 */
import type { QuerySpec } from './client';

export const API_VERSION = '62.0';
/** OAuth tokens unused for this many days are stale. */
export const STALE_TOKEN_DAYS = 90;
/** API usage monitoring window: default and maximum days. */
export const DEFAULT_USAGE_DAYS = 7;
export const MAX_USAGE_DAYS = 14;
/** Rows an aggregate (GROUP BY) answer may hold: it cannot be paged, so the query asks for at most one batch. */
export const AGGREGATE_LIMIT = 2000;
/** LoginHistory is read for this many days (the login checks' window). */
export const LOGIN_DAYS = 7;

/** When OauthToken refuses aggregates: counts in the query (COUNT()), rows only to name apps and people. */
export const TOKEN_FALLBACK: QuerySpec[] = [
  { key: 'tokensCount', api: 'data', object: 'OauthToken', fields: [], count: true },
  { key: 'tokensStaleCount', api: 'data', object: 'OauthToken', fields: [], count: true, where: `LastUsedDate < LAST_N_DAYS:${STALE_TOKEN_DAYS}` },
  { key: 'tokensRecent', api: 'data', object: 'OauthToken', fields: ['AppName', 'UserId', 'LastUsedDate'], orderBy: 'LastUsedDate DESC' },
];

export const QUERIES: QuerySpec[] = [
  // ---- REST data
  { key: 'organization', api: 'data', object: 'Organization', fields: ['Id', 'Name', 'IsSandbox', 'OrganizationType', 'InstanceName'] },
  { key: 'apps', api: 'data', object: 'ConnectedApplication', fields: ['Id', 'Name', 'OptionsAllowAdminApprovedUsersOnly', 'OptionsRefreshTokenValidityMetric', 'RefreshTokenValidityPeriod'],
    optional: ['OptionsRefreshTokenValidityMetric', 'RefreshTokenValidityPeriod'], orderBy: 'Name', limit: 500 },
  // OauthToken pages hold 500 rows and queryMore stops at 2,500: never judge "all tokens" from rows.
  // The per-app answer is asked as an aggregate; orgs that refuse aggregates on OauthToken get the
  // COUNT() fallback (TOKEN_FALLBACK) and a `partial` per-app view.
  { key: 'tokenApps', api: 'data', object: 'OauthToken', fields: ['AppName', 'COUNT(UserId) n', 'MIN(LastUsedDate) oldest', 'MAX(LastUsedDate) newest'], groupBy: 'AppName' },
  { key: 'tokenStaleApps', api: 'data', object: 'OauthToken', fields: ['AppName', 'COUNT(UserId) n'], where: `LastUsedDate < LAST_N_DAYS:${STALE_TOKEN_DAYS}`, groupBy: 'AppName' },
  // The stale tokens themselves (first page), to name the people; the counts come from the aggregates.
  { key: 'tokensStale', api: 'data', object: 'OauthToken', fields: ['AppName', 'UserId', 'User.Name', 'User.Username', 'LastUsedDate', 'UseCount'],
    where: `LastUsedDate < LAST_N_DAYS:${STALE_TOKEN_DAYS}`, orderBy: 'LastUsedDate ASC' },
  // Only the assignments that grant a permission some check reads (asked in the query, not filtered after).
  { key: 'psa', api: 'data', object: 'PermissionSetAssignment',
    fields: ['AssigneeId', 'Assignee.Username', 'Assignee.Name', 'Assignee.ProfileId', 'Assignee.Profile.Name', 'Assignee.LastPasswordChangeDate',
      'PermissionSet.Name', 'PermissionSet.IsOwnedByProfile', 'PermissionSet.PermissionsApiEnabled', 'PermissionSet.PermissionsModifyAllData',
      'PermissionSet.PermissionsTwoFactorApi', 'PermissionSet.PermissionsBypassMFAForUiLogins', 'PermissionSet.PermissionsPasswordNeverExpires',
      'PermissionSet.PermissionsManageUsers', 'PermissionSet.PermissionsCustomizeApplication', 'PermissionSet.PermissionsMonitorLoginHistory'],
    optional: ['PermissionSet.PermissionsTwoFactorApi', 'PermissionSet.PermissionsBypassMFAForUiLogins', 'PermissionSet.PermissionsPasswordNeverExpires', 'Assignee.LastPasswordChangeDate',
      'PermissionSet.PermissionsMonitorLoginHistory'],
    anyOf: ['PermissionSet.PermissionsApiEnabled', 'PermissionSet.PermissionsModifyAllData', 'PermissionSet.PermissionsTwoFactorApi', 'PermissionSet.PermissionsBypassMFAForUiLogins',
      'PermissionSet.PermissionsPasswordNeverExpires', 'PermissionSet.PermissionsManageUsers', 'PermissionSet.PermissionsCustomizeApplication', 'PermissionSet.PermissionsMonitorLoginHistory'],
    where: "Assignee.IsActive = true AND Assignee.UserType = 'Standard'" },
  // MFA methods of the API-enabled users only (a semi-join), not of every user. No OR in it: the SOQL
  // guide's semi-join limits say "You can't use subqueries with OR" (read strictly). TwoFactorMethodsInfo
  // pages 500 rows, 2,500 at most (object reference): past one page the check is partial.
  { key: 'mfaMethods', api: 'data', object: 'TwoFactorMethodsInfo',
    fields: ['UserId', 'HasTotp', 'HasSalesforceAuthenticator', 'HasSecurityKey', 'HasBuiltInAuthenticator', 'HasU2F'], optional: ['HasBuiltInAuthenticator'],
    where: 'UserId IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE Assignee.IsActive = true AND PermissionSet.PermissionsApiEnabled = true)' },
  // Every login of the window (first page; totalSize says how many there are). Status and SourceIp are
  // not filterable on LoginHistory, so failed logins are counted from the rows: `partial` past one page.
  { key: 'logins', api: 'data', object: 'LoginHistory',
    fields: ['UserId', 'LoginTime', 'LoginType', 'LoginSubType', 'Status', 'SourceIp', 'TlsProtocol', 'Application'], optional: ['LoginSubType'],
    where: `LoginTime = LAST_N_DAYS:${LOGIN_DAYS}`, orderBy: 'LoginTime DESC' },
  // TlsProtocol is filterable: the old-TLS question is asked in the query (exact at any volume).
  { key: 'loginsOldTls', api: 'data', object: 'LoginHistory', fields: ['LoginType', 'TlsProtocol', 'Application'],
    where: `LoginTime = LAST_N_DAYS:${LOGIN_DAYS} AND TlsProtocol IN ('TLS 1.0', 'TLS 1.1')` },
  { key: 'auditTrail', api: 'data', object: 'SetupAuditTrail', fields: ['Action', 'Section', 'Display', 'CreatedDate', 'CreatedBy.Name'],
    where: 'CreatedDate = LAST_N_DAYS:30', orderBy: 'CreatedDate DESC' },
  { key: 'eventLogs', api: 'data', object: 'EventLogFile', fields: ['Id', 'EventType', 'LogDate', 'Interval', 'LogFileLength'], optional: ['Interval', 'LogFileLength'],
    where: `EventType IN ('API', 'RestApi', 'Login', 'ApiTotalUsage') AND LogDate = LAST_N_DAYS:${MAX_USAGE_DAYS}`, orderBy: 'LogDate DESC' },
  { key: 'tenantSecrets', api: 'data', object: 'TenantSecret', fields: ['Type', 'Status', 'Source', 'Version', 'CreatedDate'], where: "Status = 'Active'", limit: 200 },
  // API usage per day, hour, app, user and client IP in one aggregate (event log objects, API 61+);
  // INVALID_TYPE → the monitoring falls back to ApiTotalUsage log files (monitoring.ts).
  // Field names and Filter/Group properties as documented (object reference, ApiTotalUsageEventLog:
  // Timestamp is Filter/Sort, not Group, so it is grouped through DAY_ONLY/HOUR_IN_DAY). An aggregate
  // answer cannot be paged: past one 2,000-row batch without a LIMIT the org refuses the query
  // ("Aggregate query does not support queryMore()"), so it carries LIMIT 2000 and a full answer is a
  // lower bound (monitoring.ts says so).
  { key: 'apiUsage', api: 'data', object: 'ApiTotalUsageEventLog',
    fields: ['DAY_ONLY(Timestamp) day', 'HOUR_IN_DAY(Timestamp) hour', 'ConnectedAppIdentifier app', 'UserIdentifier usr', 'ClientIp ip', 'COUNT(Id) n'],
    where: `Timestamp = LAST_N_DAYS:${MAX_USAGE_DAYS}`, groupBy: 'DAY_ONLY(Timestamp), HOUR_IN_DAY(Timestamp), ConnectedAppIdentifier, UserIdentifier, ClientIp', limit: AGGREGATE_LIMIT },
  // ---- Tooling
  { key: 'health', api: 'tooling', object: 'SecurityHealthCheck', fields: ['Score'] },
  { key: 'risks', api: 'tooling', object: 'SecurityHealthCheckRisks', fields: ['RiskType', 'Setting', 'SettingGroup', 'OrgValue', 'StandardValue'],
    where: "RiskType != 'MEETS_STANDARD'", limit: 500 },
  // Endpoint and PrincipalType are "only valid for legacy named credentials … deprecated in API version
  // 56.0" (object reference, NamedCredential): the URL of a new-model credential comes from the Connect
  // REST API (OTHER_READS `ncUrls`), and both fields are optional.
  { key: 'namedCredentials', api: 'tooling', object: 'NamedCredential', fields: ['DeveloperName', 'MasterLabel', 'NamespacePrefix', 'Endpoint', 'PrincipalType', 'NamedCredentialType'],
    optional: ['NamedCredentialType', 'Endpoint', 'PrincipalType'], orderBy: 'DeveloperName', limit: 500 },
  { key: 'remoteSites', api: 'tooling', object: 'RemoteProxy', fields: ['SiteName', 'EndpointUrl', 'IsActive', 'ProtocolMismatch'], orderBy: 'SiteName', limit: 500 },
  { key: 'certificates', api: 'tooling', object: 'Certificate', fields: ['DeveloperName', 'MasterLabel', 'ExpirationDate', 'KeySize', 'CreatedDate'], orderBy: 'ExpirationDate', limit: 500 },
  { key: 'policies', api: 'tooling', object: 'TransactionSecurityPolicy', fields: ['DeveloperName', 'MasterLabel', 'State', 'EventName'], limit: 200 },
  { key: 'externalCredentials', api: 'tooling', object: 'ExternalCredential', fields: ['DeveloperName', 'MasterLabel', 'AuthenticationProtocol'], limit: 200 },
];

/**
 * The datasets that are not SOQL queries of QUERIES: the request each costs (inspect.ts sends
 * them; docs/org-queries.md is generated from this and QUERIES by queryTable.ts).
 */
export const OTHER_READS: { key: string; request: string; cost: string; budget: 'base' | 'monitoring'; /** Only with requests to spare. */ spare?: true }[] = [
  { key: 'limits', request: 'GET /services/data/vXX.X/limits', cost: '1', budget: 'base' },
  { key: 'security', request: 'Metadata API readMetadata SecuritySettings `Security` (SOAP)', cost: '1', budget: 'base' },
  { key: 'profiles', request: 'Metadata API readMetadata Profile (SOAP), 10 names a request', cost: '1 per 10 profiles of API-enabled users (most users first): at least 1, more while the budget allows, else partial', budget: 'base' },
  { key: 'connectedAppMeta', request: 'Metadata API readMetadata ConnectedApp (SOAP), 10 names a request', cost: '1 per 10 connected apps (apps in use first): at least 1, more while the budget allows, else partial', budget: 'base' },
  { key: 'logins', request: 'GET /services/data/vXX.X/query/<locator> (queryMore: the next LoginHistory pages, 2,000 rows each)', cost: 'the requests the budget leaves after the reads above (0 when one page holds the week\'s logins)', budget: 'base', spare: true },
  { key: 'ncUrls', request: 'GET /services/data/vXX.X/named-credentials/named-credential-setup (Connect REST API, 58.0+: the URLs of new-model Named Credentials, whose NamedCredential.Endpoint is empty)', cost: '1 when a Named Credential of the new model has no Endpoint, else 0', budget: 'base' },
  { key: 'userinfo', request: 'GET /services/oauth2/userinfo (the running user, for own-rows-only access)', cost: '1 (0 when the caller passes the user id)', budget: 'base' },
  { key: 'usage', request: 'GET /services/data/vXX.X/sobjects/EventLogFile/<Id>/LogFile (only where `apiUsage` answers INVALID_TYPE)', cost: '1 per daily ApiTotalUsage log file of the window (--usage-days, default 7, at most 14)', budget: 'monitoring' },
  { key: 'usageUsers', request: 'SOQL `SELECT Id, Name, Username FROM User WHERE Id IN (…)` (callers not among the assigned users, at most 50)', cost: '0 or 1', budget: 'monitoring' },
];

/** Dataset key → the object it reads and what grants it (shown on `unavailable`). */
export const GRANTS: Record<string, { source: string; grant: string }> = {
  organization: { source: 'Organization', grant: 'API Enabled' },
  apps: { source: 'ConnectedApplication', grant: 'View Setup and Configuration' },
  tokenApps: { source: 'OauthToken', grant: 'Customize Application (to see every user\'s tokens)' },
  tokenStaleApps: { source: 'OauthToken', grant: 'Customize Application (to see every user\'s tokens)' },
  tokensStale: { source: 'OauthToken', grant: 'Customize Application (to see every user\'s tokens)' },
  tokensCount: { source: 'OauthToken', grant: 'Customize Application (to see every user\'s tokens)' },
  tokensStaleCount: { source: 'OauthToken', grant: 'Customize Application (to see every user\'s tokens)' },
  tokensRecent: { source: 'OauthToken', grant: 'Customize Application (to see every user\'s tokens)' },
  loginsOldTls: { source: 'LoginHistory', grant: 'Manage Users or Monitor Login History' },
  apiUsage: { source: 'ApiTotalUsageEventLog', grant: 'View Event Log Object Data (Event Monitoring, API 61+)' },
  usage: { source: 'API usage (ApiTotalUsageEventLog or ApiTotalUsage log files)', grant: 'View Event Log Object Data (API 61+), or View Event Log Files and API Enabled' },
  usageFiles: { source: 'EventLogFile ApiTotalUsage log files', grant: 'View Event Log Files and API Enabled' },
  psa: { source: 'PermissionSetAssignment', grant: 'View Setup and Configuration' },
  mfaMethods: { source: 'TwoFactorMethodsInfo', grant: 'Manage Multi-Factor Authentication in API' },
  logins: { source: 'LoginHistory', grant: 'Manage Users or Monitor Login History' },
  auditTrail: { source: 'SetupAuditTrail', grant: 'View Setup and Configuration' },
  eventLogs: { source: 'EventLogFile', grant: 'View Event Log Files and API Enabled (Event Monitoring licence for API and REST API logs)' },
  tenantSecrets: { source: 'TenantSecret', grant: 'Shield Platform Encryption licence and Manage Encryption Keys' },
  health: { source: 'SecurityHealthCheck (Tooling)', grant: 'View Setup and Configuration' },
  risks: { source: 'SecurityHealthCheckRisks (Tooling)', grant: 'View Setup and Configuration' },
  namedCredentials: { source: 'NamedCredential (Tooling)', grant: 'View Setup and Configuration' },
  remoteSites: { source: 'RemoteProxy (Tooling)', grant: 'View Setup and Configuration' },
  certificates: { source: 'Certificate (Tooling)', grant: 'View Setup and Configuration' },
  policies: { source: 'TransactionSecurityPolicy (Tooling)', grant: 'Real-Time Event Monitoring (Shield or Event Monitoring add-on) and View Setup and Configuration' },
  externalCredentials: { source: 'ExternalCredential (Tooling)', grant: 'View Setup and Configuration' },
  ncUrls: { source: 'Connect REST API named-credential-setup', grant: 'View Setup and Configuration' },
  limits: { source: 'REST /limits', grant: 'View Setup and Configuration' },
  security: { source: 'Metadata API SecuritySettings', grant: 'Modify Metadata Through Metadata API Functions or Customize Application' },
  profiles: { source: 'Metadata API Profile', grant: 'Modify Metadata Through Metadata API Functions or Customize Application' },
  connectedAppMeta: { source: 'Metadata API ConnectedApp', grant: 'Modify Metadata Through Metadata API Functions or Customize Application' },
};

/**
 * Objects that answer a user without the permission with only that user's own rows (no error):
 * dataset key → the permission (PermissionSet field) that shows every row, and its label.
 */
export const OWN_ROWS_ONLY: Record<string, { permissions: string[]; label: string }> = {
  logins: { permissions: ['PermissionsManageUsers', 'PermissionsMonitorLoginHistory'], label: 'Manage Users or Monitor Login History' },
  loginsOldTls: { permissions: ['PermissionsManageUsers', 'PermissionsMonitorLoginHistory'], label: 'Manage Users or Monitor Login History' },
  tokenApps: { permissions: ['PermissionsCustomizeApplication'], label: 'Customize Application' },
  tokenStaleApps: { permissions: ['PermissionsCustomizeApplication'], label: 'Customize Application' },
  tokensStale: { permissions: ['PermissionsCustomizeApplication'], label: 'Customize Application' },
  tokensCount: { permissions: ['PermissionsCustomizeApplication'], label: 'Customize Application' },
  tokensRecent: { permissions: ['PermissionsCustomizeApplication'], label: 'Customize Application' },
};

/** Display names of standard profiles → their Metadata API fullName. */
const STANDARD_PROFILES: Record<string, string> = {
  'System Administrator': 'Admin', 'Standard User': 'Standard', 'Read Only': 'ReadOnly', 'Solution Manager': 'SolutionManager',
  'Marketing User': 'MarketingProfile', 'Contract Manager': 'ContractManager', 'Standard Platform User': 'StandardAul',
  'Custom: Marketing Profile': 'Custom%3A Marketing Profile', 'Custom: Sales Profile': 'Custom%3A Sales Profile',
  'Custom: Support Profile': 'Custom%3A Support Profile',
};

/** Profile name as SOQL shows it → Metadata API fullName. */
export function profileFullName(name: string): string {
  return STANDARD_PROFILES[name] ?? name.replace(/[:()',/]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}
