/**
 * Org inspection entry point, bundled by esbuild into `dist/org.js` and loaded lazily by the
 * extension and the CLI on first org use. The only code that imports jsforce / @salesforce/core.
 */
export { inspectOrg, type InspectOptions } from './inspect';
export { connectWithToken, connectCliOrg, listCliOrgs, defaultCliOrg, browserLogin, validateInstanceUrl, DEFAULT_LOGIN_URL,
  type TokenAuth, type CliOrg, type BrowserLoginOptions, type BrowserLoginResult } from './connect';
export { render, renderText, renderMarkdown, renderHtml, renderJson, setupUrl, type ReportFormat } from './report';
export { scrub, scrubDeep, registerSecret, errorText } from './scrub';
export { toOrgError } from './client';
export { GROUPS, CHECKS, worstStatus } from './checks';
export { API_VERSION } from './plan';
export { calloutOrigins } from './origins';
export { usageCharts, svgChart, type ChartSpec } from './charts';
export * from './types';
export { surfaceAccess, type SurfaceAccessOptions } from './surface';
