/**
 * A parsed XML document with exact positions, built by the metadata work. Parsing never throws:
 * a malformed document yields `error` and whatever elements were read before it.
 */
import type { Range } from '../types';

export interface XmlElement {
  name: string;
  /** Local name without a namespace prefix. */
  local: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text and CDATA content directly inside the element, entities decoded. */
  text: string;
  /** Range of the whole element, and of its text content (the value to underline). */
  range: Range;
  valueRange: Range;
  parent?: XmlElement;
}

export interface XmlDocument {
  root?: XmlElement;
  error?: { message: string; range: Range };
}
