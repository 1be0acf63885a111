/** The org view's entry for activate(): `registerOrgView(context, { setConnectedOrg })`. */
export { registerOrgView, loadOrgModule, VIEW_ID, type OrgViewApi } from './orgView';
export type { OrgNode } from './tree';
