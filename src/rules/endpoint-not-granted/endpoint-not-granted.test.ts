import * as assert from 'assert';
import { Engine } from '../../core/engine';
import { initApexParser, setReadyParser } from '../../core/apex/parser';
import { locateApexAssets } from '../../node/assets';
import { allRules } from '..';
import { lintRule, permissionSetXml, projectWith } from '../../core/surface/testkit';

const SRC = `@RestResource(urlMapping='/ping')
global with sharing class PingApi {
    @HttpGet global static String ping() { return 'pong'; }
}`;

describe('endpoint-not-granted', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine(allRules); });

  it('the project has profiles and permission sets, none grants the class', () => {
    const project = projectWith({ 'force-app/main/default/permissionsets/Sales.permissionset-meta.xml': permissionSetXml(['OtherClass']) });
    const r = lintRule(engine, 'endpoint-not-granted', SRC, project);
    assert.deepStrictEqual(r.shown, ['3:ping']);
    assert.strictEqual(r.findings[0].severity, 'info');
  });

  it('clean: granted under the CumulusCI namespace token (%%%NAMESPACE%%%PingApi, replaced by the project\'s namespace at deploy)', () => {
    for (const token of ['%%%NAMESPACE%%%', '%%%NAMESPACED_ORG%%%', '___NAMESPACE___']) {
      const project = projectWith({ 'unpackaged/config/qa/permissionsets/Api.permissionset': permissionSetXml([`${token}PingApi`]) });
      assert.deepStrictEqual(lintRule(engine, 'endpoint-not-granted', SRC, project).shown, [], token);
    }
  });

  it('clean: granted by a permission set; or no access metadata in the project at all (nothing to say)', () => {
    const granted = projectWith({ 'force-app/main/default/permissionsets/Api.permissionset-meta.xml': permissionSetXml(['PingApi']) });
    assert.deepStrictEqual(lintRule(engine, 'endpoint-not-granted', SRC, granted).shown, []);
    assert.deepStrictEqual(lintRule(engine, 'endpoint-not-granted', SRC, projectWith()).shown, []);
  });
});
