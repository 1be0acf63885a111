/**
 * A parsed XML document with exact positions, built by `parseXml` (./parse.ts). Parsing never throws:
 * a malformed document yields `error` and whatever elements were read before it.
 */
import type { Range } from '../types';

export interface XmlElement {
  /** Qualified name as written (`xsi:nil`, `value`). */
  name: string;
  /** Local name without a namespace prefix. */
  local: string;
  /** Namespace URI the element's prefix (or the default namespace) resolves to; '' when none. */
  ns: string;
  /** Attributes by qualified name, entities decoded (`{ 'xsi:nil': 'true' }`). */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text and CDATA content directly inside the element, entities decoded. */
  text: string;
  /** Range of the whole element, from `<` of the start tag to `>` of the end tag. */
  range: Range;
  /**
   * Range of the element's text content, without leading and trailing white space: the value to
   * underline. For an empty element (`<a/>`, `<a></a>`, white space only) it is the element's range.
   */
  valueRange: Range;
  /** Offsets in the text of `range.start` / `range.end` (half-open). */
  start: number;
  end: number;
  parent?: XmlElement;
}

export interface XmlComment { text: string; range: Range }

export interface XmlDocument {
  root?: XmlElement;
  /** Every comment in document order (`text` without `<!--` / `-->`). */
  comments: XmlComment[];
  /** The first well-formedness error; parsing stops there. */
  error?: { message: string; range: Range };
}

/** Children of `el` with the given local name. */
export function childrenNamed(el: XmlElement | undefined, local: string): XmlElement[] {
  if (!el) { return []; }
  const out: XmlElement[] = [];
  for (const c of el.children) { if (c.local === local) { out.push(c); } }
  return out;
}

/** The first child of `el` with the given local name. */
export function childNamed(el: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!el) { return undefined; }
  for (const c of el.children) { if (c.local === local) { return c; } }
  return undefined;
}

/** Whether the element is `xsi:nil="true"` (how retrieved files write an empty value). */
export function isNil(el: XmlElement): boolean {
  for (const k in el.attributes) {
    if ((k === 'nil' || k.endsWith(':nil')) && el.attributes[k].trim() === 'true') { return true; }
  }
  return false;
}

/**
 * The trimmed text value of an element, or undefined when the element is absent, `xsi:nil`, or
 * holds no text.
 */
export function valueOf(el: XmlElement | undefined): string | undefined {
  if (!el || isNil(el)) { return undefined; }
  const v = el.text.trim();
  return v === '' ? undefined : v;
}

/** Text value of the first child with that local name (see `valueOf`). */
export function childValue(el: XmlElement | undefined, local: string): string | undefined {
  return valueOf(childNamed(el, local));
}

/** `true` / `false` for an XML boolean child (`true`, `1`, `false`, `0`), undefined when absent or other. */
export function childBoolean(el: XmlElement | undefined, local: string): boolean | undefined {
  const v = childValue(el, local)?.toLowerCase();
  if (v === 'true' || v === '1') { return true; }
  if (v === 'false' || v === '0') { return false; }
  return undefined;
}
