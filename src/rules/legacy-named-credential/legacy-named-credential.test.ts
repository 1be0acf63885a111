import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml } from '../../core/metadata/testkit';

const P = 'force-app/main/default/namedCredentials/GoogleBooksAPI.namedCredential-meta.xml';
// As retrieved (apex-recipes): alphabetical, no namedCredentialType.
const RETRIEVED = metadataXml('NamedCredential', `
    <allowMergeFieldsInBody>false</allowMergeFieldsInBody>
    <allowMergeFieldsInHeader>false</allowMergeFieldsInHeader>
    <endpoint>https://www.googleapis.com/books/v1/</endpoint>
    <generateAuthorizationHeader>true</generateAuthorizationHeader>
    <label>GoogleBooksAPI</label>
    <principalType>Anonymous</principalType>
    <protocol>NoAuthentication</protocol>`);

describe('legacy-named-credential', () => {
  it('reports a retrieved legacy file at its endpoint with the name hint', () => {
    const { findings } = lintWith(rule, P, RETRIEVED);
    assert.deepStrictEqual(findings.map(f => [f.line, f.text]), [[5, 'https://www.googleapis.com/books/v1/']]);
    assert.deepStrictEqual(findings[0].finding.hints, { name: 'GoogleBooksAPI' });
  });
  it('reports namedCredentialType Legacy without endpoint at the label', () => {
    const t = metadataXml('NamedCredential', `
    <label>Books</label>
    <namedCredentialType>Legacy</namedCredentialType>`);
    assert.deepStrictEqual(lintWith(rule, P, t).findings.map(f => f.text), ['Books']);
  });
  it('SecuredEndpoint and PrivateEndpoint are clean', () => {
    for (const type of ['SecuredEndpoint', 'PrivateEndpoint']) {
      const t = metadataXml('NamedCredential', `
    <label>Books</label>
    <namedCredentialParameters>
        <parameterName>Url</parameterName>
        <parameterType>Url</parameterType>
        <parameterValue>https://www.googleapis.com/books/v1/</parameterValue>
    </namedCredentialParameters>
    <namedCredentialType>${type}</namedCredentialType>`);
      assert.deepStrictEqual(lintWith(rule, P, t).findings, []);
    }
  });
});
