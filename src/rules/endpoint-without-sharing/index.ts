import { surfaceRule } from '../../core/surface/rule';

export default surfaceRule('endpoint-without-sharing', 'warning',
  'Apex REST, SOAP, @AuraEnabled, invocable or remote action entry point that reads or writes records without sharing in system mode');
