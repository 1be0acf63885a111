import { defineRule, type Rule } from '../rule';
import type { Severity } from '../types';
import { fileSurface, risksOf, type RiskId } from './risks';
import type { ObjectFact } from '../project';

const settingsCache = new WeakMap<Map<string, ObjectFact>, string[]>();
/** The project's custom settings (lower-cased), once per object map. */
export function customSettingsOf(objects: Map<string, ObjectFact> | undefined): string[] {
  if (!objects) { return []; }
  let list = settingsCache.get(objects);
  if (!list) { settingsCache.set(objects, list = [...objects.values()].filter(o => o.customSettingsType).map(o => o.name.toLowerCase())); }
  return list;
}

/**
 * The surface rules share one analysis per file (`fileSurface`) and one decision per entry point
 * (`risksOf`); each rule reports the risk that bears its id, at the entry point's method name, with
 * the path from input or entry to the sensitive operation as related locations.
 */
export function surfaceRule(id: RiskId, defaultSeverity: Severity, description: string): Rule {
  return defineRule({
    meta: {
      id, type: 'problem', defaultSeverity, description, kinds: ['apex'],
      messages: { risk: '{{summary}}.' },
    },
    check(ctx) {
      const surface = fileSurface(ctx.file);
      if (!surface.length) { return; }
      const access = { hasAccessMetadata: ctx.project.access?.hasAccessMetadata, customSettings: customSettingsOf(ctx.project.objects) };
      for (const cls of surface) {
        for (const e of cls.entryPoints) {
          const grants = ctx.project.access?.grants[cls.name.toLowerCase()];
          for (const r of risksOf(e, grants, access)) {
            if (r.id !== id) { continue; }
            const here = r.at && r.at.path === ctx.file.path ? r.at.range : e.range;
            ctx.report({ messageId: 'risk', data: { summary: r.summary }, range: here,
              related: r.related.map(l => ({ path: l.path, range: l.range, message: l.message })) });
          }
        }
      }
    },
  });
}
