// The registry of detectors, in stage order: the one list the pipeline, contracts validation and docs read.
import type { Detector } from '../core/detector.js';
import { DETECTOR_STAGES } from '../core/detector.js';

// Each detector file exports one Detector; add it to this list (npm run new:detector does it for you).
const DETECTORS: Detector<never>[] = [];

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
