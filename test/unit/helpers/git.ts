import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Runs git in `cwd` (a throwaway repository a test created) and returns stdout. */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `git init -b main` with a fixed identity. */
export function initRepo(root: string): void {
  gitIn(root, 'init', '-q', '-b', 'main');
  gitIn(root, 'config', 'commit.gpgsign', 'false');
}

/** Writes files (relative path → text) under root. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

/** Stages everything and commits; returns the new commit id. */
export function commitAll(root: string, message: string, date?: string): string {
  gitIn(root, 'add', '-A');
  const env = date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {};
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: root, env: { ...ENV, ...env }, stdio: 'ignore' });
  return gitIn(root, 'rev-parse', 'HEAD').trim();
}
