/**
 * The `large` fixture, generated (too big to store): the `hardened` org grown to real scale.
 * 20,000 users (200 integration users with API access), 30,000 OAuth tokens, 40,000 logins in the
 * last 7 days, API usage from the event log object. Hidden in it, exactly what a capped page misses:
 * 3,000 tokens of "Shadow Sync", an app any user may self-authorize, unused for 200 days — they sort
 * last in `ORDER BY LastUsedDate DESC` and lie beyond OauthToken's 2,500-row queryMore cap.
 * Deterministic (no randomness): the same numbers in every run.
 */
import type { Fixture } from './server';
import type { Rec } from './soql';

export const LARGE = { users: 20_000, integrationUsers: 200, tokens: 30_000, shadowTokens: 3_000, logins: 40_000 } as const;

const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(18 - prefix.length - 3, '0')}AAA`;

export function largeFixture(): Fixture {
  const users: Rec[] = [], psa: Rec[] = [], mfa: Rec[] = [], tokens: Rec[] = [], logins: Rec[] = [];
  for (let i = 0; i < LARGE.users; i++) {
    const integration = i < LARGE.integrationUsers;
    const uid = id('005Lg', i);
    users.push({ Id: uid, Username: `user${i}@large.example`, Name: `User ${i}`, IsActive: true, UserType: 'Standard',
      ProfileId: integration ? '00e5e000000IntPAAS' : '00eLg0000000NoApiAAA', LastLoginDate: '@-1d', LastPasswordChangeDate: '@-30d', CreatedDate: '@-900d' });
    psa.push({ Id: id('0PaLg', i * 2), AssigneeId: uid, PermissionSetId: integration ? '0PS5e000000IntAAA' : '0PSLg0000000NoApiAAA', PermissionSetGroupId: null, IsActive: true, ExpirationDate: null });
    if (integration) {
      psa.push({ Id: id('0PaLg', i * 2 + 1), AssigneeId: uid, PermissionSetId: '0PS5e000000MfaAAA', PermissionSetGroupId: null, IsActive: true, ExpirationDate: null });
    }
    mfa.push({ Id: id('0MvLg', i), UserId: uid, HasTotp: true, HasSalesforceAuthenticator: false, HasSecurityKey: false, HasBuiltInAuthenticator: false, HasU2F: false,
      HasTempCode: false, HasVerifiedMobileNumber: false, HasUserVerifiedMobileNumber: false, HasUserVerifiedEmailAddress: true, ExternalId: null });
  }
  for (let i = 0; i < LARGE.tokens; i++) {
    const shadow = i >= LARGE.tokens - LARGE.shadowTokens;
    tokens.push({ Id: null, AppName: shadow ? 'Shadow Sync' : 'Mobile', UserId: id('005Lg', i % LARGE.users),
      LastUsedDate: shadow ? '@-200d' : `@-${1 + (i % 60)}d`, UseCount: 10 + (i % 100), AppMenuItemId: null, DeleteToken: null, RequestToken: null, AccessToken: null, CreatedDate: '@-400d' });
  }
  for (let i = 0; i < LARGE.logins; i++) {
    logins.push({ Id: id('0YaLg', i), UserId: id('005Lg', i % LARGE.users), LoginTime: `@-${1 + (i % 160)}h`, LoginType: 'Application', LoginSubType: '', Status: 'Success',
      SourceIp: `203.0.113.${i % 250}`, ForwardedForIp: null, Application: 'Browser', ApiType: 'N/A', ApiVersion: 'N/A', Browser: 'Chrome', Platform: 'Mac OSX',
      ClientVersion: 'N/A', TlsProtocol: 'TLS 1.3', CipherSuite: 'TLS_AES_256_GCM_SHA384', LoginUrl: 'login.salesforce.com', CountryIso: 'DE',
      AuthenticationServiceId: null, AuthMethodReference: null, LoginGeoId: null, NetworkId: null });
  }
  const usageRows: NonNullable<Fixture['usage']>['rows'] = [];
  for (let day = -7; day < 0; day++) {
    for (let hour = 7; hour < 19; hour++) {
      for (let u = 0; u < 5; u++) { usageRows.push({ day, hour, app: '0H45e000000PayAAA', user: id('005Lg', u), ip: `203.0.113.${20 + u}`, n: 40 }); }
    }
  }
  return {
    name: 'large', extends: 'hardened', appendRows: true, orgId: '00D5e000000LrgEAA', user: { id: '0055e000001AdmQAAS', username: 'admin@hardened.example' },
    objects: {
      User: users, PermissionSetAssignment: psa, TwoFactorMethodsInfo: mfa, OauthToken: tokens, LoginHistory: logins,
      Profile: [{ Id: '00eLg0000000NoApiAAA', Name: 'Standard User (no API)', UserType: 'Standard', UserLicenseId: '1005e000000SFDC' }],
      PermissionSet: [{ Id: '0PSLg0000000NoApiAAA', Name: 'X00eLg_noapi', Label: 'X00eLg noapi', IsOwnedByProfile: true, ProfileId: '00eLg0000000NoApiAAA', IsCustom: false, Type: 'Profile',
        PermissionsApiEnabled: false, PermissionsModifyAllData: false, PermissionsViewAllData: false, PermissionsTwoFactorApi: false, PermissionsForceTwoFactor: false,
        PermissionsBypassMFAForUiLogins: false, PermissionsPasswordNeverExpires: false, PermissionsManageTwoFactor: false, PermissionsViewEventLogFiles: false,
        PermissionsViewSetup: false, PermissionsCustomizeApplication: false, PermissionsManageUsers: false }],
      ConnectedApplication: [
        { Id: '0H4Lg0000000MobAAA', Name: 'Mobile', OptionsAllowAdminApprovedUsersOnly: true, OptionsRefreshTokenValidityMetric: true, RefreshTokenValidityPeriod: 90, OptionsHasSessionLevelPolicy: true, StartUrl: null, MobileStartUrl: null, PinLength: 4, NamedUserUvidTimeout: null, CreatedDate: '@-400d' },
        { Id: '0H4Lg0000000ShdAAA', Name: 'Shadow Sync', OptionsAllowAdminApprovedUsersOnly: false, OptionsRefreshTokenValidityMetric: true, RefreshTokenValidityPeriod: 90, OptionsHasSessionLevelPolicy: false, StartUrl: null, MobileStartUrl: null, PinLength: null, NamedUserUvidTimeout: null, CreatedDate: '@-900d' },
      ],
    },
    tooling: {},
    usage: { object: true, rows: usageRows },
  };
}
