import { surfaceRule } from '../../core/surface/rule';

export default surfaceRule('guest-accessible-endpoint', 'warning',
  'Exposed Apex class granted to a Sites or Experience Cloud guest user profile');
