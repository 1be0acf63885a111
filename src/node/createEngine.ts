import { Engine } from '../core/engine';
import { initApexParser, setReadyParser } from '../core/apex/parser';
import { allRules } from '../rules';
import { locateApexAssets } from './assets';

let engine: Promise<Engine> | undefined;

/** The engine with every rule and the Apex parser loaded; one per process. */
export function createEngine(): Promise<Engine> {
  engine ??= initApexParser(locateApexAssets()).then(p => { setReadyParser(p); return new Engine(allRules); });
  return engine;
}
