import * as assert from 'assert';
import { initApexParser, parseApex, setReadyParser } from '../apex/parser';
import { locateApexAssets } from '../../node/assets';
import { buildInventory, entryRows } from './inventory';
import { projectWith } from './testkit';
import type { ApexUnit } from './analyze';

/** Calls through an interface, a virtual method and Type.forName, each implementation in its own file. */
const FILES: Record<string, string> = {
  PaymentController: `public with sharing class PaymentController {
    @AuraEnabled
    public static void pay(String gatewayName, String amount) {
        PaymentGateway g = GatewayFactory.get(gatewayName);
        g.charge(amount);
    }
    @AuraEnabled
    public static void payStripe(String amount) {
        PaymentGateway g = (PaymentGateway) Type.forName('StripeGateway').newInstance();
        g.charge(amount);
    }
    @AuraEnabled
    public static void audit(String what) {
        Auditor a = new Auditor();
        a.record(what);
    }
    @AuraEnabled
    public static void direct(String amount) {
        ((PaymentGateway) Type.forName('LegacyGateway').newInstance()).charge(amount);
    }
}`,
  PaymentGateway: `public interface PaymentGateway {
    void charge(String amount);
}`,
  GatewayFactory: `public class GatewayFactory {
    public static PaymentGateway get(String name) { return (PaymentGateway) Type.forName(name).newInstance(); }
}`,
  StripeGateway: `public with sharing class StripeGateway implements PaymentGateway {
    public void charge(String amount) {
        insert new Payment__c(Amount__c = Decimal.valueOf(amount));
    }
}`,
  LegacyGateway: `public without sharing class LegacyGateway extends BaseGateway implements PaymentGateway {
    public void charge(String amount) {
        List<Account> accs = Database.query('SELECT Id FROM Account WHERE Name = \\'' + amount + '\\'');
    }
}`,
  BaseGateway: `public abstract class BaseGateway {}`,
  Auditor: `public virtual with sharing class Auditor {
    public virtual void record(String what) { insert as user new Audit__c(What__c = what); }
}`,
  StrictAuditor: `public without sharing class StrictAuditor extends Auditor {
    public override void record(String what) { insert new Case(Subject = what); }
}`,
};

function inventory(only?: string[]) {
  const units: ApexUnit[] = [{ path: '/p/classes/PaymentController.cls', root: parseApex(FILES.PaymentController).rootNode }];
  const parsed = new Map<string, ApexUnit>();
  const load = (lower: string) => {
    const name = Object.keys(FILES).find(n => n.toLowerCase() === lower);
    if (!name || name === 'PaymentController' || (only && !only.includes(name))) { return undefined; }
    if (!parsed.has(name)) { parsed.set(name, { path: `/p/classes/${name}.cls`, root: parseApex(FILES[name]).rootNode }); }
    return parsed.get(name);
  };
  // The text index of who extends or implements what (as src/node/surface.ts builds it from every class).
  const subtypes = (superLower: string) => Object.entries(FILES)
    .filter(([, text]) => new RegExp(`\\b(extends|implements)\\b[^{]*\\b${superLower}\\b`, 'i').test(text.split('{')[0]))
    .map(([n]) => n.toLowerCase());
  return entryRows(buildInventory(units, projectWith().access!, [], load, subtypes));
}

describe('surface: calls through interfaces, virtual methods and Type.forName are followed', () => {
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); });

  it('an interface call reaches every project implementation (the union of their effects)', () => {
    const pay = inventory().find(r => r.entry.methodName === 'pay')!;
    assert.deepStrictEqual(pay.entry.reaches, ['GatewayFactory.get', 'LegacyGateway.charge', 'StripeGateway.charge']);
    assert.deepStrictEqual(pay.entry.ops.map(o => `${o.kind}:${o.what.join()}:${o.sharing}:${o.where}`).sort(),
      ['dml:Payment__c:with:StripeGateway.charge', 'dynamic-soql:Account:without:LegacyGateway.charge']);
    // The request input reaches the dynamic query through the interface call.
    assert.deepStrictEqual(pay.risks.map(r => r.id), ['endpoint-without-sharing', 'soql-injection']);
    assert.strictEqual(pay.entry.taint[0].input, 'amount');
  });

  it('Type.forName with a literal name reaches that class only', () => {
    const rows = inventory();
    const stripe = rows.find(r => r.entry.methodName === 'payStripe')!;
    assert.deepStrictEqual(stripe.entry.reaches, ['StripeGateway.charge']);
    const direct = rows.find(r => r.entry.methodName === 'direct')!;
    assert.deepStrictEqual(direct.entry.reaches, ['LegacyGateway.charge']);
    assert.ok(direct.risks.some(r => r.id === 'soql-injection'));
  });

  it('a virtual method call reaches the method and every override', () => {
    const audit = inventory().find(r => r.entry.methodName === 'audit')!;
    assert.deepStrictEqual(audit.entry.reaches, ['Auditor.record', 'StrictAuditor.record']);
    assert.deepStrictEqual(audit.entry.ops.map(o => `${o.what.join()}:${o.mode}:${o.sharing}`).sort(), ['Audit__c:user:with', 'Case:system:without']);
    assert.ok(audit.risks.some(r => r.id === 'endpoint-without-sharing'));
  });

  it('without the subtype index (one file, as the scan rules see it) nothing is invented', () => {
    const pay = inventory(['PaymentGateway']).find(r => r.entry.methodName === 'pay')!;
    assert.deepStrictEqual(pay.entry.ops, []);
  });
});
