/** Where the CLI writes; tests pass a recording IO. */
export interface CliIO {
  out(s: string): void;
  err(s: string): void;
  /** stdout is a terminal (colours). */
  isTTY: boolean;
  /** stderr is a terminal (progress). Defaults to false. */
  errIsTTY?: boolean;
  cwd: string;
  env: Record<string, string | undefined>;
}

export function defaultIO(): CliIO {
  return {
    out: s => { process.stdout.write(s); },
    err: s => { process.stderr.write(s); },
    isTTY: !!process.stdout.isTTY,
    errIsTTY: !!process.stderr.isTTY,
    cwd: process.cwd(),
    env: process.env,
  };
}
