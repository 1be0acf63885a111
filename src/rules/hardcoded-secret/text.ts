import type { RuleContext } from '../../core/rule';
import { redact } from '../../core/redact';
import { isExampleFile, matchSecrets } from '../../core/secrets';
import type { MetadataType } from '../../core/metadata/types';

/** Every non-Apex text file (and Apex files too large to parse): secret patterns over the raw text. */
export const textMessages: Record<string, string> = {
  secretInFile: '{{kind}} {{redacted}} is hardcoded in this file: rotate it, then move it out of source (a Named Credential / External Credential for callouts, a CI secret or a git-ignored file for tooling).',
  secretInEnvFile: '{{kind}} {{redacted}} is in an environment file: keep this file out of version control (.gitignore and .forceignore), commit only an example with placeholders, and rotate the value if it was ever committed.',
  testSecretInFile: '{{kind}} {{redacted}} is hardcoded in this file: even test-mode keys expose test data and are easy to swap for live ones; load it from the environment or a CI secret.',
  privateKeyFile: 'Private key {{redacted}} is committed in {{file}}: revoke it and generate a new key pair, keep the key in a CI secret (JWT bearer flow: upload only the certificate to the connected app), and add the file to .gitignore and .forceignore.',
};

/** Example, sample and template env files are meant to be committed; real values in them still leak. */
function baseName(path: string): string { return path.replace(/\\/g, '/').replace(/^.*\//, ''); }

/** Fields `metadata-secret` reports in its metadata types, whatever their value looks like. */
const METADATA_SECRET_FIELDS: Partial<Record<MetadataType, RegExp>> = {
  ConnectedApp: /<consumerSecret>\s*$/,
  AuthProvider: /<consumerSecret>\s*$/,
  ExtlClntAppGlobalOauthSettings: /<consumerSecret>\s*$/,
  NamedCredential: /<(?:password|awsAccessSecret|oauthToken|oauthRefreshToken)>\s*$/,
  ExternalCredential: /<parameterValue>\s*$/,
};

export function checkText(ctx: RuleContext): void {
  const { file } = ctx;
  const text = file.text;
  const ownedByMetadataSecret = file.metadataType ? METADATA_SECRET_FIELDS[file.metadataType] : undefined;
  for (const m of matchSecrets(text)) {
    // One problem, one report: metadata-secret already names the field and says what to do.
    if (ownedByMetadataSecret?.test(text.slice(Math.max(0, m.start - 80), m.start))) { continue; }
    const secret = text.slice(m.start, m.end);
    const data = { kind: capitalise(m.description), redacted: redact(secret), file: baseName(file.path) };
    let messageId = 'secretInFile';
    if (m.patternId === 'private-key' && file.kind === 'pem') { messageId = 'privateKeyFile'; }
    else if (m.confidence === 'low') { messageId = 'testSecretInFile'; }
    else if (file.kind === 'env' && !isExampleFile(file.path)) { messageId = 'secretInEnvFile'; }
    ctx.report({
      messageId, data, range: file.lines.rangeOf(m.start, m.end), hints: { secretType: m.patternId },
      // Test-mode keys are a warning unless the user set the rule's level.
      ...(m.confidence === 'low' ? { severity: 'warning' as const } : {}),
    });
  }
}

function capitalise(s: string): string { return s.charAt(0).toUpperCase() + s.slice(1); }
