/**
 * `apiguard` command line. Each command lives in src/cli/commands/<name>.ts and exports
 * `run(argv: string[], io: CliIO): Promise<number>` (the exit status).
 * Exit status: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage/configuration error.
 */
import type { CliIO } from './io';
import { defaultIO } from './io';
import { keepWasmOnBaseline, parsesLittle, raiseWasmTieringBudget } from '../node/wasmTiering';

type Command = { summary: string; load: () => Promise<{ run(argv: string[], io: CliIO): Promise<number> }> };

const COMMANDS: Record<string, Command> = {
  scan: { summary: 'lint a project or files', load: () => import('./commands/scan') },
  rules: { summary: 'list the rules and their defaults', load: () => import('./commands/rules') },
  fix: { summary: 'move callouts to Named Credentials (generate metadata, rewrite Apex)', load: () => import('./commands/fix') },
  org: { summary: 'inspect the API security of a Salesforce org', load: () => import('./commands/org') },
  surface: { summary: 'list the APIs the project exposes, who may call them and their risks', load: () => import('./commands/surface') },
  history: { summary: 'find secrets in the git history (each once, with the commit that added it)', load: () => import('./commands/history') },
};

const USAGE = `Usage: apiguard <command> [options]

Commands:
${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(8)} ${c.summary}`).join('\n')}

Run "apiguard <command> --help" for a command's options.`;

/**
 * Every error text a command writes (configuration errors quote keys and values, thrown messages quote
 * servers) is masked (`maskSecrets`) and terminal-safe; the progress line keeps its own `\r ESC[K`.
 * The masking module loads on the first write to stderr only, so a clean start stays fast.
 */
function safeErr(io: CliIO): CliIO {
  let r: typeof import('../core/redact') | undefined;
  return {
    ...io,
    err: s => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      r ??= require('../core/redact') as typeof import('../core/redact');
      const progress = s.startsWith('\r\u001b[K') ? '\r\u001b[K' : '';
      io.err(progress + r.safeTerminal(r.maskSecrets(s.slice(progress.length))));
    },
  };
}

export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  io = safeErr(io);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { io.out(USAGE + '\n'); return name ? 0 : 2; }
  if (name === '--version' || name === '-v') { io.out(`${process.env.APIGUARD_VERSION ?? '0.1.0'}\n`); return 0; }
  const cmd = COMMANDS[name];
  if (!cmd) { io.err(`apiguard: unknown command "${name}"\n\n${USAGE}\n`); return 2; }
  try {
    return await (await cmd.load()).run(rest, io);
  } catch (e) {
    io.err(`apiguard ${name}: ${(e as Error).message}\n`);
    return 2;
  }
}

/**
 * Sets the exit status from a command's promise. If the event loop empties while the promise is
 * still pending (a library lost a callback, e.g. a reset connection nobody listened to), the
 * process would exit 0 with no output: that is turned into exit 2 with a message.
 */
export function exitGuard(run: Promise<number>): void {
  let settled = false;
  const onExit = () => {
    if (settled) { return; }
    settled = true;
    process.stderr.write('apiguard: the command stopped before it finished (an operation never completed); nothing was checked to the end.\n');
    process.exitCode = 2;
  };
  process.once('beforeExit', onExit);
  run.then(code => { settled = true; process.exitCode = code; }, (e: unknown) => {
    settled = true;
    safeErr(defaultIO()).err(`${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 2;
  }).finally(() => process.removeListener('beforeExit', onExit));
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (parsesLittle(argv)) { keepWasmOnBaseline(); } else { raiseWasmTieringBudget(); }
  exitGuard(main(argv));
}
