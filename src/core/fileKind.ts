import type { FileKind } from './types';
import { isMetadataApiXml, metadataTypeOf } from './metadata/types';

/**
 * What kind of text a path holds, or undefined when the scan should not read it at all
 * (images, archives, fonts and other binaries never hold findings we can report).
 */
export function fileKindOf(path: string): FileKind | undefined {
  const p = path.replace(/\\/g, '/');
  const base = p.slice(p.lastIndexOf('/') + 1).toLowerCase();
  const dot = base.lastIndexOf('.');
  const ext = dot >= 0 ? base.slice(dot) : '';
  if (base === '.env' || base.startsWith('.env.') || ext === '.env') { return 'env'; }
  // Files that exist to hold credentials: registry and git tokens, SSH private keys.
  if (['.npmrc', '.netrc', '_netrc', '.pypirc', '.git-credentials', '.yarnrc', '.dockercfg'].includes(base)) { return 'properties'; }
  if (/^id_(rsa|dsa|ecdsa|ed25519)$/.test(base)) { return 'pem'; }
  // Metadata API format custom metadata records end in .md, like Markdown.
  if (ext === '.md' && metadataTypeOf(p) === 'CustomMetadata') { return 'xml'; }
  switch (ext) {
    case '.cls': case '.trigger': case '.apex': return 'apex';
    case '.xml': return 'xml';
    case '.json': return 'json';
    case '.yaml': case '.yml': return 'yaml';
    case '.properties': case '.ini': case '.cfg': case '.conf': return 'properties';
    case '.js': case '.mjs': case '.cjs': case '.ts': case '.jsx': case '.tsx': return 'js';
    case '.key': case '.pem': case '.p8': return 'pem';
    case '.txt': case '.md': case '.html': case '.page': case '.component': case '.cmp': case '.app':
    case '.sh': case '.bash': case '.zsh': case '.ps1': case '.cmd': case '.bat': case '.toml': case '.csv': case '.soql': case '.apexp':
      return 'text';
  }
  if (isMetadataApiXml(p)) { return 'xml'; }
  return undefined;
}
