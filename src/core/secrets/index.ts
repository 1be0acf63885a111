/**
 * Secret detection shared by the rules (hardcoded-secret, hardcoded-credential, the Apex and
 * metadata halves): known credential formats as data, credential-name and placeholder heuristics.
 * Pure functions: no IO, no `vscode`.
 */
export type { SecretPattern, SecretMatch, SecretConfidence, ValidateContext } from './types';
export { SECRET_PATTERNS, isDocumentedSample } from './patterns';
export { matchSecrets } from './match';
export { isCredentialName, mayHoldCredentialName, nameWords } from './names';
export { isPlaceholder, looksLikeSample, isExampleFile } from './placeholder';
export { shannonEntropy } from './entropy';
