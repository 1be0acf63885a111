import type { FileKind, FixHints, Range, RelatedInformation, Severity } from './types';
import type { MetadataType } from './metadata/types';
import type { ProjectIndex } from './project';
import type { SourceFile } from './sourceFile';

/**
 * A rule is a `meta` object plus `check`. The id is the folder name, the docs slug, the
 * diagnostic code, the SARIF ruleId and the token in disable comments: never rename it.
 */
export interface RuleMeta {
  id: string;
  type: 'problem' | 'suggestion';
  defaultSeverity: Severity;
  /** One line, shown in `apiguard rules`, SARIF shortDescription and the docs front matter. */
  description: string;
  /** File kinds the rule reads; the engine never calls it for others. */
  kinds: readonly FileKind[];
  /** For `xml`: only these metadata types (omit for every XML file). */
  metadataTypes?: readonly MetadataType[];
  /** The rule's findings carry hints a fix in `src/core/fix` can use. */
  fixable?: boolean;
  /**
   * Rules that say the same thing more precisely: a finding of this rule is dropped when one of
   * these rules reported an overlapping range in the same file (one problem, one finding).
   */
  yieldsTo?: readonly string[];
  /**
   * The rule reports where a hardcoded value GOES (a header, a URL) with a remedy of its own (the
   * Named Credential fix): the engine keeps one such finding beside the one that says where the value
   * is written, instead of merging it (see `ReportDescriptor.origins`).
   */
  sink?: boolean;
  /** How a finding of this rule reads when the engine merges it into another as a related location. */
  relatedAs?: string;
  /** messageId → text with `{{placeholders}}`. One sentence: what is wrong, what to do. */
  messages: Record<string, string>;
}

export interface ReportDescriptor {
  messageId: string;
  data?: Record<string, string | number>;
  range: Range;
  related?: RelatedInformation[];
  hints?: FixHints;
  /** This finding's severity when the user has not set the rule's level (default: the rule's). */
  severity?: Severity;
  /**
   * Where the hardcoded value this finding is about is written (the literals, in this file or, with a
   * path, another). Findings of one file that share an origin are one problem: the engine keeps one
   * (plus at most one `sink` finding) and merges the others into it as related locations.
   */
  origins?: readonly ValueOrigin[];
}

/** A place where a hardcoded value is written: a literal's range (in the linted file unless `path` says otherwise). */
export interface ValueOrigin {
  range: Range; path?: string;
  /** The same value written again here (a copy): findings about this copy belong with the finding too. */
  sameValue?: boolean;
}

export interface RuleContext {
  readonly file: SourceFile;
  readonly project: ProjectIndex;
  report(d: ReportDescriptor): void;
  /** Says a cap stopped the rule early on this file (a `truncated` note); the engine supplies it. */
  note?(message: string): void;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(ctx: RuleContext): void;
}

/** Identity function that type-checks a rule and keeps the shape uniform. */
export function defineRule(rule: Rule): Rule { return rule; }

/** Fills `{{name}}` placeholders. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}

export const DOCS_BASE = 'https://github.com/apiguard/apiguard/blob/main/src/rules';
export function ruleDocsUrl(id: string): string { return `${DOCS_BASE}/${id}/docs.md`; }
