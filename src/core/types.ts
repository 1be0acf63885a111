/**
 * The engine's vocabulary. Plain data only: no `vscode`, no `fs`, no jsforce.
 * Positions are 0-based (line, character in UTF-16 code units), like VS Code and LSP.
 */

export type Severity = 'error' | 'warning' | 'info';
export type SeverityOrOff = Severity | 'off';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

/** A second place that explains a finding, e.g. where a secret was declared. */
export interface RelatedInformation { path: string; range: Range; message: string }

/** Why a finding is not counted: a disable comment or the project configuration. */
export interface Suppression {
  kind: 'inline' | 'file';
  /** The text after `--` in the comment, if any. */
  justification?: string;
  /** Where the disable comment is. */
  location?: Range;
}

/**
 * Machine-readable facts a rule leaves for the fixes. Never holds a secret value.
 * Each rule documents which keys it sets.
 */
export interface FixHints { [key: string]: string | number | boolean | string[] | undefined }

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** One sentence: what was found and what to do. Never contains a secret (see `redact`). */
  message: string;
  /** Path as given to the engine (the CLI and the extension pass absolute paths). */
  path: string;
  range: Range;
  related?: RelatedInformation[];
  hints?: FixHints;
  /** Set when a disable comment covers the finding: reported, but not counted. */
  suppressed?: Suppression;
}

export type NoteCode =
  | 'parse-error' | 'malformed-xml' | 'binary' | 'too-large' | 'empty' | 'unreadable' | 'internal-error' | 'skipped'
  /** A per-file budget (time, parse size, syntax nodes) was exceeded: only the text-level secret scan ran. */
  | 'budget'
  /** A cap stopped a rule or the resolver early: findings past it may be missing. */
  | 'truncated';

/**
 * Notes that mean part of a file was not checked: `apiguard scan` exits 2 (when nothing else gives 1)
 * because exit 0 promises that everything was checked. Parse errors and malformed XML are not among
 * them: the tolerant parsers still read the rest of the file.
 */
export const INCOMPLETE_NOTES: ReadonlySet<NoteCode> = new Set<NoteCode>(['binary', 'too-large', 'unreadable', 'internal-error', 'budget', 'truncated']);

/** Something about a file that is not a finding: it could not be read fully, or a rule failed on it. */
export interface FileNote { path: string; code: NoteCode; message: string }

export interface FileReport { path: string; findings: Finding[]; notes: FileNote[] }

/** What kind of text a file holds; decides which rules look at it. */
export type FileKind = 'apex' | 'xml' | 'env' | 'json' | 'yaml' | 'properties' | 'js' | 'pem' | 'text';
