import { surfaceRule } from '../../core/surface/rule';

export default surfaceRule('soql-injection', 'error',
  'Request input concatenated into a dynamic SOQL or SOSL query (not bound, not escaped)');
