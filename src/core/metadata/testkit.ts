/**
 * Test support for metadata rules: lint one file with one rule and read each finding as the text it
 * underlines, so table tests can assert "this exact value" instead of bare coordinates.
 */
import { Engine, type LintOptions } from '../engine';
import { LineIndex } from '../position';
import type { ProjectIndex } from '../project';
import type { Rule } from '../rule';
import type { FileNote, Finding } from '../types';

export interface SeenFinding { messageId: string; line: number; column: number; text: string; message: string; finding: Finding }

/** Lints `text` as `path` with `rule` only; `line`/`column` are 1-based like editors show them. */
export function lintWith(rule: Rule, path: string, text: string, project?: ProjectIndex, options: LintOptions = {}): { findings: SeenFinding[]; notes: FileNote[] } {
  const report = new Engine([rule]).lint(path, text, { ...options, ...(project ? { project } : {}) });
  const lines = new LineIndex(text);
  const byText = new Map(Object.entries(rule.meta.messages));
  return {
    notes: report.notes,
    findings: report.findings.map(f => ({
      messageId: [...byText.keys()].find(k => messageMatches(byText.get(k)!, f.message)) ?? '?',
      line: f.range.start.line + 1,
      column: f.range.start.character + 1,
      text: text.slice(lines.offsetAt(f.range.start), lines.offsetAt(f.range.end)),
      message: f.message,
      finding: f,
    })),
  };
}

function messageMatches(template: string, message: string): boolean {
  const re = new RegExp('^' + template.split(/\{\{\s*\w+\s*\}\}/).map(s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*') + '$');
  return re.test(message);
}

/** A metadata file as `sf project retrieve` writes it: XML declaration, namespace, 4-space indent. */
export function metadataXml(root: string, body: string, extraNs = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://soap.sforce.com/2006/04/metadata"${extraNs}>\n${body.replace(/^\n+|\s+$/g, '')}\n</${root}>\n`;
}

export const CONNECTED_APP_PATH = 'force-app/main/default/connectedApps/ERP_Sync.connectedApp-meta.xml';
/** A connected app as `sf project retrieve` writes it (alphabetical, no consumerSecret). */
export const connectedAppXml = (o: { approved?: string; scopes?: string[]; ip?: string; refresh?: string } = {}) => metadataXml('ConnectedApp', `
    <contactEmail>integrations@acme.example</contactEmail>
    <label>ERP Sync</label>
    <oauthConfig>
        <callbackUrl>https://erp.acme.example/oauth/callback</callbackUrl>
        <consumerKey>3MVG9A2kN3Bn17hsUZHiKXtQ_rY7Bfh4JQLk.7tbC6W1jmNCbE</consumerKey>
        <isAdminApproved>${o.approved ?? 'true'}</isAdminApproved>
        <isClientCredentialEnabled>false</isClientCredentialEnabled>
        <isCodeCredentialEnabled>false</isCodeCredentialEnabled>
        <isCodeCredentialPostOnly>false</isCodeCredentialPostOnly>
        <isConsumerSecretOptional>false</isConsumerSecretOptional>
        <isIntrospectAllTokens>false</isIntrospectAllTokens>
        <isSecretRequiredForRefreshToken>true</isSecretRequiredForRefreshToken>
${(o.scopes ?? ['Api', 'RefreshToken']).map(s => `        <scopes>${s}</scopes>`).join('\n')}
    </oauthConfig>
    <oauthPolicy>
        <ipRelaxation>${o.ip ?? 'ENFORCE'}</ipRelaxation>
        <refreshTokenPolicy>${o.refresh ?? 'specific_lifetime:90:DAYS'}</refreshTokenPolicy>
    </oauthPolicy>`);


export const SECURITY_SETTINGS_PATH = 'force-app/main/default/settings/Security.settings-meta.xml';
/** Security.settings as retrieved: alphabetical sections and fields. */
export const securitySettingsXml = (pw: Record<string, string> = {}, ss: Record<string, string> = {}, ranges = '') => {
  const pwd = { complexity: 'AlphaNumeric', expiration: 'NinetyDays', historyRestriction: '3', lockoutInterval: 'FifteenMinutes',
    maxLoginAttempts: 'TenAttempts', minimumPasswordLength: '8', minimumPasswordLifetime: 'false', obscureSecretAnswer: 'false',
    passwordAssistanceURL: '', questionRestriction: 'DoesNotContainPassword', ...pw };
  const sess = { allowUserAuthenticationByCertificate: 'false', enableCSRFOnGet: 'true', enableCSRFOnPost: 'true',
    enableClickjackNonsetupSFDC: 'true', enableClickjackNonsetupUser: 'false', enableClickjackNonsetupUserHeaderless: 'false',
    enableClickjackSetup: 'true', forceLogoutOnSessionTimeout: 'false', lockSessionsToDomain: 'true', lockSessionsToIp: 'false',
    requireHttpOnly: 'true', sessionTimeout: 'TwoHours', ...ss };
  const el = (k: string, v: string) => (v === '' ? `        <${k}/>` : `        <${k}>${v}</${k}>`);
  return metadataXml('SecuritySettings', `
    <canUsersGrantLoginAccess>true</canUsersGrantLoginAccess>
    <enableAdminLoginAsAnyUser>false</enableAdminLoginAsAnyUser>
    <networkAccess>${ranges}
    </networkAccess>
    <passwordPolicies>
${Object.entries(pwd).sort().map(([k, v]) => el(k, v)).join('\n')}
    </passwordPolicies>
    <sessionSettings>
${Object.entries(ss.__drop__ ? {} : sess).filter(([k]) => !k.startsWith('__')).sort().map(([k, v]) => el(k, v)).join('\n')}
    </sessionSettings>`);
};

export const ECA_OAUTH_POLICY_PATH = '/p/force-app/main/default/extlClntAppOauthPolicies/Erp_Sync_oauthPlcy.ecaOauthPlcy-meta.xml';

/** An External Client App's OAuth policies (`.ecaOauthPlcy`), the connected app's oauthPolicy for ECAs. */
export function ecaOauthPolicyXml(o: { ip?: string; users?: string; refresh?: string } = {}): string {
  return metadataXml('ExtlClntAppOauthConfigurablePolicies', `
    <externalClientApplication>Erp_Sync</externalClientApplication>
    <ipRelaxationPolicyType>${o.ip ?? 'Enforce'}</ipRelaxationPolicyType>
    <isClientCredentialsFlowEnabled>false</isClientCredentialsFlowEnabled>
    <label>Erp_Sync_oauthPlcy</label>
    <permittedUsersPolicyType>${o.users ?? 'AdminApprovedPreAuthorized'}</permittedUsersPolicyType>
    <refreshTokenPolicyType>${o.refresh ?? 'SpecificLifetime'}</refreshTokenPolicyType>
    <requiredSessionLevel>STANDARD</requiredSessionLevel>`);
}
