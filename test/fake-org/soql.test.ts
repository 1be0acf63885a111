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
