import { surfaceRule } from '../../core/surface/rule';

export default surfaceRule('aura-returns-sobject', 'warning',
  '@AuraEnabled method returning records read in system mode without stripInaccessible or user mode');
