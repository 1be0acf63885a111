import type { Finding, Range } from '../types';
import type { ProjectIndex } from '../project';

/** A text replacement in an existing file (0-based range, like Finding.range). */
export interface FixEdit { path: string; range: Range; newText: string }
export interface FixCreate { path: string; content: string }
export interface FixDelete { path: string; reason: string }

/**
 * What a fix would change, as plain data: the CLI applies it with fs (src/node/applyPlan.ts), the
 * extension turns it into a WorkspaceEdit with needs-confirmation metadata. Never holds a secret.
 */
export interface FixPlan {
  title: string;
  edits: FixEdit[];
  creates: FixCreate[];
  deletes: FixDelete[];
  /** What the user still has to do (enter the secret in Setup, missing API-version features…). */
  notes: string[];
  /** The Named Credential the callouts now use (first one when the plan covers several origins). */
  namedCredential?: string;
}

export interface FixContext {
  project: ProjectIndex;
  readFile(path: string): string | undefined;
  exists(path: string): boolean;
  /** Developer name the user chose for the generated Named Credential (single-origin plans). */
  nameOverride?: string;
  /** Name of an existing permission set to edit in place instead of creating `<Name>_Callout`. */
  permissionSet?: string;
  /**
   * Every finding known in the workspace (not only the ones being fixed). Used to decide whether a
   * Remote Site Setting is still needed; without it a single-finding fix never deletes one.
   */
  findings?: Finding[];
}

export function emptyPlan(title: string): FixPlan {
  return { title, edits: [], creates: [], deletes: [], notes: [] };
}

export function isEmptyPlan(p: FixPlan): boolean {
  return !p.edits.length && !p.creates.length && !p.deletes.length;
}
