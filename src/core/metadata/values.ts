/**
 * Values the Apex code reads from metadata, for project-wide resolution: Custom Labels
 * (`CustomLabels.labels-meta.xml`, or one `<Name>.label-meta.xml` per label when decomposed) and
 * custom metadata records (`customMetadata/<Type>.<Record>.md-meta.xml`). Pure, never throws.
 */
import { LineIndex } from '../position';
import type { Range } from '../types';
import { childNamed, childrenNamed, childValue, isNil, type XmlElement } from '../xml/document';
import { parseXml } from '../xml/parse';

export interface LabelFact { name: string; path: string; value: string; range: Range }

export interface MetadataRecordFact {
  /** Type without `__mdt` as in the file name ('Api_Config'); records of namespaced types keep the prefix. */
  type: string;
  record: string;
  path: string;
  protected?: boolean;
  values: Array<{ field: string; value: string; range: Range }>;
}

/** Whether a path holds Custom Labels (bundle or one decomposed label). */
export function isLabelsPath(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  return /\.labels?-meta\.xml$/i.test(p) || /(^|\/)labels\/[^/]+\.labels$/i.test(p);
}

/** Whether a path is a custom metadata record (`Type.Record.md-meta.xml`, or `.md` in customMetadata/). */
export function isMetadataRecordPath(path: string): boolean {
  // The suffix first: the unanchored pattern below costs a scan from every position of the path.
  const end = path.slice(-12).toLowerCase();
  if (!end.endsWith('.md-meta.xml') && !end.endsWith('.md')) { return false; }
  const p = path.replace(/\\/g, '/');
  return /\/?[^/]+\.[^/.]+\.md-meta\.xml$/i.test(p) || /(^|\/)customMetadata\/[^/]+\.[^/]+\.md$/i.test(p);
}

function baseName(path: string): string {
  const p = path.replace(/\\/g, '/');
  return p.slice(p.lastIndexOf('/') + 1);
}

function valueRangeOf(el: XmlElement): Range { return el.valueRange; }

/** Every label of a labels file with its value and the value's range. */
export function extractLabels(path: string, text: string): LabelFact[] {
  if (!/<\s*(?:\w+:)?CustomLabels?\b/.test(text)) { return []; }
  try {
    const root = parseXml(text, new LineIndex(text)).root;
    if (!root) { return []; }
    const one = (el: XmlElement, fallback?: string): LabelFact | undefined => {
      const name = childValue(el, 'fullName') ?? fallback;
      const v = childNamed(el, 'value');
      if (!name || !v || isNil(v)) { return undefined; }
      return { name, path, value: v.text.trim(), range: valueRangeOf(v) };
    };
    if (root.local === 'CustomLabels') {
      return childrenNamed(root, 'labels').map(l => one(l)).filter((x): x is LabelFact => !!x);
    }
    if (root.local === 'CustomLabel') {
      const f = one(root, baseName(path).replace(/\.label(-meta)?\.xml$/i, ''));
      return f ? [f] : [];
    }
  } catch { /* malformed: no facts */ }
  return [];
}

/** A custom metadata record's field values (strings, numbers, booleans as text; nil values left out). */
export function extractMetadataRecord(path: string, text: string): MetadataRecordFact | undefined {
  const m = /^([^.]+(?:__[^.]+)?)\.([^.]+)\.md(?:-meta\.xml)?$/i.exec(baseName(path));
  if (!m || !/<\s*(?:\w+:)?CustomMetadata\b/.test(text)) { return undefined; }
  try {
    const root = parseXml(text, new LineIndex(text)).root;
    if (!root || root.local !== 'CustomMetadata') { return undefined; }
    const values: MetadataRecordFact['values'] = [];
    for (const v of childrenNamed(root, 'values')) {
      const field = childValue(v, 'field');
      const val = childNamed(v, 'value');
      if (!field || !val || isNil(val)) { continue; }
      values.push({ field, value: val.text.trim(), range: valueRangeOf(val) });
    }
    const prot = childValue(root, 'protected');
    return { type: m[1], record: m[2], path, values, ...(prot !== undefined ? { protected: /^true$/i.test(prot) } : {}) };
  } catch { return undefined; }
}
