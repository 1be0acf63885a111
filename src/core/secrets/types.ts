/**
 * Secret detectors are plain data (gitleaks / trufflehog style): each pattern carries a cheap
 * keyword pre-filter, a bounded regex, optional entropy and validation, and its own evidence
 * (`truePositives` it must match, `falsePositives` it must not). `patterns.test.ts` enforces both.
 */

/** `low`: a real credential format but of limited reach (e.g. a Stripe test-mode key). */
export type SecretConfidence = 'high' | 'low';

export interface ValidateContext {
  /** The whole text being scanned (for checks that look around the match). */
  text: string;
  /** Offsets of the secret (the capture group, or the whole match) in `text`. */
  start: number;
  end: number;
}

export interface SecretPattern {
  /** kebab-case, unique. */
  id: string;
  /** What the secret is, for messages: "Salesforce access token". */
  description: string;
  /** Lower-case strings; the regex only runs when the lower-cased text contains one of them. */
  keywords: readonly string[];
  /**
   * Bounded regex (no nested unbounded quantifiers). Flags are re-applied by the matcher (`g`,
   * `d`, plus any `i`/`m`/`s` given here).
   */
  regex: RegExp;
  /** Capture group holding the secret; the reported range is this group. Default: whole match. */
  secretGroup?: number;
  /** Minimum Shannon entropy (bits per char) of the secret. */
  minEntropy?: number;
  /**
   * Only search within this many characters around each keyword occurrence (for secrets that
   * are only recognisable next to something else, e.g. a consumer secret near its `3MVG9` key).
   */
  window?: number;
  /** Last check on the secret text (structure, decoding, context). */
  validate?(secret: string, ctx: ValidateContext): boolean;
  confidence?: SecretConfidence;
  /** Strings that must produce at least one match of this pattern. */
  truePositives: readonly string[];
  /** Strings that must produce no match of this pattern. */
  falsePositives: readonly string[];
}

export interface SecretMatch {
  patternId: string;
  description: string;
  /** Offsets of the secret in the scanned text (end exclusive). */
  start: number;
  end: number;
  confidence: SecretConfidence;
}
