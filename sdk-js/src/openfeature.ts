import {
  ErrorCode as OpenFeatureErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type EvaluationContext,
  type EvaluationContextValue,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/web-sdk';
import { HalyardClient } from './client.js';
import type { Context, ErrorCode, Evaluation, Reason, Value, ValueType } from './evaluation.js';
import { createClient, type DefaultClientOptions } from './index.js';

// OpenFeature has no OVERRIDE, SCHEDULED or ROLLOUT_CONDITION: each maps to the
// standard reason that means the same to an application (the Halyard reason
// stays in flagMetadata.halyardReason).
const REASONS: Record<Reason, string> = {
  TARGETING_MATCH: StandardResolutionReasons.TARGETING_MATCH,
  OVERRIDE: StandardResolutionReasons.TARGETING_MATCH,
  ROLLOUT_CONDITION: StandardResolutionReasons.TARGETING_MATCH,
  SPLIT: StandardResolutionReasons.SPLIT,
  DEFAULT: StandardResolutionReasons.DEFAULT,
  DISABLED: StandardResolutionReasons.DISABLED,
  SCHEDULED: StandardResolutionReasons.DISABLED,
  ERROR: StandardResolutionReasons.ERROR,
};

const ERROR_CODES: Record<ErrorCode, OpenFeatureErrorCode> = {
  FLAG_NOT_FOUND: OpenFeatureErrorCode.FLAG_NOT_FOUND,
  TYPE_MISMATCH: OpenFeatureErrorCode.TYPE_MISMATCH,
  PROVIDER_NOT_READY: OpenFeatureErrorCode.PROVIDER_NOT_READY,
  PARSE_ERROR: OpenFeatureErrorCode.PARSE_ERROR,
  INVALID_CONTEXT: OpenFeatureErrorCode.INVALID_CONTEXT,
  GENERAL: OpenFeatureErrorCode.GENERAL,
};

/**
 * An OpenFeature web-SDK provider backed by a Halyard client: flags are
 * evaluated locally (static-context paradigm), `setContext` on OpenFeature
 * becomes `setContext` on the client, a new datafile emits
 * PROVIDER_CONFIGURATION_CHANGED with the flags that changed, and `track`
 * goes to Halyard's events endpoint.
 *
 * ```ts
 * await OpenFeature.setProviderAndWait(new HalyardProvider({ sdkKey, baseUrl, stream: true }));
 * ```
 */
export class HalyardProvider implements Provider {
  /** OpenFeature provider metadata. */
  readonly metadata = { name: 'Halyard' } as const;
  /** This provider evaluates in the client (static context) paradigm. */
  readonly runsOn = 'client' as const;
  /** Provider events for the OpenFeature SDK. */
  readonly events = new OpenFeatureEventEmitter();
  #client: HalyardClient | undefined;
  readonly #ownsClient: boolean;
  #unsubscribe: (() => void) | undefined;
  readonly #source: HalyardClient | DefaultClientOptions;

  /**
   * Wraps an existing client (which the caller keeps owning, e.g. one made by
   * the edge entry), or creates one from `options` at `initialize` with the
   * OpenFeature context (and closes it on `onClose`).
   */
  constructor(source: HalyardClient | DefaultClientOptions) {
    this.#source = source;
    this.#ownsClient = !(source instanceof HalyardClient);
    if (source instanceof HalyardClient) this.#attach(source);
  }

  /** The underlying Halyard client (undefined before `initialize` when created from options). */
  get halyardClient(): HalyardClient | undefined {
    return this.#client;
  }

  /** Called by OpenFeature: sets the context and waits for the first datafile. */
  async initialize(context?: EvaluationContext): Promise<void> {
    const halyardContext = toHalyardContext(context ?? {});
    if (this.#client) this.#client.setContext(halyardContext);
    else this.#attach(createClient({ ...(this.#source as DefaultClientOptions), context: halyardContext }));
    await this.#client?.ready();
  }

  /** Called by OpenFeature when the static context changes; evaluation is local, so this is immediate. */
  onContextChange(_oldContext: EvaluationContext, newContext: EvaluationContext): void {
    this.#client?.setContext(toHalyardContext(newContext));
  }

  /** Resolves a boolean flag. */
  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean): ResolutionDetails<boolean> {
    return this.#resolve(flagKey, defaultValue, 'boolean');
  }

  /** Resolves a string flag. */
  resolveStringEvaluation(flagKey: string, defaultValue: string): ResolutionDetails<string> {
    return this.#resolve(flagKey, defaultValue, 'string');
  }

  /** Resolves a number flag. */
  resolveNumberEvaluation(flagKey: string, defaultValue: number): ResolutionDetails<number> {
    return this.#resolve(flagKey, defaultValue, 'number');
  }

  /** Resolves a JSON flag (Halyard type JSON). */
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T): ResolutionDetails<T> {
    return this.#resolve(flagKey, defaultValue, 'json');
  }

  /** Sends an OpenFeature tracking event as a Halyard custom event (`value` is kept). */
  track(trackingEventName: string, _context: EvaluationContext, details: TrackingEventDetails): void {
    this.#client?.track(trackingEventName, details?.value);
  }

  /** Called by OpenFeature on shutdown: closes the client if this provider created it. */
  async onClose(): Promise<void> {
    this.#unsubscribe?.();
    if (this.#ownsClient) await this.#client?.close();
  }

  #attach(client: HalyardClient): void {
    this.#client = client;
    this.#unsubscribe = client.on('change', ({ flagKeys }) => {
      this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: flagKeys });
    });
  }

  #resolve<T>(flagKey: string, defaultValue: T, valueType: ValueType): ResolutionDetails<T> {
    const evaluation = this.#client?.evaluate(flagKey, defaultValue as Value, valueType);
    return evaluation ? toResolution(evaluation, defaultValue) : notReady(defaultValue);
  }
}

/**
 * Maps an OpenFeature context to a Halyard one: `targetingKey` → `key`,
 * `appVersion` → `appVersion`, other strings, finite numbers and booleans →
 * attributes, Dates → RFC 3339 strings; objects and arrays are not attributes
 * in Halyard and are left out.
 */
export function toHalyardContext(context: EvaluationContext): Context {
  const { targetingKey, appVersion, ...rest } = context;
  const attributes: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(rest)) {
    const attribute = toAttribute(value);
    if (attribute !== undefined) attributes[name] = attribute;
  }
  const result: Context = { attributes };
  if (typeof targetingKey === 'string') result.key = targetingKey;
  if (typeof appVersion === 'string') result.appVersion = appVersion;
  return result;
}

function toAttribute(value: EvaluationContextValue): string | number | boolean | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

function toResolution<T>(evaluation: Evaluation, defaultValue: T): ResolutionDetails<T> {
  const flagMetadata: Record<string, string> = { halyardReason: evaluation.reason };
  if (evaluation.ruleId !== null) flagMetadata.ruleId = evaluation.ruleId;
  if (evaluation.reason === 'ERROR') {
    const code = evaluation.errorCode ?? 'GENERAL';
    return {
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ERROR_CODES[code] ?? OpenFeatureErrorCode.GENERAL,
      errorMessage: `${code} evaluating flag "${evaluation.flagKey}"`,
      flagMetadata,
    };
  }
  return { value: evaluation.value as T, variant: evaluation.variation ?? undefined, reason: REASONS[evaluation.reason], flagMetadata };
}

function notReady<T>(defaultValue: T): ResolutionDetails<T> {
  return {
    value: defaultValue,
    reason: StandardResolutionReasons.ERROR,
    errorCode: OpenFeatureErrorCode.PROVIDER_NOT_READY,
    errorMessage: 'the Halyard provider is not initialized',
  };
}
