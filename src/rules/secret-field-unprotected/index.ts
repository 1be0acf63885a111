import { defineRule, type RuleContext } from '../../core/rule';
import { childNamed, childrenNamed, childValue, type XmlElement } from '../../core/xml/document';
import { metadataRoot, startTagRange } from '../../core/metadata/xmlRule';
import { objectFact, objectNameOf } from '../../core/metadata/facts';
import type { ObjectFact } from '../../core/project';
import { isCredentialName } from '../../core/secrets';

/** Field types that store text as entered (EncryptedText is masked and encrypted at rest). */
const TEXT_TYPES = /^(Text|TextArea|LongTextArea|Html|Url)$/;

/**
 * A field whose name says it holds a credential (key, secret, token, password…) where the value is
 * not protected at rest: on a PUBLIC custom setting or custom metadata type (any user and any code in
 * the org can read it), or a plain Text field of an ordinary object (not EncryptedText, no Shield
 * `<encryptionScheme>`). The object's visibility comes from the project index (source format) or the
 * same file (Metadata API `.object`); a field whose object definition is not in the project is not judged.
 */
export default defineRule({
  meta: {
    id: 'secret-field-unprotected',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'Credential-named field on a public custom setting or custom metadata type, or in plain text on an object',
    kinds: ['xml'],
    metadataTypes: ['CustomField', 'CustomObject'],
    messages: {
      publicSetting: 'Field \'{{field}}\' holds a credential on the public custom setting \'{{object}}\', which every user and all code in the org can read: keep the secret in a Named/External Credential, or use a protected custom setting in a managed package.',
      publicMetadata: 'Field \'{{field}}\' holds a credential on the public custom metadata type \'{{object}}\', which every user and all code in the org can read (and which deploys with its records): keep the secret in a Named/External Credential, or use a protected custom metadata type in a managed package.',
      plainText: 'Field \'{{field}}\' holds a credential as plain {{type}} on \'{{object}}\', readable in reports, exports, list views and sandbox copies: keep it in a Named/External Credential, or at least make it Encrypted Text (or encrypt it with Shield Platform Encryption).',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'CustomField', 'CustomObject');
    if (!root) { return; }
    if (root.local === 'CustomObject') {
      // Metadata API format: the object and its fields in one file. (A source-format .object-meta.xml has no fields.)
      const fields = childrenNamed(root, 'fields');
      if (!fields.length) { return; }
      const fact = objectFact(ctx.file.path, ctx.file.text);
      for (const f of fields) { checkField(ctx, f, fact); }
      return;
    }
    // Source format: objects/<Object>/fields/<Field>.field-meta.xml
    const parts = ctx.file.path.replace(/\\/g, '/').split('/');
    const at = parts.lastIndexOf('fields');
    const objectName = at > 0 ? parts[at - 1] : '';
    if (!objectName) { return; }
    const fact = ctx.project.objects?.get(objectName.toLowerCase()) ?? (objectName.includes('__') ? undefined : { name: objectName, path: '' });
    if (!fact) { return; }
    checkField(ctx, root, fact);
  },
});

function checkField(ctx: RuleContext, field: XmlElement, object: ObjectFact): void {
  const nameEl = childNamed(field, 'fullName');
  const name = childValue(field, 'fullName') ?? objectNameOf(ctx.file.path).replace(/\.field(-meta\.xml)?$/i, '');
  const fieldName = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
  if (!isCredentialName(fieldName)) { return; }
  // ns__Field__c: a managed package's field, retrieved with the org; only its vendor can change how it is stored.
  // (API names of the org's own fields never contain '__' before the suffix; namespaces may contain '_', e.g. tc9_et__.)
  if (/__c$/i.test(fieldName) && fieldName.slice(0, -3).includes('__')) { return; }
  const type = childValue(field, 'type') ?? '';
  if (childNamed(field, 'formula')) { return; } // computed, stores nothing
  const range = nameEl ? nameEl.valueRange : startTagRange(ctx.file, field);
  const objectName = object.name || '?';
  const isMetadataType = /__mdt$/i.test(objectName);
  if (isMetadataType || object.customSettingsType) {
    if (!/^public$/i.test(object.visibility ?? '') || !(TEXT_TYPES.test(type) || type === '')) { return; }
    ctx.report({ messageId: isMetadataType ? 'publicMetadata' : 'publicSetting', data: { field: fieldName, object: objectName }, range });
    return;
  }
  if (!TEXT_TYPES.test(type)) { return; }
  const scheme = childValue(field, 'encryptionScheme');
  if (scheme && !/^none$/i.test(scheme)) { return; }
  ctx.report({ messageId: 'plainText', data: { field: fieldName, object: objectName, type: type === 'Text' ? 'Text' : type },
    range: childNamed(field, 'type')?.valueRange ?? range });
}
