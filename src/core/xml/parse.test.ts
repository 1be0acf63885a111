import * as assert from 'assert';
import { LineIndex } from '../position';
import { parseXml, decodeEntities } from './parse';
import { childNamed, childValue, childrenNamed, isNil, valueOf } from './document';

const parse = (t: string) => parseXml(t, new LineIndex(t));
const slice = (t: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }) => {
  const li = new LineIndex(t);
  return t.slice(li.offsetAt(r.start), li.offsetAt(r.end));
};

const CMDT = `<?xml version="1.0" encoding="UTF-8"?>
<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
    <label>Stripe</label>
    <protected>false</protected>
    <values>
        <field>Api_Key__c</field>
        <value xsi:type="xsd:string">sk_test_&amp;&lt;x&#65;&#x42;</value>
    </values>
    <values>
        <field>Endpoint__c</field>
        <value xsi:nil="true"/>
    </values>
</CustomMetadata>
`;

describe('parseXml', () => {
  it('reads a retrieved custom metadata record: namespaces, attributes, entities, positions', () => {
    const d = parse(CMDT);
    assert.strictEqual(d.error, undefined);
    const root = d.root!;
    assert.strictEqual(root.local, 'CustomMetadata');
    assert.strictEqual(root.ns, 'http://soap.sforce.com/2006/04/metadata');
    const values = childrenNamed(root, 'values');
    assert.strictEqual(values.length, 2);
    const v = childNamed(values[0], 'value')!;
    assert.strictEqual(v.attributes['xsi:type'], 'xsd:string');
    assert.strictEqual(v.text, 'sk_test_&<xAB');
    assert.deepStrictEqual(v.valueRange, { start: { line: 6, character: 37 }, end: { line: 6, character: 66 } });
    assert.strictEqual(slice(CMDT, v.valueRange), 'sk_test_&amp;&lt;x&#65;&#x42;');
    assert.strictEqual(slice(CMDT, v.range), '<value xsi:type="xsd:string">sk_test_&amp;&lt;x&#65;&#x42;</value>');
    const nil = childNamed(values[1], 'value')!;
    assert.ok(isNil(nil));
    assert.strictEqual(valueOf(nil), undefined);
    assert.strictEqual(slice(CMDT, nil.valueRange), '<value xsi:nil="true"/>');
    assert.strictEqual(childValue(values[1], 'field'), 'Endpoint__c');
    assert.strictEqual(values[0].parent, root);
  });

  it('resolves prefixed elements to their namespace and keeps the local name', () => {
    const t = '<a:Root xmlns:a="urn:a" xmlns="urn:d"><a:x>1</a:x><y/></a:Root>';
    const d = parse(t);
    assert.strictEqual(d.root!.local, 'Root');
    assert.strictEqual(d.root!.ns, 'urn:a');
    assert.strictEqual(d.root!.children[0].local, 'x');
    assert.strictEqual(d.root!.children[1].ns, 'urn:d');
  });

  it('reads CDATA, comments, a DOCTYPE and a BOM; trims the value range', () => {
    const t = '\ufeff<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e "x">]>\n<!-- apiguard-disable-next-line x -->\n<r>\n  <v>  <![CDATA[a<b>&amp;]]> tail </v>\n</r>';
    const d = parse(t);
    assert.strictEqual(d.error, undefined);
    assert.strictEqual(d.comments.length, 1);
    assert.strictEqual(d.comments[0].text.trim(), 'apiguard-disable-next-line x');
    assert.strictEqual(d.comments[0].range.start.line, 2);
    const v = d.root!.children[0];
    assert.strictEqual(v.text, '  a<b>&amp; tail ');
    assert.strictEqual(slice(t, v.valueRange), '<![CDATA[a<b>&amp;]]> tail');
  });

  it('handles CRLF line ends and single-quoted attributes', () => {
    const t = "<r>\r\n<url a='1'>http://x</url>\r\n</r>";
    const u = parse(t).root!.children[0];
    assert.deepStrictEqual(u.valueRange, { start: { line: 1, character: 11 }, end: { line: 1, character: 19 } });
    assert.strictEqual(u.attributes.a, '1');
  });

  it('empty elements underline the whole element', () => {
    const t = '<r><a></a><b>   </b></r>';
    const [a, b] = parse(t).root!.children;
    assert.strictEqual(slice(t, a.valueRange), '<a></a>');
    assert.strictEqual(slice(t, b.valueRange), '<b>   </b>');
  });

  const malformed: Array<[string, string, RegExp, number]> = [
    ['mismatched end tag', '<r>\n<a>1</b>\n</r>', /does not match <a>/, 1],
    ['unclosed root', '<r>\n<a>1</a>\n', /not closed/, 2],
    ['unquoted attribute', '<r a=1/>', /must be quoted/, 0],
    ['text before the root', 'oops<r/>', /text outside/, 0],
    ['two roots', '<r/>\n<s/>', /second root/, 1],
    ['unterminated comment', '<r><!-- x', /unterminated comment/, 0],
    ['empty document', '   ', /no root/, 0],
    ['truncated start tag', '<r><a b="1"', /end of file/, 0],
    ['stray closing tag', '</r>', /without an opening/, 0],
    ['lone <', '<r>< a</r>', /element name/, 0],
  ];
  for (const [what, t, msg, line] of malformed) {
    it(`malformed: ${what} gives an error with its line, never throws`, () => {
      const d = parse(t);
      assert.ok(d.error, 'expected an error');
      assert.match(d.error.message, msg);
      assert.strictEqual(d.error.range.start.line, line);
    });
  }

  // jterrats/JT_DynamicQueries: '<actionName>Edit</ActionName>' on line 20 was reported as not matching '<actionName> (line 1)'.
  it('a mismatched end tag names the line of the element it should close', () => {
    const d = parse('<r>\n  <a>\n    <b>1</B>\n  </a>\n</r>');
    assert.match(d.error!.message, /does not match <b> \(line 3\)/);
  });

  it('keeps the elements read before an error', () => {
    const t = '<Profile>\n<loginIpRanges><startAddress>0.0.0.0</startAddress></loginIpRanges>\n<x>\n</Profile>';
    const d = parse(t);
    assert.ok(d.error);
    assert.strictEqual(d.root!.local, 'Profile');
    assert.strictEqual(childValue(childNamed(d.root, 'loginIpRanges'), 'startAddress'), '0.0.0.0');
  });

  it('decodes entities and leaves unknown ones as written', () => {
    assert.strictEqual(decodeEntities('a &amp; b &quot;&apos;&gt; &nbsp; &#x1F600; &#99999999;'), 'a & b "\'> &nbsp; 😀 &#99999999;');
  });

  it('parses a 200 KB profile in a few milliseconds', () => {
    const perms = [];
    for (let k = 0; k < 1400; k++) {
      perms.push(`    <fieldPermissions>\n        <editable>true</editable>\n        <field>Account.Field_${k}__c</field>\n        <readable>true</readable>\n    </fieldPermissions>`);
    }
    const t = `<?xml version="1.0" encoding="UTF-8"?>\n<Profile xmlns="http://soap.sforce.com/2006/04/metadata">\n${perms.join('\n')}\n</Profile>\n`;
    assert.ok(t.length > 200_000);
    const lines = new LineIndex(t);
    let ms = Infinity;
    let d = parseXml(t, lines);
    for (let k = 0; k < 8; k++) { // best of 8 (the first runs include JIT warm-up)
      const t0 = process.hrtime.bigint();
      d = parseXml(t, lines);
      ms = Math.min(ms, Number(process.hrtime.bigint() - t0) / 1e6);
    }
    assert.strictEqual(d.root!.children.length, 1400);
    assert.ok(ms < 50, `took ${ms.toFixed(1)} ms`);
  });
});
