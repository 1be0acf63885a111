import { defineRule } from '../../core/rule';
import { metadataRoot, userPermissions } from '../../core/metadata/xmlRule';

/** `BypassMFAForUiLogins` granted in a permission set or profile: those users log in with a password alone. */
export default defineRule({
  meta: {
    id: 'mfa-bypass-permission',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'Permission set or profile granting "Waive Multi-Factor Authentication for Exempt Users" (BypassMFAForUiLogins)',
    kinds: ['xml'],
    metadataTypes: ['PermissionSet', 'Profile'],
    messages: {
      bypass: 'This {{kind}} grants BypassMFAForUiLogins, so its users log in to the UI with a password alone: remove it and keep the waiver only for exempt identities such as API-only integration users.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'PermissionSet', 'Profile');
    if (!root) { return; }
    for (const p of userPermissions(root)) {
      if (p.enabled && p.name === 'BypassMFAForUiLogins') {
        ctx.report({ messageId: 'bypass', data: { kind: root.local === 'Profile' ? 'profile' : 'permission set' }, range: p.nameEl.valueRange });
      }
    }
  },
});
