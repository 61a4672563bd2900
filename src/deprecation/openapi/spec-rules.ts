// The spec-diff rule catalog: oasdiff rule ids (where one exists) with upwatch's consumer severity.
import type { Severity } from '../../core/contract.js';

/** Where in the description a change sits. */
export type SpecSection = 'paths' | 'lifecycle' | 'response' | 'request';

export interface SpecRule {
  level: Severity;
  section: SpecSection;
  /**
   * True when the change is about lifecycle (deprecated, sunset, removed): a `deprecation` finding, so "deprecated"
   * and later "removed" about the same operation or field are one finding that escalates. Type, nullability and
   * enum changes are `schema` findings.
   */
  lifecycle: boolean;
}

/** Every rule id the spec diff emits, with its default consumer severity. */
export const SPEC_RULES = {
  'api-path-removed-without-deprecation': { level: 'block', section: 'paths', lifecycle: true },
  'api-removed-without-deprecation': { level: 'block', section: 'paths', lifecycle: true },
  'api-path-removed-before-sunset': { level: 'block', section: 'paths', lifecycle: true },
  'api-removed-before-sunset': { level: 'block', section: 'paths', lifecycle: true },
  // a removal breaks a consumer whatever the notice
  'api-path-removed-with-deprecation': { level: 'block', section: 'paths', lifecycle: true },
  'api-removed-with-deprecation': { level: 'block', section: 'paths', lifecycle: true },
  'endpoint-deprecated': { level: 'warn', section: 'lifecycle', lifecycle: true },
  'endpoint-deprecated-with-sunset': { level: 'warn', section: 'lifecycle', lifecycle: true },
  'endpoint-reactivated': { level: 'info', section: 'lifecycle', lifecycle: true },
  'sunset-deleted': { level: 'warn', section: 'lifecycle', lifecycle: true },
  'api-sunset-date-changed-too-small': { level: 'warn', section: 'lifecycle', lifecycle: true },
  'api-stability-decreased': { level: 'warn', section: 'lifecycle', lifecycle: true },
  'response-success-status-removed': { level: 'block', section: 'response', lifecycle: true },
  'response-media-type-removed': { level: 'block', section: 'response', lifecycle: true },
  'response-property-deprecated': { level: 'warn', section: 'response', lifecycle: true },
  'response-property-deprecated-with-sunset': { level: 'warn', section: 'response', lifecycle: true },
  'response-property-reactivated': { level: 'info', section: 'response', lifecycle: true },
  'response-required-property-removed': { level: 'block', section: 'response', lifecycle: true },
  'response-optional-property-removed': { level: 'block', section: 'response', lifecycle: true },
  'response-body-type-changed': { level: 'block', section: 'response', lifecycle: false },
  'response-property-type-changed': { level: 'block', section: 'response', lifecycle: false },
  'response-body-list-of-types-widened': { level: 'block', section: 'response', lifecycle: false },
  'response-property-list-of-types-widened': { level: 'block', section: 'response', lifecycle: false },
  'response-body-became-nullable': { level: 'warn', section: 'response', lifecycle: false },
  'response-property-became-nullable': { level: 'warn', section: 'response', lifecycle: false },
  'response-property-became-optional': { level: 'warn', section: 'response', lifecycle: false },
  'response-property-enum-value-added': { level: 'warn', section: 'response', lifecycle: false },
  'response-property-stability-decreased': { level: 'warn', section: 'response', lifecycle: true },
  'request-parameter-removed': { level: 'block', section: 'request', lifecycle: true },
  'new-required-request-parameter': { level: 'block', section: 'request', lifecycle: false },
  'new-request-path-parameter': { level: 'block', section: 'request', lifecycle: false },
  'request-parameter-became-required': { level: 'block', section: 'request', lifecycle: false },
  'request-parameter-enum-value-removed': { level: 'block', section: 'request', lifecycle: false },
  'request-parameter-deprecated': { level: 'info', section: 'request', lifecycle: true },
} as const satisfies Record<string, SpecRule>;

export type SpecRuleId = keyof typeof SPEC_RULES;
