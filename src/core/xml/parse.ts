import type { LineIndex } from '../position';
import type { XmlDocument } from './document';

/** Parses XML with positions. Placeholder until the metadata work lands its parser. */
export function parseXml(_text: string, lines: LineIndex): XmlDocument {
  return { error: { message: 'XML parser not built yet', range: lines.rangeOf(0, 0) } };
}
