export * from './types';
export { planFix, planMigration, planInsecureEndpointFix, planLegacyMigration, FIXABLE_RULES } from './plan';
export { nameForOrigin, isValidDeveloperName, toDeveloperName, labelFor } from './naming';
export { applyEdits, applyPlanToFiles, editsByFile, unifiedDiff } from './text';
