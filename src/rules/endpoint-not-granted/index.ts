import { surfaceRule } from '../../core/surface/rule';

export default surfaceRule('endpoint-not-granted', 'info',
  'Exposed Apex class that no profile, permission set or permission set group in the project grants');
