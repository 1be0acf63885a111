import type { RuleContext } from '../../core/rule';

/** Metadata XML: CustomMetadata `values` whose field is credential-named, custom labels, settings data. */
export const xmlMessages: Record<string, string> = {};
export function checkXml(_ctx: RuleContext): void { /* written by the metadata work */ }
