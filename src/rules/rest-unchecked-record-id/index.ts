import { surfaceRule } from '../../core/surface/rule';

export default surfaceRule('rest-unchecked-record-id', 'warning',
  'Apex REST resource with a wildcard urlMapping that reads or writes the record id from the URI without sharing or an ownership check');
