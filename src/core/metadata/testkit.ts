/**
 * Test support for metadata rules: lint one file with one rule and read each finding as the text it
 * underlines, so table tests can assert "this exact value" instead of bare coordinates.
 */
import { Engine, type LintOptions } from '../engine';
import { LineIndex } from '../position';
import type { ProjectIndex } from '../project';
import type { Rule } from '../rule';
import type { FileNote, Finding } from '../types';

export interface SeenFinding { messageId: string; line: number; column: number; text: string; message: string; finding: Finding }

/** Lints `text` as `path` with `rule` only; `line`/`column` are 1-based like editors show them. */
export function lintWith(rule: Rule, path: string, text: string, project?: ProjectIndex, options: LintOptions = {}): { findings: SeenFinding[]; notes: FileNote[] } {
  const report = new Engine([rule]).lint(path, text, { ...options, ...(project ? { project } : {}) });
  const lines = new LineIndex(text);
  const byText = new Map(Object.entries(rule.meta.messages));
  return {
    notes: report.notes,
    findings: report.findings.map(f => ({
      messageId: [...byText.keys()].find(k => messageMatches(byText.get(k)!, f.message)) ?? '?',
      line: f.range.start.line + 1,
      column: f.range.start.character + 1,
      text: text.slice(lines.offsetAt(f.range.start), lines.offsetAt(f.range.end)),
      message: f.message,
      finding: f,
    })),
  };
}

function messageMatches(template: string, message: string): boolean {
  const re = new RegExp('^' + template.split(/\{\{\s*\w+\s*\}\}/).map(s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*') + '$');
  return re.test(message);
}

/** A metadata file as `sf project retrieve` writes it: XML declaration, namespace, 4-space indent. */
export function metadataXml(root: string, body: string, extraNs = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://soap.sforce.com/2006/04/metadata"${extraNs}>\n${body.replace(/^\n+|\s+$/g, '')}\n</${root}>\n`;
}
