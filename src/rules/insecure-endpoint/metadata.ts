import type { RuleContext } from '../../core/rule';

/** RemoteSiteSetting url, NamedCredential endpoint / Url parameter, ConnectedApp callbackUrl, CspTrustedSite. */
export const metadataMessages: Record<string, string> = {};
export function checkMetadata(_ctx: RuleContext): void { /* written by the metadata work */ }
