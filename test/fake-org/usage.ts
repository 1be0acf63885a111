/**
 * Fixture API usage → what the platform serves for it: ApiTotalUsageEventLog rows (one per request,
 * API 61+ event log objects) and/or daily ApiTotalUsage EventLogFile rows with their CSV files.
 * Days are relative to now (-1 = yesterday), hours UTC.
 */
import type { Rec } from './soql';

export interface UsageSpec {
  /** Serve the ApiTotalUsageEventLog object (else INVALID_TYPE). */
  object?: boolean;
  /** Serve daily ApiTotalUsage log files. */
  files?: boolean;
  rows: { day: number; hour: number; app?: string; user?: string; ip: string; n: number }[];
}

const DAY = 86_400_000;
const CSV_HEADER = 'EVENT_TYPE,TIMESTAMP,REQUEST_ID,ORGANIZATION_ID,USER_ID,API_FAMILY,API_RESOURCE,CLIENT_IP,CLIENT_NAME,CONNECTED_APP_ID,HTTP_METHOD,STATUS_CODE,COUNTS_AGAINST_API_LIMIT,TIMESTAMP_DERIVED,USER_ID_DERIVED';

export function materializeUsage(spec: UsageSpec, orgId: string, now: Date): { events: Rec[]; files: Rec[]; logFiles: Record<string, string> } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const events: Rec[] = [];
  const csvByDay = new Map<number, string[]>();
  let seq = 0;
  for (const r of spec.rows) {
    for (let i = 0; i < r.n; i++) {
      const t = new Date(today + r.day * DAY + r.hour * 3_600_000 + Math.floor((i * 3_600_000) / Math.max(1, r.n)));
      const iso = t.toISOString();
      const id = `0Ev${String(++seq).padStart(15, '0')}`;
      if (spec.object) {
        events.push({ Id: id, Timestamp: iso.replace('Z', '+0000'), EventIdentifier: id, ApiFamily: 'REST', ApiResource: '/v62.0/query', ApiVersion: 62,
          ClientIp: r.ip, ClientName: null, ConnectedAppIdentifier: r.app ?? null, HttpMethod: 'GET', IsApiLimitCounted: true, StatusCode: 200, UserIdentifier: r.user ?? null, RequestIdentifier: id });
      }
      if (spec.files) {
        const stamp = iso.replace(/[-:T]/g, '').replace('Z', '').slice(0, 18);
        const lines = csvByDay.get(r.day) ?? [];
        // Quoted like the real files; one field with a comma inside to keep the parser honest.
        lines.push(`"ApiTotalUsage","${stamp}","${id}","${orgId}","${(r.user ?? '').slice(0, 15)}","REST","/v62.0/query","${r.ip}","sfdx toolbelt, v2","${r.app ?? ''}","GET","200","1","${iso}","${r.user ?? ''}"`);
        csvByDay.set(r.day, lines);
      }
    }
  }
  const files: Rec[] = [];
  const logFiles: Record<string, string> = {};
  for (const [day, lines] of [...csvByDay].sort((a, b) => a[0] - b[0])) {
    const id = `0AT${String(900 + day + 100).padStart(4, '0')}00000Usg${String(files.length).padStart(3, '0')}`;
    const csv = [CSV_HEADER, ...lines].join('\r\n') + '\r\n';
    logFiles[id] = csv;
    files.push({ Id: id, EventType: 'ApiTotalUsage', LogDate: new Date(today + day * DAY).toISOString().replace('Z', '+0000'), CreatedDate: new Date(today + (day + 1) * DAY + 3_600_000).toISOString().replace('Z', '+0000'),
      Interval: 'Daily', Sequence: 0, LogFileLength: csv.length, LogFileFieldNames: CSV_HEADER, LogFileFieldTypes: '', ApiVersion: 62.0, LogFile: `/services/data/v62.0/sobjects/EventLogFile/${id}/LogFile` });
  }
  return { events, files, logFiles };
}
