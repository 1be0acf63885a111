/**
 * The org a CLI command works on, the same way for `apiguard org` and `apiguard surface`: the
 * Salesforce CLI's target-org (default or `--target-org`), or `--instance-url` with the access token
 * from SF_ACCESS_TOKEN (never a flag) and an optional refresh from SF_REFRESH_TOKEN / SF_CLIENT_ID /
 * SF_LOGIN_URL. Returns the connection, or the message to print (exit 2).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as OrgModule from '../org/index';
import { UsageError } from './args';

/** dist/org.js beside dist/cli.js; out/src/org/index.js when run from the compiled tree (out/src/cli has no org.js). */
export function loadOrgModule(): typeof OrgModule {
  const bundled = path.join(__dirname, 'org.js');
  const target = existsSync(bundled) ? bundled : path.join(__dirname, '..', 'org', 'index.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(target) as typeof OrgModule;
}

/** Seconds from a flag, within bounds (usage error otherwise). */
export function seconds(v: string | boolean | undefined, flag: string, fallback: number, max: number): number {
  if (v === undefined) { return fallback; }
  const n = typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  if (!(n > 0 && n <= max)) { throw new UsageError(`option --${flag} must be a number of seconds between 0 and ${max} (got "${String(v)}")`); }
  return n;
}

export type OrgConnection = { conn: ReturnType<typeof OrgModule.connectWithToken>; alias?: string; username?: string; label: string };

export async function connectOrg(org: typeof OrgModule, opts: { targetOrg?: string; instanceUrl?: string; projectDir: string },
  env: Record<string, string | undefined>): Promise<OrgConnection | { error: string }> {
  try {
    if (opts.instanceUrl) {
      const accessToken = env.SF_ACCESS_TOKEN;
      if (!accessToken) { return { error: '--instance-url needs the access token in the environment variable SF_ACCESS_TOKEN' }; }
      const conn = org.connectWithToken({ instanceUrl: opts.instanceUrl, accessToken,
        refreshToken: env.SF_REFRESH_TOKEN, clientId: env.SF_CLIENT_ID, loginUrl: env.SF_LOGIN_URL });
      return { conn, label: new URL(opts.instanceUrl).host };
    }
    const c = await org.connectCliOrg({ targetOrg: opts.targetOrg, projectDir: opts.projectDir });
    return { conn: c.conn, alias: c.alias, username: c.username, label: c.alias ?? c.username };
  } catch (e) {
    return { error: org.errorText(e) };
  }
}
