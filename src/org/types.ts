/**
 * Shapes of an org inspection. Plain data (JSON-serialisable): the CLI prints it, the extension's
 * tree shows it, the reports render it. Never holds a token.
 */

/**
 * `partial`: the check read only some of the rows (a capped page) and found nothing wrong in them;
 * it never counts as a pass. `unavailable`: it could not look at all (see `reason`).
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'info' | 'unavailable' | 'partial';

/** The ten practice groups, in display order. */
export type GroupId =
  | 'oauth' | 'mfa' | 'ip' | 'encryption' | 'password' | 'rotation' | 'api-usage' | 'event-monitoring'
  | 'named-credentials' | 'audits';

export interface CheckItem {
  /** One line: the user, app, endpoint, setting… */
  label: string;
  /** Optional second part shown after the label (dates, values). */
  detail?: string;
  status?: CheckStatus;
}

export interface CheckResult {
  /** Stable id `<group>.<name>`, e.g. `mfa.api-users`. */
  id: string;
  group: GroupId;
  title: string;
  status: CheckStatus;
  /** One-line summary. */
  summary: string;
  items: CheckItem[];
  remediation: string;
  /** Path inside Setup, relative to the instance (e.g. `/lightning/setup/SecurityHealthCheck/home`). */
  setupPath: string;
  /** For `unavailable` and `partial`: why, and what grants access. */
  reason?: string;
  /** For `unavailable`: the class of failure (`permission` for licence/permission; anything else is a fault). */
  cause?: OrgErrorKind;
  /** When the check saw only part of the rows: how many it read, of how many (when the org said). */
  read?: { rows: number; total?: number };
  /** Turned off by the user (`--usage-days 0`): not evaluated, not a fault, left out of the coverage. */
  skipped?: boolean;
}

export interface GroupResult {
  id: GroupId;
  title: string;
  /** Worst status of its checks (fail > warn > partial > unavailable > info > pass); informational checks do not lower a passing group. */
  status: CheckStatus;
  checks: CheckResult[];
}

export interface OrgInfo {
  alias?: string;
  username?: string;
  orgId?: string;
  instanceUrl: string;
  /** true sandbox, false production, undefined unknown. */
  isSandbox?: boolean;
  /** Health Check score 0–100 when readable. */
  healthScore?: number;
  apiVersion: string;
}

export interface InspectionReport {
  tool: 'apiguard';
  org: OrgInfo;
  startedAt: string;
  durationMs: number;
  /** HTTP requests sent to the org for this inspection (composite batches count once). */
  requests: number;
  groups: GroupResult[];
  checks: CheckResult[];
  /** Problems that did not stop the inspection (scrubbed). */
  notes: string[];
  /** How much could be checked; `complete: false` means the inspection cannot be trusted as clean (exit 2). */
  coverage?: Coverage;
  /** API usage per day (monitoring), when event logs were readable. */
  usage?: ApiUsage;
}

/** Requests per day for one connected app, user or client IP. */
export interface UsageSeries { key: string; label: string; perDay: number[]; total: number }

export interface UsageAnomaly {
  kind: 'spike' | 'new-ip' | 'new-app' | 'off-hours' | 'failed-logins';
  label: string;
  /** The evidence, one line. */
  detail: string;
  /** The day (YYYY-MM-DD) it happened. */
  day: string;
  /** The series it belongs to (`app:…`, `user:…`, `ip:…`, `total`). */
  series?: string;
}

export interface ApiUsage {
  /** Where the numbers come from. */
  source: 'event-log-object' | 'log-files';
  /** The days of the window, oldest first (YYYY-MM-DD). */
  days: string[];
  /** Requests per day for the whole org. */
  total: number[];
  byApp: UsageSeries[];
  byUser: UsageSeries[];
  byIp: UsageSeries[];
  anomalies: UsageAnomaly[];
  /** What could not be read (days without a log file, files that failed…). */
  skipped: string[];
  /**
   * The part of `skipped` the anomalies could not look at (days without data, unreadable files,
   * capped answers, logins not all readable): when present the anomalies check is `partial` or a lower bound.
   */
  gaps?: string[];
  /** Requests the monitoring sent (log file downloads, user names). */
  requests: number;
}

/**
 * Exit 0 needs `complete`: at least `minPercent` % of the checks and `minGroups` groups evaluated
 * (not `unavailable`), and no check unavailable because of a fault (network, TLS, timeout, rate limit,
 * server error, malformed answer). Licence and permission gaps count against the threshold only.
 */
export interface Coverage {
  total: number;
  evaluated: number;
  groups: number;
  groupsEvaluated: number;
  /** Checks unavailable because of a fault, by cause. */
  faults: number;
  faultCauses: OrgErrorKind[];
  minPercent: number;
  minGroups: number;
  complete: boolean;
}

/**
 * Failure classes a caller acts on: `permission` (licence, permission, object or API not available
 * to this user), `session` (log in again), and the faults: `network` (refused, reset, DNS), `tls`
 * (certificate), `timeout`, `rate-limit` (REQUEST_LIMIT_EXCEEDED, 429), `server` (5xx),
 * `malformed` (truncated, HTML or unparsable answer), `other`.
 */
export type OrgErrorKind = 'permission' | 'session' | 'network' | 'tls' | 'timeout' | 'rate-limit' | 'server' | 'malformed' | 'other';

export class OrgError extends Error {
  constructor(message: string, readonly kind: OrgErrorKind, readonly code?: string) {
    super(message);
    this.name = 'OrgError';
  }
}
