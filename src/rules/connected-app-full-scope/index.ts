import { defineRule } from '../../core/rule';
import { childBoolean, childrenNamed, valueOf } from '../../core/xml/document';
import { metadataRoot } from '../../core/metadata/xmlRule';

/**
 * The `Full` scope (everything the user can do, including future scopes), or an offline refresh
 * token (`RefreshToken`) with `Full`/`Api` on an app any user may authorise.
 */
export default defineRule({
  meta: {
    id: 'connected-app-full-scope',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'Connected app requesting the Full scope, or offline API access on an app that is not admin-approved',
    kinds: ['xml'],
    metadataTypes: ['ConnectedApp'],
    messages: {
      fullScope: 'The Full scope grants every permission of the authorising user: request only the scopes the integration needs (for example Api, or narrower ones).',
      offlineApi: 'RefreshToken with {{scope}} on an app that is not admin-approved lets any user grant it lasting API access: make the app admin-approved, or drop RefreshToken if offline access is not needed.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'ConnectedApp');
    for (const oc of childrenNamed(root, 'oauthConfig')) {
      const scopes = childrenNamed(oc, 'scopes').map(el => ({ el, v: valueOf(el) ?? '' }));
      const has = (s: string) => scopes.some(x => x.v === s);
      for (const x of scopes) {
        if (x.v === 'Full') { ctx.report({ messageId: 'fullScope', range: x.el.valueRange }); }
      }
      if (childBoolean(oc, 'isAdminApproved') === true) { continue; }
      const broad = has('Full') ? 'Full' : has('Api') ? 'Api' : undefined;
      if (!broad) { continue; }
      for (const x of scopes) {
        if (x.v === 'RefreshToken') { ctx.report({ messageId: 'offlineApi', data: { scope: broad }, range: x.el.valueRange }); }
      }
    }
  },
});
