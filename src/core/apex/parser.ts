import { Language, Parser, type Range as TsRange, type Tree } from 'web-tree-sitter';

/** Where the two WebAssembly files live: web-tree-sitter's runtime and the compiled Apex grammar. */
export interface ApexParserAssets { runtimeWasm: string; grammarWasm: string }

let ready: Promise<Parser> | undefined;

/**
 * Loads the runtime and the Apex grammar once per process. Later calls return the same parser;
 * `parseApex` is synchronous once this has resolved.
 */
export function initApexParser(assets: ApexParserAssets): Promise<Parser> {
  ready ??= (async () => {
    await Parser.init({ locateFile: () => assets.runtimeWasm });
    const language = await Language.load(assets.grammarWasm);
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  ready.catch(() => { ready = undefined; });
  return ready;
}

let parserInstance: Parser | undefined;
export function setReadyParser(p: Parser): void { parserInstance = p; }

/**
 * Parses Apex text. Never throws for bad input: tree-sitter always returns a tree, with ERROR and
 * MISSING nodes where the text does not parse. Throws only if `initApexParser` has not completed.
 */
export function parseApex(text: string, previous?: Tree): Tree {
  if (!parserInstance) { throw new Error('Apex parser used before initApexParser() resolved'); }
  const tree = parserInstance.parse(text, previous);
  if (!tree) { throw new Error('tree-sitter returned no tree'); }
  return tree;
}

/**
 * Like parseApex, but gives up when `performance.now()` passes `deadline` (tree-sitter's progress
 * callback): undefined then. `previous`: the edited tree of the text before (`tree.edit`), for an incremental parse. Error recovery on garbage (random bytes, binary read as text) costs
 * tens of microseconds per byte, so a per-file time budget must be able to stop the parse itself.
 */
export function parseApexWithin(text: string, deadline: number, previous?: Tree, includedRanges?: TsRange[]): Tree | undefined {
  if (!parserInstance) { throw new Error('Apex parser used before initApexParser() resolved'); }
  let checks = 0;
  const tree = parserInstance.parse(text, previous ?? null, {
    progressCallback: () => (++checks & 15) === 0 && performance.now() > deadline,
    ...(includedRanges ? { includedRanges } : {}),
  });
  if (!tree) { parserInstance.reset(); }
  return tree ?? undefined;
}
