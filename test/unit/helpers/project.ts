import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliIO } from '../../../src/cli/io';
import { Engine } from '../../../src/core/engine';
import { defineRule } from '../../../src/core/rule';
import { initApexParser, setReadyParser } from '../../../src/core/apex/parser';
import { locateApexAssets } from '../../../src/node/assets';

/** Writes `files` (relative path → text or bytes) into a fresh temp folder; returns its path. */
export function tempProject(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'apiguard-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

export function removeProject(root: string): void { rmSync(root, { recursive: true, force: true }); }

export interface RecordingIO extends CliIO { stdout: string; stderr: string }

export function recordingIO(cwd: string, opts: { isTTY?: boolean; errIsTTY?: boolean; env?: Record<string, string> } = {}): RecordingIO {
  const io: RecordingIO = {
    stdout: '', stderr: '',
    out: s => { io.stdout += s; },
    err: s => { io.stderr += s; },
    isTTY: opts.isTTY ?? false,
    errIsTTY: opts.errIsTTY ?? false,
    cwd,
    env: opts.env ?? {},
  };
  return io;
}

/*
 * Small, real rules for testing the scan and report plumbing independently of the product rules:
 * each reports every regex match in the raw text.
 */
function regexRule(id: string, severity: 'error' | 'warning' | 'info', re: RegExp, kinds: Array<'apex' | 'xml' | 'env' | 'json' | 'yaml' | 'properties' | 'js' | 'pem' | 'text'>, what: string) {
  return defineRule({
    meta: { id, type: 'problem', defaultSeverity: severity, description: `Fixture rule: ${what}`, kinds, messages: { found: `Found ${what} ({{n}} chars).` } },
    check(ctx) {
      const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
      for (let m = g.exec(ctx.file.text); m; m = g.exec(ctx.file.text)) {
        ctx.report({ messageId: 'found', data: { n: m[0].length }, range: ctx.file.lines.rangeOf(m.index, m.index + m[0].length) });
      }
    },
  });
}

const ALL = ['apex', 'xml', 'env', 'json', 'yaml', 'properties', 'js', 'pem', 'text'] as const;
export const fixtureRules = [
  regexRule('aws-key', 'error', /AKIA[0-9A-Z]{16}/, [...ALL], 'an AWS access key id'),
  regexRule('plain-http', 'warning', /http:\/\/[\w.-]+/, ['apex', 'xml'], 'a plain http:// URL'),
  regexRule('debug-call', 'info', /System\.debug\(/i, ['apex'], 'a System.debug call'),
];

/** An engine with the fixture rules; the Apex parser is loaded (parse-error notes need it). */
export async function fixtureEngine(): Promise<Engine> {
  setReadyParser(await initApexParser(locateApexAssets()));
  return new Engine(fixtureRules);
}

/** A realistic Apex class with an AWS key, a plain-http endpoint and a debug call. */
export const S3_UPLOADER = `/**
 * Uploads invoices to the archive bucket.
 */
public with sharing class S3InvoiceUploader {
    private static final String ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
    private static final String REGION = 'eu-west-1';

    public static HttpResponse upload(Blob pdf, String name) {
        HttpRequest req = new HttpRequest();
        req.setMethod('PUT');
        req.setEndpoint('http://invoices-archive.s3.amazonaws.com/' + EncodingUtil.urlEncode(name, 'UTF-8'));
        req.setHeader('x-amz-meta-key-id', ACCESS_KEY_ID);
        req.setBodyAsBlob(pdf);
        System.debug('Uploading ' + name);
        return new Http().send(req);
    }
}
`;

export const CLEAN_CLASS = `public with sharing class AccountService {
    public static List<Account> recent(Integer n) {
        return [SELECT Id, Name FROM Account ORDER BY CreatedDate DESC LIMIT :n];
    }
}
`;

export const SFDX_PROJECT = JSON.stringify({
  packageDirectories: [{ path: 'force-app', default: true }],
  name: 'invoices', namespace: '', sfdcLoginUrl: 'https://login.salesforce.com', sourceApiVersion: '62.0',
}, null, 2);
