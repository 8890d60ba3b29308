import type { ErrorCode as EngineErrorCode, EvaluationDetails, Value } from './engine.js';

export type { Context, Reason, Value, ValueType } from './engine.js';

/** What went wrong when the reason is ERROR: the engine's codes, plus PROVIDER_NOT_READY before the first datafile. */
export type ErrorCode = EngineErrorCode | 'PROVIDER_NOT_READY';

/** The result of one evaluation: value, variation, reason, rule and error code (null when absent). */
export type Evaluation<T = Value> = Omit<EvaluationDetails<T>, 'errorCode'> & { readonly errorCode: ErrorCode | null };
