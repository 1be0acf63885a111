/**
 * Defaults of `apiguard org` that the CLI needs before it loads the org bundle (no imports here,
 * so dist/cli.js does not pull the org code in).
 */
/** Seconds one request may take, body included (`--request-timeout`). */
export const DEFAULT_REQUEST_TIMEOUT_S = 30;
/** Seconds the whole inspection may take (`--timeout`). */
export const DEFAULT_TOTAL_TIMEOUT_S = 120;
/** Share of the checks (percent) that must be evaluated for exit 0 (`--min-checked`). */
export const DEFAULT_MIN_PERCENT = 50;
