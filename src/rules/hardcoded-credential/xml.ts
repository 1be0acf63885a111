import type { RuleContext } from '../../core/rule';
import { redact } from '../../core/redact';
import { isCredentialName } from '../../core/secrets/names';
import { isPlaceholder } from '../../core/secrets/placeholder';
import { childNamed, childrenNamed, childValue, isNil, type XmlElement } from '../../core/xml/document';
import { fitsName, isLiteralCredential } from './text';

/** Metadata XML: CustomMetadata `values` whose field is credential-named, custom labels, settings data. */
export const xmlMessages: Record<string, string> = {
  customMetadataCredential: 'Custom metadata field \'{{field}}\' holds a credential in source ({{value}}): anyone who can read the type or the repository sees it; move it to a Named Credential / External Credential and rotate it.',
  customLabelCredential: 'Custom label \'{{name}}\' holds a credential in source ({{value}}): labels are readable by every user; move it to a Named Credential / External Credential and rotate it.',
  fieldDefaultCredential: 'Field \'{{field}}\' has a credential as its default value ({{value}}): every new record or custom setting gets it; remove the default, store the secret in a Named Credential / External Credential and rotate it.',
};

/**
 * Whether a field or label API name names a credential. The custom suffix and a namespace prefix are
 * removed first (`Password__c`, `acme__Api_Key__c` → `Password`, `Api_Key`), so the name heuristic
 * sees only the words.
 */
function isCredentialApiName(name: string): boolean {
  const base = name.replace(/__(?:c|mdt|r|s)$/i, '').replace(/^[A-Za-z][A-Za-z0-9]*__(?=[A-Za-z])/, '');
  // `Named_Credential__c` / `External_Credential__c` hold the *name* of a Salesforce credential, not a secret.
  if (/(?:^|[^a-z])(?:named|external)[_\s-]*credentials?$/i.test(base)) { return false; }
  return isCredentialName(base);
}

/** xsi:type values that cannot hold a credential (numbers, dates, booleans). */
const NON_STRING_TYPE = /:(?:boolean|double|int|integer|long|decimal|date|dateTime|time)$/;

/**
 * Reads only the XML types that carry data values: CustomMetadata records, CustomLabels, and field
 * defaults (a CustomField file only when its own name is credential-named, a Metadata API CustomObject
 * only when it has a `<defaultValue>`), so the thousands of other XML files in a project are never parsed.
 */
export function checkXml(ctx: RuleContext): void {
  const type = ctx.file.metadataType;
  if (type === 'CustomMetadata') { checkCustomMetadata(ctx); }
  else if (type === 'CustomLabels') { checkLabels(ctx); }
  else if (type === 'CustomField') {
    if (isCredentialApiName(fieldNameFromPath(ctx.file.path))) { checkFieldDefaults(ctx, 'CustomField'); }
  } else if (type === 'CustomObject') {
    if (ctx.file.text.includes('<defaultValue>')) { checkFieldDefaults(ctx, 'CustomObject'); }
  }
}

/**
 * A value that could be a credential under `name`: not a placeholder, not prose (labels and
 * descriptions have spaces), and, as for any other literal (text.ts), not a name (a label created
 * with its own name as the value, to be set in the org) nor a bare word under a token/secret name.
 */
function credentialValue(el: XmlElement | undefined, name: string): string | undefined {
  if (!el || isNil(el) || el.children.length) { return undefined; }
  const xsiType = Object.entries(el.attributes).find(([k]) => k === 'type' || k.endsWith(':type'))?.[1];
  if (xsiType && NON_STRING_TYPE.test(xsiType)) { return undefined; }
  const v = el.text.trim();
  if (v.length < 6 || isPlaceholder(v)) { return undefined; }
  // "Bearer abc…" / "Basic abc…" are credentials; other values with white space are sentences.
  const core = v.replace(/^(?:Bearer|Basic|Token)\s+/i, '');
  if (/\s/.test(core)) { return undefined; }
  if (/^(?:true|false|null)$/i.test(core) || /^https?:\/\/[^@]*$/i.test(core)) { return undefined; }
  if (core === v && (!isLiteralCredential(v) || !fitsName(name, v))) { return undefined; }
  return v;
}

function checkCustomMetadata(ctx: RuleContext): void {
  const root = ctx.file.xml()?.root;
  if (root?.local !== 'CustomMetadata') { return; }
  for (const values of childrenNamed(root, 'values')) {
    const field = childValue(values, 'field');
    if (!field || !isCredentialApiName(field)) { continue; }
    const el = childNamed(values, 'value');
    const v = credentialValue(el, field);
    if (el && v) { ctx.report({ messageId: 'customMetadataCredential', data: { field, value: redact(v) }, range: el.valueRange }); }
  }
}

function checkLabels(ctx: RuleContext): void {
  const root = ctx.file.xml()?.root;
  if (root?.local !== 'CustomLabels') { return; }
  for (const label of childrenNamed(root, 'labels')) {
    const name = childValue(label, 'fullName');
    if (!name || !isCredentialApiName(name)) { continue; }
    const el = childNamed(label, 'value');
    const v = credentialValue(el, name);
    if (el && v) { ctx.report({ messageId: 'customLabelCredential', data: { name, value: redact(v) }, range: el.valueRange }); }
  }
}

function checkFieldDefaults(ctx: RuleContext, type: 'CustomField' | 'CustomObject'): void {
  const root = ctx.file.xml()?.root;
  if (root?.local !== type) { return; }
  const fields = type === 'CustomField' ? [root] : childrenNamed(root, 'fields');
  for (const f of fields) {
    const name = childValue(f, 'fullName') ?? (type === 'CustomField' ? fieldNameFromPath(ctx.file.path) : undefined);
    if (!name || !isCredentialApiName(name.slice(name.lastIndexOf('.') + 1))) { continue; }
    const el = childNamed(f, 'defaultValue');
    if (!el) { continue; }
    // A default is a formula: only a quoted string literal is a stored value.
    const m = /^\s*(["'])(.*)\1\s*$/.exec(el.text);
    if (!m) { continue; }
    const v = m[2];
    if (v.length < 6 || /\s/.test(v) || isPlaceholder(v)) { continue; }
    ctx.report({ messageId: 'fieldDefaultCredential', data: { field: name, value: redact(v) }, range: el.valueRange });
  }
}

/** `objects/Acme__c/fields/Api_Key__c.field-meta.xml` → `Api_Key__c`. */
function fieldNameFromPath(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  return base.replace(/-meta\.xml$/, '').replace(/\.field$/, '');
}
