import pkg from '../../package.json';

/** The tool version written into reports (package.json `version`). */
export const VERSION: string = (pkg as { version: string }).version;
