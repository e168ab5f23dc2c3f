import { z } from "zod";
import { AutonomyStage } from "../lifecycle/statuses.ts";
import { parseDuration } from "./duration.ts";
import { PolicyDuration } from "./policy-duration.ts";

/**
 * How autonomy is earned and withdrawn (SPEC §5), as written under `defaults` or an action type:
 *
 * ```yaml
 * promotion: { minDecisions: 200, maxOverrideRate: 0.1, maxCalibrationError: 0.05 }
 * breakers: { window: 24h, minEvents: 20, demoteTo: review_all,
 *             override: 0.3, incident: 0.02, rollback: 0.05, executorFailure: 0.1 }
 * ```
 *
 * A breaker's bound is a share between 0 and 1, or `false` to turn that breaker off; `breakers: false`
 * turns them all off.
 */

const share = (example: string) =>
  z
    .number({ error: `must be a share between 0 and 1, e.g. ${example}` })
    .min(0, { error: `must be a share between 0 and 1, e.g. ${example}` })
    .max(1, { error: `must be a share between 0 and 1, e.g. ${example}` });

const bound = (example: string) =>
  z.union([share(example), z.literal(false)], {
    error: `must be a share between 0 and 1 (e.g. ${example}) or false to turn the breaker off`,
  });

/** Promotion criteria: the evidence an owner's promotion needs. */
export const PolicyPromotionDocument = z.strictObject({
  minDecisions: z
    .number()
    .int({ error: "must be a whole number of reviewed decisions, e.g. 200" })
    .min(0, { error: "must be 0 or more" })
    .optional(),
  maxOverrideRate: share("0.1").optional(),
  maxCalibrationError: share("0.05").optional(),
});
export type PolicyPromotionDocument = z.infer<typeof PolicyPromotionDocument>;

/** Circuit breakers: rates over a window that demote automatically when crossed. */
export const PolicyBreakersDocument = z.union(
  [
    z.literal(false),
    z.strictObject({
      window: PolicyDuration.optional(),
      minEvents: z
        .number()
        .int({ error: "must be a whole number, e.g. 20" })
        .min(1, { error: "must be at least 1" })
        .optional(),
      demoteTo: AutonomyStage.optional(),
      override: bound("0.3").optional(),
      incident: bound("0.02").optional(),
      rollback: bound("0.05").optional(),
      executorFailure: bound("0.1").optional(),
    }),
  ],
  { error: "must be false or an object with window, minEvents, demoteTo and bounds" },
);
export type PolicyBreakersDocument = z.infer<typeof PolicyBreakersDocument>;

/** Promotion criteria with the defaults filled in. */
export interface PromotionSettings {
  /** Reviewed decisions needed since the stage in force began. @defaultValue 200 */
  minDecisions: number;
  /** Highest override rate (edits, rejections, manual handling ÷ final decisions). @defaultValue 0.1 */
  maxOverrideRate: number;
  /** Highest held-out calibration error of the map in force, for promotions to `threshold` and above. @defaultValue 0.05 */
  maxCalibrationError: number;
}

/** Circuit breakers with the defaults filled in; a null bound is a breaker turned off. */
export interface BreakerSettings {
  /** The window the rates are measured over, ending now, in ms. @defaultValue 24h */
  windowMs: number;
  /** Opportunities (decisions, executions) a breaker needs in its window before it may trip. @defaultValue 20 */
  minEvents: number;
  /** The stage a tripped breaker demotes to. @defaultValue "review_all" */
  demoteTo: AutonomyStage;
  override: number | null;
  incident: number | null;
  rollback: number | null;
  executorFailure: number | null;
}

export const DEFAULT_PROMOTION: Readonly<PromotionSettings> = Object.freeze({
  minDecisions: 200,
  maxOverrideRate: 0.1,
  maxCalibrationError: 0.05,
});

export const DEFAULT_BREAKERS: Readonly<BreakerSettings> = Object.freeze({
  windowMs: 24 * 3_600_000,
  minEvents: 20,
  demoteTo: "review_all",
  override: 0.3,
  incident: 0.02,
  rollback: 0.05,
  executorFailure: 0.1,
});

/**
 * An action type's promotion criteria: its own fields over `defaults.promotion` over the built-in ones.
 *
 * @example
 * ```ts
 * resolvePromotion({ minDecisions: 50 }, undefined); // { minDecisions: 50, maxOverrideRate: 0.1, maxCalibrationError: 0.05 }
 * ```
 */
export function resolvePromotion(
  own: PolicyPromotionDocument | undefined,
  defaults: PolicyPromotionDocument | undefined,
): PromotionSettings {
  return { ...DEFAULT_PROMOTION, ...stripUndefined(defaults), ...stripUndefined(own) };
}

/**
 * An action type's breakers: its own over `defaults.breakers` over the built-in ones; `false` at either
 * level turns them all off (null).
 *
 * @example
 * ```ts
 * resolveBreakers({ override: 0.2, window: "90m" }, undefined)?.windowMs; // 5_400_000
 * resolveBreakers(false, undefined); // null
 * ```
 */
export function resolveBreakers(
  own: PolicyBreakersDocument | undefined,
  defaults: PolicyBreakersDocument | undefined,
): BreakerSettings | null {
  if (own === false || (own === undefined && defaults === false)) return null;
  const merged = { ...stripUndefined(defaults === false ? undefined : defaults), ...stripUndefined(own) };
  const { window, override, incident, rollback, executorFailure, ...rest } = merged;
  const off = (value: number | false | undefined, fallback: number | null) =>
    value === false ? null : (value ?? fallback);
  return {
    ...DEFAULT_BREAKERS,
    ...rest,
    windowMs: window === undefined ? DEFAULT_BREAKERS.windowMs : parseDuration(window),
    override: off(override, DEFAULT_BREAKERS.override),
    incident: off(incident, DEFAULT_BREAKERS.incident),
    rollback: off(rollback, DEFAULT_BREAKERS.rollback),
    executorFailure: off(executorFailure, DEFAULT_BREAKERS.executorFailure),
  };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
