/**
 * What an inspection reads: the SOQL queries (REST data and Tooling), the Metadata API reads and
 * `/limits`, with the permission or licence that grants each. Field lists use only documented
 * fields; fields that vary by org or licence are `optional` (dropped on INVALID_FIELD, one retry).
 */
import type { QuerySpec } from './client';

export const API_VERSION = '62.0';

export const QUERIES: QuerySpec[] = [
  // ---- REST data
  { key: 'organization', api: 'data', object: 'Organization', fields: ['Id', 'Name', 'IsSandbox', 'OrganizationType', 'InstanceName'] },
  { key: 'apps', api: 'data', object: 'ConnectedApplication', fields: ['Id', 'Name', 'OptionsAllowAdminApprovedUsersOnly', 'OptionsRefreshTokenValidityMetric', 'RefreshTokenValidityPeriod'],
    optional: ['OptionsRefreshTokenValidityMetric', 'RefreshTokenValidityPeriod'], orderBy: 'Name', limit: 500 },
  { key: 'tokens', api: 'data', object: 'OauthToken', fields: ['AppName', 'UserId', 'LastUsedDate', 'UseCount'], orderBy: 'LastUsedDate DESC', limit: 500 },
  { key: 'psa', api: 'data', object: 'PermissionSetAssignment',
    fields: ['AssigneeId', 'Assignee.Username', 'Assignee.Name', 'Assignee.ProfileId', 'Assignee.Profile.Name', 'Assignee.LastPasswordChangeDate',
      'PermissionSet.Name', 'PermissionSet.IsOwnedByProfile', 'PermissionSet.PermissionsApiEnabled', 'PermissionSet.PermissionsModifyAllData',
      'PermissionSet.PermissionsTwoFactorApi', 'PermissionSet.PermissionsBypassMFAForUiLogins', 'PermissionSet.PermissionsPasswordNeverExpires',
      'PermissionSet.PermissionsManageUsers', 'PermissionSet.PermissionsCustomizeApplication'],
    optional: ['PermissionSet.PermissionsTwoFactorApi', 'PermissionSet.PermissionsBypassMFAForUiLogins', 'PermissionSet.PermissionsPasswordNeverExpires', 'Assignee.LastPasswordChangeDate'],
    where: "Assignee.IsActive = true AND Assignee.UserType = 'Standard'", limit: 2000 },
  { key: 'mfaMethods', api: 'data', object: 'TwoFactorMethodsInfo',
    fields: ['UserId', 'HasTotp', 'HasSalesforceAuthenticator', 'HasSecurityKey', 'HasBuiltInAuthenticator', 'HasU2F'], optional: ['HasBuiltInAuthenticator'], limit: 2000 },
  { key: 'logins', api: 'data', object: 'LoginHistory',
    fields: ['UserId', 'LoginTime', 'LoginType', 'LoginSubType', 'Status', 'SourceIp', 'TlsProtocol', 'Application'], optional: ['LoginSubType'],
    // Status and SourceIp are not filterable on LoginHistory: failed logins are counted client-side.
    where: 'LoginTime = LAST_N_DAYS:7', orderBy: 'LoginTime DESC', limit: 2000 },
  { key: 'auditTrail', api: 'data', object: 'SetupAuditTrail', fields: ['Action', 'Section', 'Display', 'CreatedDate', 'CreatedBy.Name'],
    where: 'CreatedDate = LAST_N_DAYS:30', orderBy: 'CreatedDate DESC', limit: 500 },
  { key: 'eventLogs', api: 'data', object: 'EventLogFile', fields: ['EventType', 'LogDate', 'Interval'], optional: ['Interval'],
    where: "EventType IN ('API', 'RestApi', 'Login', 'ApiTotalUsage')", orderBy: 'LogDate DESC', limit: 200 },
  { key: 'tenantSecrets', api: 'data', object: 'TenantSecret', fields: ['Type', 'Status', 'Source', 'Version', 'CreatedDate'], where: "Status = 'Active'", limit: 200 },
  // ---- Tooling
  { key: 'health', api: 'tooling', object: 'SecurityHealthCheck', fields: ['Score'] },
  { key: 'risks', api: 'tooling', object: 'SecurityHealthCheckRisks', fields: ['RiskType', 'Setting', 'SettingGroup', 'OrgValue', 'StandardValue'],
    where: "RiskType != 'MEETS_STANDARD'", limit: 500 },
  { key: 'namedCredentials', api: 'tooling', object: 'NamedCredential', fields: ['DeveloperName', 'MasterLabel', 'Endpoint', 'PrincipalType', 'NamedCredentialType'],
    optional: ['NamedCredentialType'], orderBy: 'DeveloperName', limit: 500 },
  { key: 'remoteSites', api: 'tooling', object: 'RemoteProxy', fields: ['SiteName', 'EndpointUrl', 'IsActive', 'ProtocolMismatch'], orderBy: 'SiteName', limit: 500 },
  { key: 'certificates', api: 'tooling', object: 'Certificate', fields: ['DeveloperName', 'MasterLabel', 'ExpirationDate', 'KeySize', 'CreatedDate'], orderBy: 'ExpirationDate', limit: 500 },
  { key: 'policies', api: 'tooling', object: 'TransactionSecurityPolicy', fields: ['DeveloperName', 'MasterLabel', 'State', 'EventName'], limit: 200 },
  { key: 'externalCredentials', api: 'tooling', object: 'ExternalCredential', fields: ['DeveloperName', 'MasterLabel', 'AuthenticationProtocol'], limit: 200 },
];

/** Dataset key → the object it reads and what grants it (shown on `unavailable`). */
export const GRANTS: Record<string, { source: string; grant: string }> = {
  organization: { source: 'Organization', grant: 'API Enabled' },
  apps: { source: 'ConnectedApplication', grant: 'View Setup and Configuration' },
  tokens: { source: 'OauthToken', grant: 'Customize Application (to see every user\'s tokens)' },
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
  limits: { source: 'REST /limits', grant: 'View Setup and Configuration' },
  security: { source: 'Metadata API SecuritySettings', grant: 'Modify Metadata Through Metadata API Functions or Customize Application' },
  profiles: { source: 'Metadata API Profile', grant: 'Modify Metadata Through Metadata API Functions or Customize Application' },
  connectedAppMeta: { source: 'Metadata API ConnectedApp', grant: 'Modify Metadata Through Metadata API Functions or Customize Application' },
};

/**
 * Objects that answer a user without the permission with only that user's own rows (no error):
 * dataset key → the permission (PermissionSet field) that shows every row, and its label.
 */
export const OWN_ROWS_ONLY: Record<string, { permission: string; label: string }> = {
  logins: { permission: 'PermissionsManageUsers', label: 'Manage Users (or Monitor Login History)' },
  tokens: { permission: 'PermissionsCustomizeApplication', label: 'Customize Application' },
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
