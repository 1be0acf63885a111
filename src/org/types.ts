/**
 * Shapes of an org inspection. Plain data (JSON-serialisable): the CLI prints it, the extension's
 * tree shows it, the reports render it. Never holds a token.
 */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'info' | 'unavailable';

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
  /** For `unavailable`: why, and what grants access. */
  reason?: string;
  /** For `unavailable`: the class of failure (`permission` for licence/permission; anything else is a fault). */
  cause?: OrgErrorKind;
}

export interface GroupResult {
  id: GroupId;
  title: string;
  /** Worst status of its checks (fail > warn > unavailable > info > pass). */
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
