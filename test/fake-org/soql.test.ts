import * as assert from 'assert';
import { execute, parse, SoqlError, type Db, type Rec, type Schema } from './soql';

const schema: Schema = {
  User: { fields: ['Id', 'Username', 'IsActive', 'ProfileId', 'LastLoginDate'], relationships: { Profile: { field: 'ProfileId', to: 'Profile' } } },
  Profile: { fields: ['Id', 'Name'] },
  LoginHistory: { fields: ['Id', 'UserId', 'LoginTime', 'Status', 'SourceIp', 'TlsProtocol'], filterable: ['Id', 'UserId', 'LoginTime', 'TlsProtocol'] },
};
const now = new Date('2026-06-15T12:00:00Z');
const data: Record<string, Rec[]> = {
  Profile: [{ Id: '00e1', Name: 'System Administrator' }, { Id: '00e2', Name: 'Standard User' }],
  User: [
    { Id: '0051', Username: 'ada@x.example', IsActive: true, ProfileId: '00e1', LastLoginDate: '2026-06-14T08:00:00.000+0000' },
    { Id: '0052', Username: 'bob@x.example', IsActive: false, ProfileId: '00e2', LastLoginDate: '2026-01-02T08:00:00.000+0000' },
    { Id: '0053', Username: 'cy@y.example', IsActive: true, ProfileId: null, LastLoginDate: null },
  ],
  LoginHistory: [
    { Id: '0Ya1', UserId: '0051', LoginTime: '2026-06-14T08:00:00.000+0000', Status: 'Success', SourceIp: '1.2.3.4', TlsProtocol: 'TLS 1.2' },
    { Id: '0Ya2', UserId: '0051', LoginTime: '2026-06-01T08:00:00.000+0000', Status: 'Invalid Password', SourceIp: '5.6.7.8', TlsProtocol: 'TLS 1.0' },
  ],
};
const db: Db = { schema, records: o => data[o] ?? [] };
const run = (q: string) => execute(db, q, now, (t, id) => `/services/data/v62.0/sobjects/${t}/${String(id)}`);
const code = (q: string) => { try { run(q); return 'ok'; } catch (e) { return (e as SoqlError).errorCode; } };

describe('fake org SOQL engine', () => {
  it('selects fields, follows relationships and nests them like the REST API', () => {
    const r = run("SELECT Username, Profile.Name FROM User WHERE IsActive = true ORDER BY Username");
    assert.strictEqual(r.totalSize, 2);
    assert.deepStrictEqual(r.records.map(x => x.Username), ['ada@x.example', 'cy@y.example']);
    assert.strictEqual((r.records[0].Profile as Rec).Name, 'System Administrator');
    assert.deepStrictEqual((r.records[0].attributes as Rec).type, 'User');
    assert.strictEqual(r.records[1].Profile, null);
  });

  it('filters with IN, LIKE, !=, null, AND/OR and date literals; orders and limits', () => {
    assert.deepStrictEqual(run("SELECT Id FROM User WHERE Username LIKE '%@x.example'").records.map(x => x.Id), ['0051', '0052']);
    assert.deepStrictEqual(run("SELECT Id FROM User WHERE Id IN ('0051','0053') AND ProfileId != null").records.map(x => x.Id), ['0051']);
    assert.deepStrictEqual(run("SELECT Id FROM User WHERE Profile.Name = 'Standard User' OR LastLoginDate = null").records.map(x => x.Id), ['0052', '0053']);
    assert.deepStrictEqual(run('SELECT Id FROM User WHERE LastLoginDate = LAST_N_DAYS:7').records.map(x => x.Id), ['0051']);
    assert.deepStrictEqual(run('SELECT Id FROM LoginHistory WHERE LoginTime > 2026-06-10T00:00:00Z').records.map(x => x.Id), ['0Ya1']);
    assert.deepStrictEqual(run('SELECT Id FROM User ORDER BY LastLoginDate DESC LIMIT 2').records.map(x => x.Id), ['0051', '0052']);
    assert.strictEqual(run('SELECT COUNT() FROM User').totalSize, 3);
  });

  it('answers unknown objects, fields and relationships with the real error codes', () => {
    assert.strictEqual(code('SELECT Id FROM TenantSecret'), 'INVALID_TYPE');
    assert.strictEqual(code('SELECT Id, Bogus FROM User'), 'INVALID_FIELD');
    assert.strictEqual(code('SELECT Manager.Name FROM User'), 'INVALID_FIELD');
    assert.strictEqual(code('SELECT Id FROM User WHERE'), 'MALFORMED_QUERY');
    assert.match((() => { try { run('SELECT Id, Bogus FROM User'); } catch (e) { return (e as Error).message; } return ''; })(), /No such column 'Bogus' on entity 'User'/);
  });

  it('rejects filters on LoginHistory fields that Salesforce does not filter (Status, SourceIp)', () => {
    assert.strictEqual(code("SELECT Id FROM LoginHistory WHERE Status != 'Success'"), 'INVALID_FIELD');
    assert.strictEqual(code("SELECT Id FROM LoginHistory WHERE TlsProtocol = 'TLS 1.0'"), 'ok');
  });

  it('parses ORDER BY with NULLS and OFFSET', () => {
    const q = parse('SELECT Id FROM User ORDER BY LastLoginDate ASC NULLS LAST LIMIT 5 OFFSET 1');
    assert.deepStrictEqual([q.orderBy[0].nullsLast, q.limit, q.offset], [true, 5, 1]);
    assert.deepStrictEqual(run('SELECT Id FROM User ORDER BY LastLoginDate ASC NULLS LAST').records.map(x => x.Id), ['0052', '0051', '0053']);
  });
});

describe('fake org SOQL engine: aggregates and per-object limits', () => {
  const aggSchema: Schema = {
    ...schema,
    OauthToken: { fields: ['Id', 'AppName', 'UserId', 'LastUsedDate'], aggregates: 'count', pageSize: 500, maxRows: 2500 },
    Event: { fields: ['Id', 'Timestamp', 'App', 'UserId'] },
  };
  const rows: Record<string, Rec[]> = {
    ...data,
    OauthToken: [{ Id: null, AppName: 'A', UserId: '0051', LastUsedDate: '2026-01-01T00:00:00.000+0000' }],
    Event: [
      { Id: 'e1', Timestamp: '2026-06-14T08:10:00.000+0000', App: 'A', UserId: '0051' },
      { Id: 'e2', Timestamp: '2026-06-14T08:50:00.000+0000', App: 'A', UserId: '0052' },
      { Id: 'e3', Timestamp: '2026-06-14T09:10:00.000+0000', App: 'B', UserId: '0051' },
      { Id: 'e4', Timestamp: '2026-06-13T23:59:00.000+0000', App: 'A', UserId: null },
    ],
  };
  const adb: Db = { schema: aggSchema, records: o => rows[o] ?? [] };
  const arun = (q: string) => execute(adb, q, now, (t, id) => `/x/${t}/${String(id)}`);
  const acode = (q: string) => { try { arun(q); return 'ok'; } catch (e) { return (e as SoqlError).errorCode; } };

  it('GROUP BY with COUNT, MIN, MAX, COUNT_DISTINCT, aliases and exprN names', () => {
    const r = arun('SELECT App, COUNT(Id) n, MIN(Timestamp) first, MAX(Timestamp), COUNT_DISTINCT(UserId) FROM Event GROUP BY App');
    assert.strictEqual(r.totalSize, 2);
    const a = r.records.find(x => x.App === 'A')!;
    assert.deepStrictEqual([a.n, a.first, a.expr0, a.expr1], [3, '2026-06-13T23:59:00.000+0000', '2026-06-14T08:50:00.000+0000', 2]);
    assert.deepStrictEqual((a.attributes as Rec).type, 'AggregateResult');
  });

  it('groups by DAY_ONLY and HOUR_IN_DAY of a datetime', () => {
    const r = arun('SELECT DAY_ONLY(Timestamp) day, HOUR_IN_DAY(Timestamp) hour, COUNT(Id) n FROM Event GROUP BY DAY_ONLY(Timestamp), HOUR_IN_DAY(Timestamp)');
    assert.deepStrictEqual(r.records.map(x => `${String(x.day)} ${String(x.hour)} ${String(x.n)}`).sort(), ['2026-06-13 23 1', '2026-06-14 8 2', '2026-06-14 9 1']);
  });

  it('refuses what the platform refuses: ungrouped fields, aggregates where the object has none, OFFSET over 2000', () => {
    assert.strictEqual(acode('SELECT App, UserId, COUNT(Id) FROM Event GROUP BY App'), 'MALFORMED_QUERY');
    assert.strictEqual(acode('SELECT AppName, COUNT(UserId) FROM OauthToken GROUP BY AppName'), 'MALFORMED_QUERY');
    assert.strictEqual(acode('SELECT COUNT() FROM OauthToken'), 'ok');
    assert.strictEqual(acode('SELECT Id FROM Event LIMIT 10 OFFSET 2001'), 'NUMBER_OUTSIDE_VALID_RANGE');
    assert.strictEqual(acode('SELECT App a FROM Event'), 'MALFORMED_QUERY');
    assert.strictEqual(acode('SELECT Status, COUNT(Id) FROM LoginHistory GROUP BY Status'), 'ok');
  });
});

describe('fake org SOQL engine: semi-joins', () => {
  const sj: Schema = {
    User: { fields: ['Id', 'Username'] },
    PermissionSet: { fields: ['Id', 'PermissionsApiEnabled'] },
    PermissionSetAssignment: { fields: ['Id', 'AssigneeId', 'PermissionSetId'], relationships: { PermissionSet: { field: 'PermissionSetId', to: 'PermissionSet' } } },
    TwoFactorMethodsInfo: { fields: ['Id', 'UserId', 'HasTotp'] },
  };
  const rows: Record<string, Rec[]> = {
    User: [{ Id: 'u1', Username: 'a' }, { Id: 'u2', Username: 'b' }, { Id: 'u3', Username: 'c' }],
    PermissionSet: [{ Id: 'ps1', PermissionsApiEnabled: true }, { Id: 'ps2', PermissionsApiEnabled: false }],
    PermissionSetAssignment: [{ Id: 'a1', AssigneeId: 'u1', PermissionSetId: 'ps1' }, { Id: 'a2', AssigneeId: 'u2', PermissionSetId: 'ps2' }],
    TwoFactorMethodsInfo: [{ Id: 't1', UserId: 'u1', HasTotp: true }, { Id: 't2', UserId: 'u2', HasTotp: true }, { Id: 't3', UserId: 'u3', HasTotp: false }],
  };
  const sdb: Db = { schema: sj, records: o => rows[o] ?? [] };
  const srun = (q: string) => execute(sdb, q, now, () => '');

  it('IN and NOT IN (SELECT reference FROM …) filter on another object', () => {
    const q = 'SELECT UserId FROM TwoFactorMethodsInfo WHERE UserId IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.PermissionsApiEnabled = true)';
    assert.deepStrictEqual(srun(q).records.map(r => r.UserId), ['u1']);
    assert.deepStrictEqual(srun("SELECT Id FROM User WHERE Id NOT IN (SELECT AssigneeId FROM PermissionSetAssignment) AND Username != 'x'").records.map(r => r.Id), ['u3']);
    assert.throws(() => srun('SELECT Id FROM User WHERE Id IN (SELECT AssigneeId, Id FROM PermissionSetAssignment)'), /exactly one/);
  });

  it('no OR with a semi-join (SOQL guide, semi-join subquery limits: "You can\'t use subqueries with OR"; read strictly: in the subquery too)', () => {
    assert.throws(() => srun("SELECT Id FROM User WHERE Id IN (SELECT AssigneeId FROM PermissionSetAssignment) OR Username = 'a'"), (e: SoqlError) => e.errorCode === 'MALFORMED_QUERY');
    assert.throws(() => srun('SELECT UserId FROM TwoFactorMethodsInfo WHERE UserId IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.PermissionsApiEnabled = true OR PermissionSet.PermissionsApiEnabled = false)'),
      (e: SoqlError) => e.errorCode === 'MALFORMED_QUERY');
  });
});
