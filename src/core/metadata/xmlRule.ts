/**
 * Small helpers the metadata rules share: the parsed root of the expected type, ranges of start
 * tags and of spans over several values, and permission lists. Pure functions over `XmlElement`.
 */
import type { Range } from '../types';
import type { SourceFile } from '../sourceFile';
import { childNamed, childBoolean, childrenNamed, childValue, type XmlElement } from '../xml/document';

/** The document root when the file parsed (even partially) and the root is `<local>`. */
export function metadataRoot(file: SourceFile, ...locals: string[]): XmlElement | undefined {
  const root = file.xml()?.root;
  return root && locals.includes(root.local) ? root : undefined;
}

/** Range of an element's start tag (`<oauthConfig>`), for findings about an element as a whole. */
export function startTagRange(file: SourceFile, el: XmlElement): Range {
  const gt = file.text.indexOf('>', el.start);
  return file.lines.rangeOf(el.start, gt < 0 || gt >= el.end ? el.end : gt + 1);
}

/** The smallest range covering all the given ranges (which may be in any order). */
export function spanOf(...ranges: Range[]): Range {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character < b.character);
  let start = ranges[0].start, end = ranges[0].end;
  for (const r of ranges) {
    if (before(r.start, start)) { start = r.start; }
    if (before(end, r.end)) { end = r.end; }
  }
  return { start, end };
}

/** The elements reached by following local names from `el` (`descend(root, 'oauthConfig', 'scopes')`). */
export function descend(el: XmlElement | undefined, ...path: string[]): XmlElement[] {
  let level: XmlElement[] = el ? [el] : [];
  for (const name of path) {
    const next: XmlElement[] = [];
    for (const e of level) { next.push(...childrenNamed(e, name)); }
    level = next;
  }
  return level;
}

export interface UserPermission { name: string; enabled: boolean; nameEl: XmlElement; el: XmlElement }

/** `<userPermissions>` of a PermissionSet or Profile (`enabled` is false when absent or not `true`). */
export function userPermissions(root: XmlElement): UserPermission[] {
  const out: UserPermission[] = [];
  for (const up of childrenNamed(root, 'userPermissions')) {
    const nameEl = childNamed(up, 'name');
    const name = childValue(up, 'name');
    if (!nameEl || !name) { continue; }
    out.push({ name, enabled: childBoolean(up, 'enabled') === true, nameEl, el: up });
  }
  return out;
}

/** Positions of a substring of an element's value: maps offsets in the value's source text to a range. */
export function rangeInValue(file: SourceFile, el: XmlElement, from: number, to: number): Range {
  const base = file.lines.offsetAt(el.valueRange.start);
  return file.lines.rangeOf(base + from, base + to);
}

/** The raw source text of an element's value (entities not decoded). */
export function rawValue(file: SourceFile, el: XmlElement): string {
  return file.text.slice(file.lines.offsetAt(el.valueRange.start), file.lines.offsetAt(el.valueRange.end));
}
