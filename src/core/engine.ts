import type { Tree } from 'web-tree-sitter';
import type { FileKind, FileNote, FileReport, Finding, Position, Range, SeverityOrOff } from './types';
import { formatMessage, type Rule, type RuleContext, type RuleMeta, type ValueOrigin } from './rule';
import { SourceFile } from './sourceFile';
import { fileKindOf } from './fileKind';
import { emptyProject, type ProjectIndex } from './project';
import { rangeContains, compareRanges, type LineIndex } from './position';
import { applySuppressions } from './suppressions';
import { mergeByOrigin } from './oneFinding';
import { apexRulesMayReport } from './apex/precheck';
import { blankSpan, testClassSpan } from './apex/testClass';
import { MEMBER_PRECHECK_MIN_CHARS, PARSE_TRIM_MIN_CHARS, type MemberMemo } from './apex/members';

export interface LintOptions {
  /** Per-rule overrides; rules not named run at their default severity. */
  rules?: Record<string, SeverityOrOff>;
  includeTests?: boolean;
  project?: ProjectIndex;
  /** Force a kind (e.g. an untitled editor buffer with languageId apex). */
  kind?: FileKind;
  /** Per-file budgets (`.apiguard.json` "limits"); defaults in DEFAULT_LIMITS. */
  limits?: Partial<FileLimits>;
  /**
   * false: parse every Apex file, even one the text pre-check (`apex/precheck.ts`) clears or that is one @IsTest class
   * (`apex/testClass.ts`), and model it whole (no member-level pre-check): for the equivalence check.
   */
  precheck?: boolean;
  /**
   * The member-level pre-checks (`apex/members.ts`): by default the parse skips the members no rule needs in Apex
   * files of PARSE_TRIM_MIN_CHARS or more, and the model skips them in files of MEMBER_PRECHECK_MIN_CHARS or more;
   * false: parse and model every member; true: both at any size (the equivalence check and tests); `model`: the
   * model-level one only, at any size (tests).
   */
  memberPrecheck?: boolean | 'model';
  /**
   * Kept by a caller that lints one document again after each edit (the editor worker): the member-level
   * pre-check's facts of each member by its text, so that a re-lint reads only the members an edit changed.
   */
  memberMemo?: MemberMemo;
  /** The line index of `text`, when the caller keeps one (the editor worker updates it per edit: a new one of 1 MB costs ~3 ms). */
  lines?: LineIndex;
  /**
   * A tree-sitter tree of exactly `text` (Apex), kept by the caller (the editor worker re-parses it
   * incrementally): the engine builds the model on a copy instead of parsing. The caller still owns it.
   */
  tree?: Tree;
}

/** Above this size the parsers are not run (the text rules still are). */
export const MAX_PARSE_BYTES = 2 * 1024 * 1024;

/**
 * Per-file budgets. A file over one of them gets a `budget` (or `too-large`) note and only the
 * rules that read text (the secret-format scan among them) instead of a stall of the whole scan.
 */
export interface FileLimits {
  /** Wall time for parsing and all rules of one file, in ms. Checked inside the Apex parse and between rules. */
  fileTimeoutMs: number;
  /** Apex/XML files larger than this (characters) are not parsed. */
  maxParseBytes: number;
  /** Apex syntax trees with more nodes than this are dropped (tree-sitter memory lives outside the JS heap). */
  maxSyntaxNodes: number;
}
export const DEFAULT_LIMITS: Readonly<FileLimits> = { fileTimeoutMs: 10_000, maxParseBytes: MAX_PARSE_BYTES, maxSyntaxNodes: 2_000_000 };

/**
 * Lints one file: pure and deterministic, never throws. A rule that fails adds an
 * `internal-error` note and the other rules still run.
 */
export class Engine {
  private readonly byKind = new Map<FileKind, Rule[]>();
  private readonly yielding = new Map<string, ReadonlySet<string>>();
  private readonly metaById = new Map<string, RuleMeta>();

  constructor(readonly rules: readonly Rule[]) {
    for (const r of rules) {
      this.metaById.set(r.meta.id, r.meta);
      if (r.meta.yieldsTo?.length) { this.yielding.set(r.meta.id, new Set(r.meta.yieldsTo)); }
      for (const k of r.meta.kinds) {
        let list = this.byKind.get(k);
        if (!list) { this.byKind.set(k, list = []); }
        list.push(r);
      }
    }
  }

  /** Drops findings of rules that yield (`meta.yieldsTo`) to a rule that reported the same place. */
  private dropYielded(findings: Finding[]): Finding[] {
    if (!this.yielding.size || findings.length < 2) { return findings; }
    return findings.filter(f => {
      const to = this.yielding.get(f.ruleId);
      return !to || !findings.some(g => g !== f && to.has(g.ruleId) && overlaps(g.range, f.range));
    });
  }

  ruleIds(): Set<string> { return new Set(this.rules.map(r => r.meta.id)); }

  lint(path: string, text: string, options: LintOptions = {}): FileReport {
    const input = text;
    const notes: FileNote[] = [];
    const report: FileReport = { path, findings: [], notes };
    const kind = options.kind ?? fileKindOf(path);
    if (!kind) { return report; }
    if (text.length === 0 || /^\s*$/.test(text)) {
      notes.push({ path, code: 'empty', message: 'Empty file: nothing to check.' });
      return report;
    }
    let given = options.tree;
    if (text.indexOf('\0') >= 0) {
      given = undefined;                                   // the text the engine reads is not the tree's
      if (looksBinary(text)) {
        notes.push({ path, code: 'binary', message: 'Binary content (mostly NUL and control bytes): not checked.' });
        return report;
      }
      // Text with stray NULs (a truncated write, a pasted control character): NUL becomes a space, offsets stay.
      text = text.replace(/\0/g, ' ');
    }
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const started = performance.now();
    const deadline = started + limits.fileTimeoutMs;
    const tooLarge = text.length > limits.maxParseBytes && (kind === 'apex' || kind === 'xml');
    if (tooLarge) {
      notes.push({ path, code: 'too-large', message:
        `File is ${(text.length / 1048576).toFixed(1)} MB: larger than ${(limits.maxParseBytes / 1048576).toFixed(1)} MB, so it was not parsed; only the secret scan of its text ran.` });
    }
    const overrides = options.rules ?? {};
    let running: string[] | undefined;
    if (kind === 'apex' && !tooLarge && options.precheck !== false) {
      running = (this.byKind.get(kind) ?? []).filter(r => (overrides[r.meta.id] ?? r.meta.defaultSeverity) !== 'off').map(r => r.meta.id);
    }
    if (kind === 'apex' && !given && !options.includeTests && options.precheck !== false) {
      // A file that is one @IsTest class: every finding inside it would be dropped, so it is not parsed;
      // the comments around it are still linted, in place (apex/testClass.ts).
      const span = testClassSpan(text);
      if (span) {
        // Nothing around it that a rule could report (most test classes: white space, a licence header): nothing to
        // lint, no blanked copy to build. The two sides are joined by one space, where the blanked copy has the
        // class's width of white space: every text test passes on that join if it passes on the copy.
        const outside = text.slice(0, span.start) + ' ' + text.slice(span.end);
        if (!/\S/.test(outside) || (running && !apexRulesMayReport(outside, running))) { return report; }
        text = blankSpan(text, span);
      }
    }
    // No rule can fire in this text: skip the parse and the model (most classes of a real project).
    if (running && !apexRulesMayReport(text, running)) { return report; }
    const project = options.project ?? emptyProject();
    let file = new SourceFile(path, text, kind, !tooLarge, project, options.lines);
    // Larger classes parse and model only the members a rule can fire in (apex/members.ts); `memberPrecheck: true` forces it at any size.
    const level = options.memberPrecheck;
    if (running && (level === true || level === 'model' || (level === undefined && text.length >= Math.min(PARSE_TRIM_MIN_CHARS, MEMBER_PRECHECK_MIN_CHARS)))) {
      file.modelRules = running;
      file.trimAnySize = level === true;
      file.parseWhole = level === 'model';
    }
    file.deadline = deadline;
    file.maxNodes = limits.maxSyntaxNodes;
    file.givenTree = given;
    file.memberMemo = options.memberMemo;
    const raw: Finding[] = [];
    const origins = new Map<Finding, readonly ValueOrigin[]>();
    const truncatedBy = new Set<string>();
    let overBudget: string | undefined;
    try {
      for (const rule of this.byKind.get(kind) ?? []) {
        if (!overBudget && (file.budgetExceeded || performance.now() > deadline)) {
          // The rest of the rules read the text only (no parse): the secret-format scan still runs.
          overBudget = file.budgetExceeded === 'nodes'
            ? `its syntax tree has more than ${limits.maxSyntaxNodes} nodes`
            : `it took more than ${limits.fileTimeoutMs} ms`;
          file.dispose();
          file = new SourceFile(path, text, kind, false, project);
        }
        const override = overrides[rule.meta.id];
        const level = override ?? rule.meta.defaultSeverity;
        if (level === 'off') { continue; }
        if (rule.meta.metadataTypes && !(file.metadataType && rule.meta.metadataTypes.includes(file.metadataType))) { continue; }
        const ctx: RuleContext = {
          file, project,
          note: () => { truncatedBy.add(rule.meta.id); },
          report: d => {
            const template = rule.meta.messages[d.messageId];
            const finding: Finding = {
              // A rule may raise or lower one finding (e.g. the whole IPv4 space) unless the user set the level.
              ruleId: rule.meta.id, severity: override === undefined ? d.severity ?? level : level,
              message: template === undefined ? d.messageId : formatMessage(template, d.data),
              path, range: d.range,
              ...(d.related?.length ? { related: d.related } : {}),
              ...(d.hints ? { hints: d.hints } : {}),
            };
            raw.push(finding);
            if (d.origins?.length) { origins.set(finding, d.origins); }
          },
        };
        try { rule.check(ctx); } catch (e) {
          notes.push({ path, code: 'internal-error', message: `Rule ${rule.meta.id} failed on this file: ${(e as Error).message}. Other rules ran.` });
        }
      }
      // The member-level pre-check left members out of the model: a finding there (never expected, since
      // no rule's text gate passes on them) means it cannot vouch for this file: lint it with the whole model.
      const modelled = file.parsedApex()?.modelled;
      if (modelled && raw.some(f => !inRanges(file, modelled, f.range) || f.related?.some(r => r.path === path && !inRanges(file, modelled, r.range)))) {
        return this.lint(path, input, { ...options, memberPrecheck: false });
      }
      if (!overBudget && file.budgetExceeded) {
        overBudget = file.budgetExceeded === 'nodes' ? `its syntax tree has more than ${limits.maxSyntaxNodes} nodes` : `parsing took more than ${limits.fileTimeoutMs} ms`;
      }
      if (overBudget) {
        notes.push({ path, code: 'budget', message:
          `Over the per-file budget (${overBudget}): only the text-level checks ran (secret formats, credential names); raise "limits" in .apiguard.json to analyse it fully.` });
      }
      const capped = file.parsedApex()?.capped ?? [];
      if (capped.length) {
        notes.push({ path, code: 'truncated', message:
          `A value near line ${capped[0].start.line + 1} is built from more parts than API Guard follows${capped.length > 1 ? ` (${capped.length} places)` : ''}: later parts were not checked.` });
      }
      for (const id of truncatedBy) {
        notes.push({ path, code: 'truncated', message: `Rule ${id} stopped at its per-file cap: later findings of this rule in the file are not reported.` });
      }
      let findings = this.dropYielded(raw);
      if (kind === 'apex' && file.parse && !file.budgetExceeded) {
        const apex = file.apex();
        if (apex?.syntaxError) {
          notes.push({ path, code: 'parse-error', message:
            `Apex syntax error near line ${apex.syntaxError.start.line + 1}: findings in the broken part may be missing.` });
        }
        if (apex && !options.includeTests && apex.testRanges.length) {
          findings = findings.filter(f => !apex.testRanges.some(t => rangeContains(t, f.range)));
        }
      }
      // One problem, one finding: findings about the same hardcoded value become one (+ at most one sink).
      findings = mergeByOrigin(findings, origins, id => this.metaById.get(id));
      if (kind === 'xml' && file.parse) {
        // Only documents some rule parsed: XML of types no rule reads is never parsed just for this note.
        const err = file.parsedXml()?.error;
        if (err) { notes.push({ path, code: 'malformed-xml', message: `Malformed XML at line ${err.range.start.line + 1}: ${err.message}` }); }
      }
      report.findings = applySuppressions(dedupe(findings), file.lines, kind).sort((a, b) => compareRanges(a.range, b.range));
    } finally {
      file.dispose();
    }
    return report;
  }
}

/**
 * Whether text is binary rather than text with a few stray NULs: in the first 8 KB (and the whole text
 * when shorter), more than 10% of the characters are NUL, other C0 controls (not tab, line breaks,
 * form feed, escape) or U+FFFD.
 */
export function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 8192);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) || c === 0xfffd) { bad++; }
  }
  return bad > n * 0.1;
}

/** Whether `r` lies within one of the (sorted) character ranges. */
function inRanges(file: SourceFile, ranges: ReadonlyArray<readonly [number, number]>, r: Range): boolean {
  const s = file.lines.offsetAt(r.start), e = file.lines.offsetAt(r.end);
  return ranges.some(([a, b]) => s >= a && e <= b);
}

function overlaps(a: Range, b: Range): boolean {
  const le = (p: Position, q: Position) => p.line < q.line || (p.line === q.line && p.character <= q.character);
  return le(a.start, b.end) && le(b.start, a.end) && !(a.end.line === b.start.line && a.end.character === b.start.character)
    && !(b.end.line === a.start.line && b.end.character === a.start.character);
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter(f => {
    const k = `${f.ruleId}:${f.range.start.line}:${f.range.start.character}:${f.range.end.line}:${f.range.end.character}`;
    if (seen.has(k)) { return false; }
    seen.add(k);
    return true;
  });
}
