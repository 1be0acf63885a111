import { defineRule } from '../../core/rule';
import { metadataRoot, userPermissions } from '../../core/metadata/xmlRule';

/** Permissions that, with API access, hand an integration identity the whole org. */
export const PRIVILEGED = ['ModifyAllData', 'ViewAllData', 'AuthorApex', 'ManageUsers'] as const;

/** A permission set granting `ApiEnabled` together with ModifyAllData / ViewAllData / AuthorApex / ManageUsers. */
export default defineRule({
  meta: {
    id: 'privileged-api-permission',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'Permission set granting API access together with ModifyAllData, ViewAllData, AuthorApex or ManageUsers',
    kinds: ['xml'],
    metadataTypes: ['PermissionSet'],
    messages: {
      privileged: 'This permission set grants API access together with {{perms}}, so any integration user holding it has the keys to the org: split API access into a least-privilege integration permission set without {{perms}}.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'PermissionSet');
    if (!root) { return; }
    const perms = userPermissions(root).filter(p => p.enabled);
    const api = perms.find(p => p.name === 'ApiEnabled');
    if (!api) { return; }
    const granted = perms.filter(p => (PRIVILEGED as readonly string[]).includes(p.name)).map(p => p.name);
    if (!granted.length) { return; }
    ctx.report({ messageId: 'privileged', data: { perms: granted.join(', ') }, range: api.nameEl.valueRange });
  },
});
