import {
  type AutonomyStage,
  type CalibrationMap,
  type Confidence,
  calibratedConfidence,
  numericSignals,
  type Signals,
} from "@loopgate/core";
import type { Store } from "../store/store.ts";
import type { AppDeps } from "./deps.ts";

/** `thresholds.auto` while no threshold was approved: above every confidence, i.e. never. */
export const NEVER_AUTO = Number.POSITIVE_INFINITY;

/** How long this process trusts what it read of maps and thresholds before reading them again. */
const REFRESH_MS = 2_000;

/**
 * What routing needs from the learning loop for one agent and action type, read before routing so
 * that routing itself stays a pure function of its inputs: the calibrated confidence (from the map in
 * force, or the raw number until one exists) and the `thresholds.auto` in force (never until approved).
 */
export interface Calibrator {
  /** The proposal's confidence: calibrated, raw and the id of the map used (null: none yet). */
  confidence(raw: number | null, signals: Signals): Confidence;
  /** `thresholds.auto` in force; {@link NEVER_AUTO} until an owner approved one. */
  readonly thresholdAuto: number;
  /** The autonomy stage a promotion or demotion put in force; undefined: the policy file's stage. */
  readonly stage?: AutonomyStage;
}

/** No map, no threshold: what routing uses before the learning loop knows anything. */
export const UNCALIBRATED: Calibrator = Object.freeze({
  confidence: (raw: number | null): Confidence => ({ calibrated: raw, raw, calibration: null }),
  thresholdAuto: NEVER_AUTO,
});

const pairKey = (agentId: string, actionType: string) => `${agentId}\u0000${actionType}`;

/**
 * This process's copy of the calibration maps and thresholds in force, read from the store (both
 * tables are one row per agent and action type) and read again when older than two seconds, so a map
 * fitted or a threshold approved on another replica reaches this one within that time. Writers in this
 * process call {@link CalibrationCache.invalidate} so their own change is seen at once.
 */
export class CalibrationCache {
  #maps = new Map<string, CalibrationMap>();
  #thresholds = new Map<string, number>();
  #stages = new Map<string, AutonomyStage>();
  #readAt = Number.NEGATIVE_INFINITY;
  #reading: Promise<void> | null = null;

  constructor(private readonly store: Store) {}

  /** The calibrator of an agent and action type, from a copy at most two seconds old. */
  async calibrator(agentId: string, actionType: string): Promise<Calibrator> {
    if (performance.now() - this.#readAt > REFRESH_MS) await this.#refresh();
    const key = pairKey(agentId, actionType);
    const map = this.#maps.get(key);
    const thresholdAuto = this.#thresholds.get(key) ?? NEVER_AUTO;
    const stage = this.#stages.get(key);
    if (map === undefined) {
      if (stage === undefined && thresholdAuto === NEVER_AUTO) return UNCALIBRATED;
      // Written out: `{ ...UNCALIBRATED, stage }` (a spread then a new property) takes V8 ~1 µs.
      const { confidence } = UNCALIBRATED;
      return stage === undefined ? { confidence, thresholdAuto } : { confidence, thresholdAuto, stage };
    }
    return {
      thresholdAuto,
      ...(stage === undefined ? {} : { stage }),
      confidence(raw, signals) {
        if (raw === null) return { calibrated: null, raw, calibration: null };
        const calibrated = calibratedConfidence(map, {
          agentConfidence: raw,
          signals: numericSignals(signals),
        });
        return { calibrated, raw, calibration: map.id };
      },
    };
  }

  /** Forgets the copy; the next calibrator reads the store again. */
  invalidate(): void {
    this.#readAt = Number.NEGATIVE_INFINITY;
  }

  #refresh(): Promise<void> {
    this.#reading ??= (async () => {
      const started = performance.now();
      const [maps, thresholds, stages] = await Promise.all([
        this.store.calibrationMaps(),
        this.store.thresholdsInForce(),
        this.store.autonomyStages(),
      ]);
      this.#stages = new Map(stages.map((row) => [pairKey(row.agentId, row.actionType), row.stage]));
      this.#maps = new Map(maps.map((row) => [pairKey(row.agentId, row.actionType), row.map]));
      this.#thresholds = new Map(thresholds.map((row) => [pairKey(row.agentId, row.actionType), row.auto]));
      this.#readAt = started;
    })().finally(() => {
      this.#reading = null;
    });
    return this.#reading;
  }
}

const caches = new WeakMap<Store, CalibrationCache>();

/** The calibration cache of the deps' store (one per store, so every use case shares it). */
export function calibrationCache(deps: Pick<AppDeps, "store">): CalibrationCache {
  let cache = caches.get(deps.store);
  if (cache === undefined) {
    cache = new CalibrationCache(deps.store);
    caches.set(deps.store, cache);
  }
  return cache;
}

/** The calibrator a new proposal (or revision) of this agent and action type is routed with. */
export function calibratorFor(deps: Pick<AppDeps, "store">, agentId: string, actionType: string) {
  return calibrationCache(deps).calibrator(agentId, actionType);
}
