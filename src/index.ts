// The public library API of upwatch: the same operations as the CLI, as typed functions.
export { UpwatchError, isUpwatchError } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
export { Secret } from './core/secret.js';
export type * from './core/contract.js';
export type * from './core/diagnostic.js';
export type * from './core/finding.js';
export type * from './core/observation.js';
export type * from './core/detector.js';
export { ManualClock, systemClock } from './core/clock.js';
export type { Clock } from './core/clock.js';
export { loadContracts, loadContractTexts, hasErrors } from './contracts/load.js';
export type { LoadOptions, LoadResult } from './contracts/load.js';
export { formatDiagnostic } from './core/diagnostic.js';
