/**
 * Test support for the API surface rules: lints Apex with every rule (so one-finding-per-problem
 * interplay is real) and a project whose access facts come from profile / permission set texts.
 */
import type { Engine } from '../engine';
import { emptyProject, type ProjectIndex } from '../project';
import { buildAccess } from './access';
import { underlined } from '../testkit';
import type { Finding } from '../types';

/** A project whose access facts are built from `accessFiles` (path → XML text). */
export function projectWith(accessFiles: Record<string, string> = {}): ProjectIndex {
  const p = emptyProject('/p');
  p.access = buildAccess(Object.entries(accessFiles).map(([path, text]) => ({ path: `/p/${path}`, text })));
  return p;
}

export function lintRule(engine: Engine, ruleId: string, src: string, project: ProjectIndex = projectWith(), file = 'force-app/main/default/classes/Sample.cls'): { shown: string[]; findings: Finding[] } {
  const r = engine.lint(`/p/${file}`, src, { project });
  const findings = r.findings.filter(f => f.ruleId === ruleId);
  return { shown: underlined(src, findings), findings };
}

export const profileXml = (classes: Record<string, boolean>, license = 'Salesforce') => `<?xml version="1.0" encoding="UTF-8"?>
<Profile xmlns="http://soap.sforce.com/2006/04/metadata">
${Object.entries(classes).map(([c, on]) => `    <classAccesses>\n        <apexClass>${c}</apexClass>\n        <enabled>${on}</enabled>\n    </classAccesses>`).join('\n')}
    <custom>false</custom>
    <userLicense>${license}</userLicense>
</Profile>
`;

export const permissionSetXml = (classes: string[], label = 'Integration') => `<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
${classes.map(c => `    <classAccesses>\n        <apexClass>${c}</apexClass>\n        <enabled>true</enabled>\n    </classAccesses>`).join('\n')}
    <hasActivationRequired>false</hasActivationRequired>
    <label>${label}</label>
</PermissionSet>
`;
