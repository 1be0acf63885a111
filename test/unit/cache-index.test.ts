import * as assert from 'assert';
import { readFileSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run as scan } from '../../src/cli/commands/scan';
import type { JsonReport } from '../../src/core/report/json';
import { recordingIO, removeProject, SFDX_PROJECT, tempProject } from './helpers/project';
import { FileLintCache } from '../../src/node/cache';
import { createEngine } from '../../src/node/createEngine';
import { discoverFiles } from '../../src/node/discover';
import { feedsProjectIndex, loadProjectIndex, openProjectIndex, scanProject } from '../../src/node/scan';
import { defaultConfig } from '../../src/core/config';
import type { Engine } from '../../src/core/engine';
import { buildProjectIndex, PROJECT_FACT_TYPES } from '../../src/core/metadata/facts';
import { metadataTypeOf } from '../../src/core/metadata/types';
import { holdsSymbols } from '../../src/core/symbols';
import { accessKindOf, buildAccess, type AccessKind } from '../../src/core/surface/access';

const D = 'force-app/main/default';
const CONFIG = (base: string) => `public with sharing class Config {
    public static final String BASE = '${base}';
    public static final String TOKEN = 'Tr0ub4dor&3x-not-in-the-cache';
}
`;
const CLIENT = `public with sharing class Client {
    public static HttpResponse get() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(Config.BASE + '/v1/items');
        return new Http().send(req);
    }
}
`;
const LABELS = (v: string) => `<?xml version="1.0" encoding="UTF-8"?>
<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">
    <labels><fullName>Api_Url</fullName><value>${v}</value></labels>
</CustomLabels>
`;
const SITE = `<?xml version="1.0" encoding="UTF-8"?>
<RemoteSiteSetting xmlns="http://soap.sforce.com/2006/04/metadata">
    <disableProtocolSecurity>false</disableProtocolSecurity>
    <isActive>true</isActive>
    <url>https://api.example.com</url>
</RemoteSiteSetting>
`;
const PERMSET = (cls: string) => `<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <classAccesses><apexClass>${cls}</apexClass><enabled>true</enabled></classAccesses>
    <label>Api</label>
</PermissionSet>
`;
const OBJECT = `<?xml version="1.0" encoding="UTF-8"?>
<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">
    <visibility>Public</visibility>
    <customSettingsType>Hierarchy</customSettingsType>
</CustomObject>
`;

/** Files written an hour ago, so that size and mtime can vouch for them (a file from this second cannot). */
function age(root: string, rels: readonly string[]): void {
  const old = new Date(Date.now() - 3600_000);
  for (const r of rels) { utimesSync(path.join(root, r), old, old); }
}

describe('--cache: the project index from the cache', function () {
  this.timeout(60000);
  let root: string;
  const files: Record<string, string> = {
    'sfdx-project.json': SFDX_PROJECT,
    [`${D}/classes/Config.cls`]: CONFIG('https://api.stripe.com'),
    [`${D}/classes/Client.cls`]: CLIENT,
    [`${D}/classes/Plain.cls`]: 'public class Plain { }\n',
    [`${D}/labels/CustomLabels.labels-meta.xml`]: LABELS('https://labels.example.com'),
    [`${D}/remoteSiteSettings/Api.remoteSite-meta.xml`]: SITE,
    [`${D}/permissionsets/Api.permissionset-meta.xml`]: PERMSET('Client'),
    [`${D}/objects/Api_Config__c/Api_Config__c.object-meta.xml`]: OBJECT,
  };
  beforeEach(() => { root = tempProject(files); age(root, Object.keys(files)); });
  afterEach(() => removeProject(root));

  const cacheFile = () => path.join(root, '.apiguardcache');
  /** One run as the CLI does it: open the cache, the key from it, the index when asked, save. */
  async function viaCache(): Promise<{ key: string; index: Awaited<ReturnType<typeof loadProjectIndex>>; hits: number; cache: FileLintCache }> {
    const cache = await FileLintCache.open(cacheFile(), { tool: 'test' });
    const opened = await openProjectIndex(root, { files: await discoverFiles(root, { exclude: [] }), inputs: cache });
    cache.useProjectKey(opened.key);
    const index = await opened.load();
    await cache.save();
    return { key: opened.key, index, hits: cache.inputHits, cache };
  }
  async function fresh(): Promise<{ key: string; index: Awaited<ReturnType<typeof loadProjectIndex>> }> {
    const opened = await openProjectIndex(root, {});
    return { key: opened.key, index: await loadProjectIndex(root) };
  }
  /** The index built the simplest way, from every file's text, independently of openProjectIndex. */
  async function reference() {
    const all = (await discoverFiles(root, { exclude: [] })).filter(feedsProjectIndex);
    const texts = all.map(f => ({ path: f, text: readFileSync(f, 'utf8') }));
    const index = buildProjectIndex(root, texts.filter(t => !accessKindOf(t.path)), readFileSync(path.join(root, 'sfdx-project.json'), 'utf8'));
    index.access = buildAccess(texts.filter(t => accessKindOf(t.path)));
    return index;
  }
  async function same(why: string): Promise<number> {
    const c = await viaCache();
    const f = await fresh();
    assert.deepStrictEqual(c.index, await reference(), why);
    assert.deepStrictEqual(c.index, f.index, why);
    assert.strictEqual(c.key, f.key, why);
    assert.deepStrictEqual(await (await openProjectIndex(root, {})).load(), f.index, `${why}: loadProjectIndex is openProjectIndex().load()`);
    return c.hits;
  }

  it('equals a fresh index (deep equal, same key) after files are added, edited and deleted; unchanged files are not read', async () => {
    const inputs = Object.keys(files).filter(f => f !== 'sfdx-project.json').length;
    assert.strictEqual(await same('first run'), 0);
    assert.strictEqual(await same('unchanged'), inputs, 'every index input vouched by size and mtime');
    const stored = readFileSync(cacheFile(), 'utf8');
    assert.ok(!stored.includes('Tr0ub4dor') && !stored.includes('labels.example.com'), 'no value of the index is written to the cache, only digests');

    const before = (await fresh()).key;
    writeFileSync(path.join(root, `${D}/classes/Config.cls`), CONFIG('https://api2.example.com'));
    assert.strictEqual(await same('a constant edited'), inputs - 1);
    assert.notStrictEqual((await fresh()).key, before, 'an edited constant changes the key');

    const k1 = (await fresh()).key;
    writeFileSync(path.join(root, `${D}/classes/Plain.cls`), 'public class Plain { /* a comment */ }\n');
    await same('a class without constants edited');
    assert.strictEqual((await fresh()).key, k1, 'a change no other file can see keeps the key (results stay)');

    writeFileSync(path.join(root, `${D}/classes/Added.cls`), 'public class Added { public static final String X = \'https://added.example.com\'; }\n');
    await same('a class added');
    writeFileSync(path.join(root, `${D}/labels/CustomLabels.labels-meta.xml`), LABELS('https://other.example.com'));
    await same('a label edited');
    writeFileSync(path.join(root, `${D}/permissionsets/Api.permissionset-meta.xml`), PERMSET('Config'));
    await same('a grant edited');
    writeFileSync(path.join(root, `${D}/objects/Api_Config__c/Api_Config__c.object-meta.xml`), OBJECT.replace('Public', 'Protected'));
    await same('an object edited');
    unlinkSync(path.join(root, `${D}/classes/Config.cls`));
    await same('a class deleted');
    unlinkSync(path.join(root, `${D}/remoteSiteSettings/Api.remoteSite-meta.xml`));
    unlinkSync(path.join(root, `${D}/permissionsets/Api.permissionset-meta.xml`));
    await same('a remote site and a permission set deleted');
    const left = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { inputs: Record<string, Record<string, unknown>> };
    const names = Object.entries(left.inputs).flatMap(([dir, g]) => Object.keys(g).map(n => `${dir}/${n}`));
    assert.ok(names.some(k => /Client\.cls/.test(k)), names.join(', '));
    assert.ok(!names.some(k => /Config\.cls|Api\.remoteSite|Api\.permissionset/.test(k)), 'deleted files leave the cache');
  });

  it('an edited constant in another class invalidates the cached result of the class that reads it', async () => {
    const engine = await createEngine();
    const run = async () => {
      const io = recordingIO(root);
      const code = await scan(['--cache', '--format', 'json', '--fail-on', 'never'], io, { engine });
      assert.strictEqual(code, 0, io.stderr);
      const all = (JSON.parse(io.stdout) as JsonReport).findings;
      return all.filter(f => f.path.endsWith('Client.cls')).map(f => f.ruleId).sort();
    };
    const hardcoded = await run();
    assert.ok(hardcoded.length > 0, 'a hardcoded endpoint read from Config is flagged in Client');
    assert.deepStrictEqual(await run(), hardcoded, 'from the cache');
    writeFileSync(path.join(root, `${D}/classes/Config.cls`), CONFIG('callout:Example'));
    age(root, [`${D}/classes/Config.cls`]);
    const named = await run();
    assert.ok(!named.some(id => hardcoded.includes(id)), `Client is linted again against the new constant: ${named.join(', ')}`);
    writeFileSync(path.join(root, `${D}/classes/Config.cls`), CONFIG('https://api.stripe.com'));
    assert.deepStrictEqual(await run(), hardcoded);
  });

  it('a re-scan the cache vouches for entirely lints nothing and reads the index only when asked', async () => {
    const engine = await createEngine();
    const run = async (e: Engine) => {
      const cache = await FileLintCache.open(cacheFile(), { tool: 'test' });
      const r = await scanProject({ root, config: defaultConfig(), engine: e, cache, jobs: 1 });
      await cache.save();
      return r;
    };
    const first = await run(engine);
    assert.ok(first.reports.some(r => r.path.endsWith('Client.cls')));
    const refusing = { rules: engine.rules, lint: () => { throw new Error('linted although the cache vouched for the file'); } } as unknown as Engine;
    const again = await run(refusing);
    assert.deepStrictEqual(again.reports, first.reports);
    assert.strictEqual(again.project.symbols, undefined, 'the index was not read');
    assert.deepStrictEqual(await again.loadProject(), first.project);
    assert.deepStrictEqual(first.project, await reference());
  });

  it('feedsProjectIndex (with its suffix prefilters) agrees with the metadata types and access kinds, for every suffix in and out of its folder', () => {
    // The prefilters in scan.ts know these four types and the access kinds: a new one must be added there too.
    assert.deepStrictEqual([...PROJECT_FACT_TYPES].sort(), ['CustomObject', 'ExternalCredential', 'NamedCredential', 'RemoteSiteSetting']);
    const kinds: Record<AccessKind, string> = { profile: 'profile', permissionset: 'permissionset', permissionsetgroup: 'permissionsetgroup', connectedapp: 'connectedApp' };
    assert.ok(Object.keys(kinds).length === 4, 'a new AccessKind does not compile here until the prefilter knows it');
    const suffixes = ['namedCredential', 'externalCredential', 'remoteSite', 'connectedApp', 'authprovider', 'profile', 'permissionset', 'permissionsetgroup', 'md', 'labels',
      'cspTrustedSite', 'ecaGlblOauth', 'ecaOauth', 'eca', 'object', 'field', 'layout', 'cls', 'trigger', 'settings', 'objectTranslation', 'Object', 'remoteSites', 'xml'];
    const folders = ['namedCredentials', 'externalCredentials', 'remoteSiteSettings', 'objects', 'objects/Acc__c', 'settings', 'classes', 'profiles', 'permissionsets',
      'permissionsetgroups', 'connectedApps', 'misc'];
    let checked = 0;
    for (const folder of folders) {
      for (const suffix of suffixes) {
        for (const tail of ['', '-meta.xml', '.xml']) {
          for (const name of ['Foo', '']) {
            const p = path.join(root, 'src', folder, `${name}.${suffix}${tail}`);
            const t = metadataTypeOf(p);
            const expected = (t !== undefined && PROJECT_FACT_TYPES.includes(t)) || holdsSymbols(p) || accessKindOf(p) !== undefined;
            assert.strictEqual(feedsProjectIndex(p), expected, p);
            checked++;
          }
        }
      }
    }
    assert.ok(checked > 1000);
  });
});
