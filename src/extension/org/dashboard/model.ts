/**
 * What the Org Dashboard shows, as plain data: built in the extension host from an inspection and
 * posted to the webview. Shared (types only) with the webview script.
 */
import type { CheckStatus, InspectionReport } from '../../../org/types';
import type { ChartSpec } from '../../../org/charts';

export interface DashboardModel {
  org: string;
  inspectedAt: string;
  healthScore?: number;
  groups: { id: string; title: string; status: CheckStatus; counts: Partial<Record<CheckStatus, number>> }[];
  usage?: { source: string; days: string[]; charts: ChartSpec[]; anomalies: { kind: string; label: string; detail: string }[]; skipped: string[] };
}

/** Sent by the webview once its charts are drawn: the numbers each uPlot chart holds (tests read them). */
export interface DashboardRendered {
  type: 'rendered';
  charts: { id: string; days: number; series: { label: string; values: number[] }[]; marks: number }[];
}

export function dashboardModel(r: InspectionReport, charts: (u: NonNullable<InspectionReport['usage']>) => ChartSpec[]): DashboardModel {
  return {
    org: r.org.alias ?? r.org.username ?? r.org.instanceUrl,
    inspectedAt: r.startedAt,
    healthScore: r.org.healthScore,
    groups: r.groups.map(g => {
      const counts: Partial<Record<CheckStatus, number>> = {};
      for (const c of g.checks) { counts[c.status] = (counts[c.status] ?? 0) + 1; }
      return { id: g.id, title: g.title, status: g.status, counts };
    }),
    usage: r.usage ? { source: r.usage.source, days: r.usage.days, charts: charts(r.usage), anomalies: r.usage.anomalies.map(a => ({ kind: a.kind, label: a.label, detail: a.detail })), skipped: r.usage.skipped } : undefined,
  };
}
