import * as assert from 'assert';
import { allRules } from '../../rules';
import { SourceFile } from '../sourceFile';
import { emptyProject } from '../project';
import type { XmlDocument } from '../xml/document';
import { metadataXml } from './testkit';

/** Counts parses: the metadata rules must not parse XML of types they do not read. */
class CountingFile extends SourceFile {
  parses = 0;
  override xml(): XmlDocument | undefined { this.parses++; return super.xml(); }
}

const D = 'force-app/main/default';
const IRRELEVANT: Array<[string, string]> = [
  [`${D}/objects/Order__c/Order__c.object-meta.xml`, metadataXml('CustomObject', '    <label>Order</label>\n    <sharingModel>ReadWrite</sharingModel>')],
  [`${D}/objects/Order__c/fields/Region__c.field-meta.xml`, metadataXml('CustomField', '    <fullName>Region__c</fullName>\n    <type>Text</type>')],
  [`${D}/layouts/Order__c-Order Layout.layout-meta.xml`, metadataXml('Layout', '    <layoutSections>\n        <label>Info</label>\n    </layoutSections>')],
  [`${D}/classes/Foo.cls-meta.xml`, metadataXml('ApexClass', '    <apiVersion>62.0</apiVersion>\n    <status>Active</status>')],
  [`${D}/flows/Order_Sync.flow-meta.xml`, metadataXml('Flow', '    <label>Order Sync</label>')],
];
/** The rules of the metadata work; other rules' text halves are their own concern. */
const METADATA_RULES = new Set([
  'metadata-secret', 'insecure-endpoint', 'remote-site-insecure', 'remote-site-without-named-credential', 'legacy-named-credential',
  'connected-app-ip-relaxation', 'connected-app-refresh-token', 'connected-app-open-access', 'connected-app-full-scope',
  'weak-password-policy', 'weak-session-settings', 'broad-ip-range', 'privileged-api-permission', 'mfa-bypass-permission',
]);

describe('metadata rules skip XML they do not read', () => {
  for (const [path, text] of IRRELEVANT) {
    it(path.split('/').pop()!, () => {
      const file = new CountingFile(path, text, 'xml');
      for (const rule of allRules) {
        if (!METADATA_RULES.has(rule.meta.id) || !rule.meta.kinds.includes('xml')) { continue; }
        // The engine's metadataTypes filter, as in Engine.lint.
        if (rule.meta.metadataTypes && !(file.metadataType && rule.meta.metadataTypes.includes(file.metadataType))) { continue; }
        rule.check({ file, project: emptyProject(), report: () => undefined });
      }
      assert.strictEqual(file.parses, 0, `parsed ${path}`);
    });
  }

  it('the hardcoded-credential XML half parses only credential-named fields and values-bearing types', async () => {
    const { checkXml } = await import('../../rules/hardcoded-credential/xml');
    for (const [path, text] of IRRELEVANT) {
      const file = new CountingFile(path, text, 'xml');
      checkXml({ file, project: emptyProject(), report: () => undefined });
      assert.strictEqual(file.parses, 0, path);
    }
    const secretField = new CountingFile(`${D}/objects/Settings__c/fields/Api_Key__c.field-meta.xml`, metadataXml('CustomField', '    <fullName>Api_Key__c</fullName>'), 'xml');
    checkXml({ file: secretField, project: emptyProject(), report: () => undefined });
    assert.strictEqual(secretField.parses, 1);
  });

  it('and a rule that reads the type parses once, shared by all rules', () => {
    const file = new CountingFile(`${D}/connectedApps/A.connectedApp-meta.xml`, metadataXml('ConnectedApp', '    <label>A</label>'), 'xml');
    for (const rule of allRules.filter(r => METADATA_RULES.has(r.meta.id) && r.meta.metadataTypes?.includes('ConnectedApp'))) {
      rule.check({ file, project: emptyProject(), report: () => undefined });
    }
    assert.ok(file.parses >= 1);
    assert.strictEqual(file.xml(), file.xml(), 'the document is cached');
  });
});
