// Prints the table of org inspection queries per check with their request cost (Markdown).
// Usage: npm run compile && node scripts/org-queries.mjs > docs/org-queries.md
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { queryTable } = require('../out/src/org/queryTable.js');
process.stdout.write(queryTable());
