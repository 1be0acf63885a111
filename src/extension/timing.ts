/** Imported first by extension.ts: marks when the bundle started evaluating (activation time). */
export const loadStart = performance.now();

const threadCpuUsage = (process as unknown as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
/** This thread's CPU time (ms) where Node has `process.threadCpuUsage` (23.9+), else undefined. */
export function threadCpuMs(): number | undefined {
  if (!threadCpuUsage) { return undefined; }
  const u = threadCpuUsage.call(process);
  return (u.user + u.system) / 1000;
}
export const loadStartCpu = threadCpuMs();
