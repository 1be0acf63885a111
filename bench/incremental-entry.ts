// Entry bundled by bench/incremental.mjs: the engine and the editor worker's incremental document.
export { createEngine } from '../src/node/createEngine';
export { IncrementalApexDoc } from '../src/core/incremental';
export { loadProjectIndex } from '../src/node/scan';
export { symbolsOf, setFileSymbols } from '../src/core/symbols';
export { ApexConstantsDoc } from '../src/core/apex/constants';
export { offsetAtLine } from '../src/core/incremental';
