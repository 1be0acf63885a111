import type { RuleContext } from '../../core/rule';

/** Apex side: credential-named variables, fields, map keys, URL-encoded and JSON bodies. */
export const apexMessages: Record<string, string> = {};
export function checkApex(_ctx: RuleContext): void { /* written by the Apex front-end work */ }
