// The registry of detectors, in stage order: the one list the pipeline, contracts validation and docs read.
import type { Detector } from '../core/detector.js';
import { DETECTOR_STAGES } from '../core/detector.js';
import { deprecationChangelog } from './deprecation-changelog.js';
import { deprecationHeaders } from './deprecation-headers.js';
import { deprecationKnown } from './deprecation-known.js';
import { deprecationOpenApi } from './deprecation-openapi.js';
import { deprecationRuntime } from './deprecation-runtime.js';
import { deprecationVersionCalendar } from './deprecation-version-calendar.js';
import { cardinalityCollapse } from './cardinality-collapse.js';
import { distributionDrift } from './distribution-drift.js';
import { freshness } from './freshness.js';
import { frozenPanel } from './frozen-panel.js';
import { frozenRun } from './frozen-run.js';
import { frozenVariance } from './frozen-variance.js';
import { invariantBroken } from './invariant-broken.js';
import { rateShift } from './rate-shift.js';
import { bandConvergence } from './band-convergence.js';
import { categoryMixShift } from './category-mix-shift.js';
import { categoryNew } from './category-new.js';
import { categoryOtherRising } from './category-other-rising.js';
import { categoryVanished } from './category-vanished.js';
import { levelShift } from './level-shift.js';
import { nullRate } from './null-rate.js';
import { panelScale } from './panel-scale.js';
import { payloadSchema } from './payload-schema.js';
import { periodStalled } from './period-stalled.js';
import { rangeViolated } from './range-violated.js';
import { representationFlip } from './representation-flip.js';
import { restatement } from './restatement.js';
import { unitScale } from './unit-scale.js';
import { volumeDrop } from './volume-drop.js';
import { seriesDrift } from './series-drift.js';

// Each detector file exports one Detector; add it to this list (npm run new:detector does it for you).
// Options differ per detector (each file is type-checked against its own O); the list holds them side by side.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const DETECTORS: Detector<any>[] = [
  deprecationHeaders,
  deprecationRuntime,
  deprecationVersionCalendar,
  deprecationChangelog,
  deprecationOpenApi,
  deprecationKnown,
  payloadSchema,
  nullRate,
  volumeDrop,
  freshness,
  frozenRun,
  unitScale,
  panelScale,
  representationFlip,
  rangeViolated,
  invariantBroken,
  levelShift,
  frozenPanel,
  frozenVariance,
  cardinalityCollapse,
  periodStalled,
  restatement,
  distributionDrift,
  seriesDrift,
  rateShift,
  bandConvergence,
  categoryNew,
  categoryVanished,
  categoryOtherRising,
  categoryMixShift,
];

/** Every registered detector, ordered by stage (schema → deprecation → volume → frozen → scale → drift). */
export function allDetectors(): readonly Detector<Record<string, unknown>>[] {
  return [...(DETECTORS as unknown as Detector<Record<string, unknown>>[])].sort(
    (a, b) => DETECTOR_STAGES.indexOf(a.stage) - DETECTOR_STAGES.indexOf(b.stage),
  );
}

/** A detector by id. */
export function detectorById(id: string): Detector<Record<string, unknown>> | undefined {
  return allDetectors().find((d) => d.id === id);
}
