/**
 * API usage monitoring: requests per day per connected app, user and client IP, and the anomalies
 * in them. Input is either the ApiTotalUsageEventLog aggregate (one query, API 61+) or ApiTotalUsage
 * event log files (CSV, one download per day). Pure functions: no IO, unit-testable on plain data.
 */
import type { SObjectRecord } from './client';
import type { ApiUsage, UsageAnomaly, UsageSeries } from './types';
import { text as s } from './checks';

/** Requests in one hour of one day by one (app, user, client IP). */
export interface UsageRow { day: string; hour: number; app: string; user: string; ip: string; n: number }

/** A day above this many times the median of the other days is a spike. */
export const SPIKE_FACTOR = 3;
/** …and at least this many requests (a quiet series doubling from 2 to 7 is noise). */
export const SPIKE_MIN = 100;
/** Failed logins from one source IP (or for one user) within one hour that make a burst. */
export const BURST_MIN = 10;
const SERIES_SHOWN = 10;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0)) || 0;

/** The days of a window of `n` full days ending yesterday (UTC), oldest first. */
export function windowDays(now: Date, n: number): string[] {
  const out: string[] = [];
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let i = n; i >= 1; i--) { out.push(new Date(today - i * 86_400_000).toISOString().slice(0, 10)); }
  return out;
}

/** Rows of the ApiTotalUsageEventLog GROUP BY query (see plan.ts `apiUsage`). */
export function rowsFromAggregate(records: SObjectRecord[]): UsageRow[] {
  return records.map(r => ({ day: s(r.day).slice(0, 10), hour: num(r.hour), app: s(r.app), user: s(r.usr), ip: s(r.ip), n: num(r.n) }));
}

/**
 * Incremental CSV reader for event log files: feed chunks, get records (RFC 4180 quoting, quotes
 * doubled inside, newlines inside quotes). Holds only the current record, never the whole file.
 */
export class CsvReader {
  private field = '';
  private record: string[] = [];
  private quoted = false;
  private afterQuote = false;
  private header: string[] | undefined;

  constructor(private readonly onRecord: (rec: Record<string, string>) => void) {}

  push(chunk: string): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.quoted) {
        if (c === '"') { this.quoted = false; this.afterQuote = true; } else { this.field += c; }
        continue;
      }
      if (c === '"') {
        // A doubled quote inside a quoted field, or the opening quote.
        if (this.afterQuote) { this.field += '"'; }
        this.quoted = true; this.afterQuote = false;
        continue;
      }
      this.afterQuote = false;
      if (c === ',') { this.record.push(this.field); this.field = ''; continue; }
      if (c === '\n') { this.endRecord(); continue; }
      if (c === '\r') { continue; }
      this.field += c;
    }
  }

  end(): void {
    if (this.field || this.record.length) { this.endRecord(); }
  }

  private endRecord(): void {
    this.record.push(this.field);
    this.field = '';
    const rec = this.record;
    this.record = [];
    if (!this.header) { this.header = rec.map(h => h.trim().toUpperCase()); return; }
    if (rec.length === 1 && rec[0] === '') { return; }
    const out: Record<string, string> = {};
    this.header.forEach((h, i) => { out[h] = rec[i] ?? ''; });
    this.onRecord(out);
  }
}

/** `20261201083015.123` or an ISO timestamp → [day, hour] (UTC). */
function dayHour(rec: Record<string, string>): [string, number] | undefined {
  const iso = rec.TIMESTAMP_DERIVED;
  if (iso && !Number.isNaN(Date.parse(iso))) { const d = new Date(iso); return [d.toISOString().slice(0, 10), d.getUTCHours()]; }
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})/.exec(rec.TIMESTAMP ?? '');
  return m ? [`${m[1]}-${m[2]}-${m[3]}`, Number(m[4])] : undefined;
}

/** Counts log file records (one per request) into rows per day, hour, app, user and client IP. */
export class UsageCounter {
  private readonly acc = new Map<string, UsageRow>();
  add(rec: Record<string, string>): void {
    const dh = dayHour(rec);
    if (!dh) { return; }
    const row = { day: dh[0], hour: dh[1], app: s(rec.CONNECTED_APP_ID), user: s(rec.USER_ID_DERIVED) || s(rec.USER_ID), ip: s(rec.CLIENT_IP), n: 0 };
    const k = `${row.day}|${row.hour}|${row.app}|${row.user}|${row.ip}`;
    const cur = this.acc.get(k) ?? row;
    cur.n++;
    this.acc.set(k, cur);
  }
  rows(): UsageRow[] { return [...this.acc.values()]; }
}

/**
 * Counts the requests of one ApiTotalUsage log file: CSV text (read chunk by chunk), or the records
 * jsforce already parsed from a `text/csv` answer.
 */
export function rowsFromLogFile(file: unknown, chunkSize = 65_536): UsageRow[] {
  const counter = new UsageCounter();
  if (Array.isArray(file)) {
    for (const r of file) { if (r && typeof r === 'object') { counter.add(Object.fromEntries(Object.entries(r as Record<string, unknown>).map(([k, v]) => [k.toUpperCase(), s(v)]))); } }
    return counter.rows();
  }
  const csv = s(file);
  const reader = new CsvReader(rec => counter.add(rec));
  for (let i = 0; i < csv.length; i += chunkSize) { reader.push(csv.slice(i, i + chunkSize)); }
  reader.end();
  return counter.rows();
}

function median(xs: number[]): number {
  if (!xs.length) { return 0; }
  const a = [...xs].sort((x, y) => x - y);
  const m = Math.floor(a.length / 2);
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

export interface UsageInput {
  source: ApiUsage['source'];
  days: string[];
  rows: UsageRow[];
  /** Connected app id (15 or 18 chars) → name. */
  appName(id: string): string | undefined;
  /** User id → `Full Name (username)`. */
  userName(id: string): string | undefined;
  /** LoginHistory rows of the window (failed-login bursts). */
  logins?: SObjectRecord[];
  /** Days whose data was read (log files: the days with a downloaded file); default every day. */
  covered?: string[];
  skipped?: string[];
  /** What the anomalies could not look at (also in `skipped`). */
  gaps?: string[];
  requests?: number;
}

/** Days series, top series per dimension and every anomaly, as plain data for checks, reports and charts. */
export function buildUsage(input: UsageInput): ApiUsage {
  const { days } = input;
  const dayIx = new Map(days.map((d, i) => [d, i]));
  const rows = input.rows.filter(r => dayIx.has(r.day));
  const total = days.map(() => 0);
  const dims = { app: new Map<string, number[]>(), user: new Map<string, number[]>(), ip: new Map<string, number[]>() };
  const hours = new Map<string, Map<number, Set<number>>>(); // user → day index → hours
  for (const r of rows) {
    const i = dayIx.get(r.day)!;
    total[i] += r.n;
    for (const [dim, key] of [['app', r.app], ['user', r.user], ['ip', r.ip]] as const) {
      if (!key) { continue; }
      const m = dims[dim];
      let arr = m.get(key);
      if (!arr) { arr = days.map(() => 0); m.set(key, arr); }
      arr[i] += r.n;
    }
    if (r.user) {
      let byDay = hours.get(r.user);
      if (!byDay) { byDay = new Map(); hours.set(r.user, byDay); }
      let set = byDay.get(i);
      if (!set) { set = new Set(); byDay.set(i, set); }
      set.add(r.hour);
    }
  }
  const label = (dim: 'app' | 'user' | 'ip', key: string): string =>
    dim === 'app' ? input.appName(key) ?? `connected app ${key}` : dim === 'user' ? input.userName(key) ?? `user ${key}` : key;
  const series = (dim: 'app' | 'user' | 'ip'): UsageSeries[] => [...dims[dim]]
    .map(([key, perDay]) => ({ key: `${dim}:${key}`, label: label(dim, key), perDay, total: perDay.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total);

  const anomalies: UsageAnomaly[] = [];
  // Days without data (no log file) are unknown, not zero: they take no part in any comparison.
  const covered = new Set((input.covered ?? days).map(d => dayIx.get(d)).filter((i): i is number => i !== undefined));
  // 1. Spikes: a day above 3x the median of the other days (org total, each app, each user).
  const spikes = (key: string, name: string, perDay: number[]) => {
    perDay.forEach((n, i) => {
      if (!covered.has(i)) { return; }
      const others = perDay.filter((_, j) => j !== i && covered.has(j));
      const med = median(others);
      if (others.length >= 2 && n >= SPIKE_MIN && n > SPIKE_FACTOR * med) {
        anomalies.push({ kind: 'spike', label: name, day: days[i], series: key,
          detail: `${fmt(n)} requests on ${days[i]}, ${med ? `${(n / med).toFixed(1)}× the median of the other days (${fmt(med)})` : 'none on a typical day'}` });
      }
    });
  };
  spikes('total', 'All API requests', total);
  for (const dim of ['app', 'user'] as const) { for (const x of series(dim)) { spikes(x.key, x.label, x.perDay); } }
  // 2. A client IP or connected app never seen before in the window, appearing on its last active day.
  const active = total.map((n, i) => (n && covered.has(i) ? i : -1)).filter(i => i >= 0);
  if (active.length >= 3) {
    const last = active[active.length - 1];
    for (const dim of ['ip', 'app'] as const) {
      for (const x of series(dim)) {
        const first = x.perDay.findIndex(n => n > 0);
        if (first === last) {
          anomalies.push({ kind: dim === 'ip' ? 'new-ip' : 'new-app', label: x.label, day: days[last], series: x.key,
            detail: `first seen on ${days[last]} (${fmt(x.perDay[last])} requests), never in the ${active.length - 1} earlier active days` });
        }
      }
    }
  }
  // 3. A user whose calls started outside their usual hours (the hours of their earlier days, ±1).
  for (const [user, byDay] of hours) {
    const dayList = [...byDay.keys()].sort((a, b) => a - b);
    if (dayList.length < 3) { continue; }
    const lastDay = dayList[dayList.length - 1];
    const usual = new Set<number>();
    for (const d of dayList.slice(0, -1)) { for (const h of byDay.get(d)!) { usual.add(h); } }
    const lo = Math.min(...usual), hi = Math.max(...usual);
    const odd = [...byDay.get(lastDay)!].filter(h => h < lo - 1 || h > hi + 1).sort((a, b) => a - b);
    if (odd.length) {
      anomalies.push({ kind: 'off-hours', label: label('user', user), day: days[lastDay], series: `user:${user}`,
        detail: `API calls at ${odd.map(hh).join(', ')} UTC on ${days[lastDay]}; usual hours ${hh(lo)}–${hh(hi + 1)} UTC` });
    }
  }
  // 4. Failed-login bursts: 10+ failures from one source IP, or for one user, within any 60 minutes (a sliding
  // window: a burst from 04:55 to 05:04 is one, where clock-hour buckets would split it in two).
  const failures = new Map<string, { who: string; kind: 'ip' | 'user'; times: number[] }>();
  for (const l of input.logins ?? []) {
    const status = s(l.Status);
    if (!status || status === 'Success') { continue; }
    const t = Date.parse(s(l.LoginTime));
    if (Number.isNaN(t)) { continue; }
    for (const [kind, who] of [['ip', s(l.SourceIp) || 'unknown IP'], ['user', s(l.UserId)]] as const) {
      if (!who) { continue; }
      const f = failures.get(`${kind}|${who}`) ?? { who, kind, times: [] };
      f.times.push(t);
      failures.set(`${kind}|${who}`, f);
    }
  }
  const bursts: Array<{ n: number; from: number; to: number; who: string; kind: 'ip' | 'user' }> = [];
  for (const f of failures.values()) {
    const ts = f.times.sort((x, y) => x - y);
    // Each window starts at a failure; one that holds enough is a burst, and the next starts after it.
    for (let j = 0; j < ts.length;) {
      let k = j;
      while (k < ts.length && ts[k] < ts[j] + 3_600_000) { k++; }
      if (k - j >= BURST_MIN) { bursts.push({ n: k - j, from: ts[j], to: ts[k - 1], who: f.who, kind: f.kind }); j = k; } else { j++; }
    }
  }
  const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
  for (const b of bursts.sort((x, y) => y.n - x.n || x.from - y.from)) {
    const day = new Date(b.from).toISOString().slice(0, 10);
    anomalies.push({ kind: 'failed-logins', label: b.kind === 'ip' ? b.who : label('user', b.who), day,
      detail: `${fmt(b.n)} failed logins ${b.kind === 'ip' ? 'from this IP' : 'for this user'} between ${hhmm(b.from)} and ${hhmm(b.to)} UTC on ${day}` });
  }
  return {
    source: input.source, days, total,
    byApp: series('app').slice(0, SERIES_SHOWN), byUser: series('user').slice(0, SERIES_SHOWN), byIp: series('ip').slice(0, SERIES_SHOWN),
    anomalies, skipped: input.skipped ?? [], ...(input.gaps?.length ? { gaps: input.gaps } : {}), requests: input.requests ?? 0,
  };
}
