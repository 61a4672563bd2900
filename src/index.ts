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
export type * from './core/gate.js';
export type * from './core/finding-record.js';
export { checkGate, gateSummary } from './gate/check-gate.js';
export type { CheckGateInput, GateStore, GateSummary } from './gate/check-gate.js';
export {
  writeStatusFile,
  toStatusFile,
  readStatusFile,
  selectFromStatus,
  STATUS_SCHEMA_VERSION,
} from './gate/status-file.js';
export type { StatusFile } from './gate/status-file.js';
export { processFindings } from './pipeline/process-findings.js';
export type { ProcessFindingsInput, ProcessResult, ProcessDefaults } from './pipeline/process-findings.js';
export { acknowledgeFinding } from './findings/acknowledge.js';
export { acceptFinding } from './findings/accept.js';
export type { AcceptInput } from './findings/accept.js';
export { decisionsFor } from './store/decisions-repo.js';
export { DECISION_KINDS } from './core/decision.js';
export type { Decision, DecisionKind } from './core/decision.js';
export { lifecycleOf } from './core/finding-lifecycle.js';
export type { FindingLifecycle, FindingResolution } from './core/finding-lifecycle.js';
export { overrideFeature } from './gate/override.js';
export { createAlertRelay, createMailRelay } from './alerts/setup.js';
export type { AlertRelaySetup } from './alerts/setup.js';
export { signatureHeader, verifySignature, WEBHOOK_SCHEMA } from './alerts/webhook-body.js';
export type { WebhookBody } from './alerts/webhook-body.js';
export type { ChannelFinding } from './alerts/channel-message.js';
export type { Relay, RelayRound } from './alerts/relay.js';
export { storeNoticeReviser } from './pipeline/notice-state.js';
export type { NoticeReviser } from './alerts/revise.js';
export { findingTitle } from './findings/title.js';
export { runCi } from './ci/run-ci.js';
export type { RunCiOptions } from './ci/run-ci.js';
export type { CiResult, CiCheck, CiHealthSummary, FailOn } from './ci/result.js';
export type { CiIssue } from './ci/issue.js';
export { formatResult, CI_FORMATS } from './ci/format/index.js';
export type { CiFormat } from './ci/format/index.js';
export { diffSpecs, specChangeFingerprint } from './deprecation/openapi/diff-specs.js';
export type {
  SpecChange,
  SpecDiffOptions,
  SpecDiffResult,
  SpecSummary,
} from './deprecation/openapi/diff-specs.js';
export { loadSpecFile, parseSpecText } from './deprecation/openapi/load-spec.js';
export type { SpecDocument, LoadSpecOptions } from './deprecation/openapi/load-spec.js';
export { SPEC_RULES } from './deprecation/openapi/spec-rules.js';
export type { SpecRuleId } from './deprecation/openapi/spec-rules.js';
export { readLifecycleHeaders } from './deprecation/headers/lifecycle-headers.js';
export type { LifecycleHeaders } from './deprecation/headers/lifecycle-headers.js';
export {
  knownDeprecation,
  graphVersionInfo,
  graphVersionEol,
  latestGraphVersion,
} from './knowledge/lookup.js';
export type { KnownDeprecation, GraphVersionInfo, VersionEol } from './knowledge/lookup.js';
export { KNOWLEDGE_VERSION } from './knowledge/meta-graph-data.js';
export { startGraphSimulator } from './sim/graph-simulator.js';
export type { GraphSimulatorOptions, SimulatorHandle, SimRequestLog } from './sim/graph-simulator.js';
export type { Scenario, ScenarioEvent, ExpectedEvent, QuietEvent, SimMetric } from './sim/scenario.js';
export { pollInstant, scenarioDay, pageIds } from './sim/scenario.js';
export { SCENARIOS, DEFAULT_SCENARIO, scenarioByName } from './sim/scenarios/index.js';
export { simContractFiles, simContractEnv, writeSimContracts, SIM_URL_PLACEHOLDER } from './sim/contracts.js';
export { openStore } from './store/store.js';
export type { Store, StoreHealth, OpenStoreOptions, RecordPollInput } from './store/store.js';
export type { FindingsRepo, FindingsFilter, FindingsStore } from './core/findings-repo.js';
export { principalPauses } from './store/pauses.js';
export type { PauseBook, PrincipalPause } from './store/pauses.js';
export { sourceStatuses } from './store/source-status.js';
export type { SourceStatus } from './store/source-status.js';
export { createHttpClient } from './providers/http.js';
export type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from './providers/http.js';
export type { Provider, ProviderContext, FetchProgress } from './providers/provider.js';
export { PROVIDERS_BY_NAME } from './providers/registry.js';
export { pollSource, outcomeOf } from './pipeline/poll-source.js';
export type { PollDeps } from './pipeline/poll-source.js';
export { runCycle } from './pipeline/cycle.js';
export type { CycleDeps, CycleResult } from './pipeline/cycle.js';
export { createWatcher } from './watcher.js';
export type { Watcher, WatcherSettings } from './watcher.js';
export { secretValues } from './contracts/secret-values.js';
export { fetchDocs } from './docs/fetch-docs.js';
export type { DocFetchResult, DocFailure } from './docs/fetch-docs.js';
export { createScheduler, memorySlotBook } from './scheduler/scheduler.js';
export type {
  CatchUpDecision,
  Scheduler,
  SchedulerOptions,
  SlotBook,
  SlotRun,
  StopResult,
} from './scheduler/scheduler.js';
export { pollSlots } from './store/poll-slots.js';
export { runDetectors } from './detectors/run.js';
export type { RunDetectorsInput } from './detectors/run.js';
export { allDetectors, detectorById } from './detectors/registry.js';
export { detectSource } from './pipeline/detect.js';
export { recordRegime, currentRegimes, regimeHistory } from './store/regimes.js';
export type { Regime } from './store/regimes.js';
export { readHistoryFile } from './backtest/history-file.js';
export type { HistoryRow } from './backtest/history-file.js';
export { HistorySet } from './backtest/history-set.js';
export { inferKind, replayFindings, replayHistory } from './backtest/replay.js';
export type { BacktestFinding, ReplayOptions, ReplayResult } from './backtest/replay.js';
export { runDemo } from './demo/run-demo.js';
export type {
  DemoDay,
  DemoEmail,
  DemoEnd,
  DemoFinding,
  DemoPoll,
  DemoResult,
  RunDemoOptions,
} from './demo/run-demo.js';
export { collectReport, DEFAULT_REPORT_DAYS } from './report/collect.js';
export type { CollectReportInput } from './report/collect.js';
export { renderReport } from './report/render.js';
export type { RenderReportOptions } from './report/render.js';
export type { ReportData, ReportFinding, ReportSource } from './report/model.js';
export { adviseWindow, NEW_REGIME_DAYS } from './advisor/advise.js';
export type { AdviseInput } from './advisor/advise.js';
export { adviseStore } from './advisor/advise-store.js';
export type { AdviseStoreInput, AdvisorStore } from './advisor/advise-store.js';
export { trainingMask, maskCsv, maskJsonl, MASK_COLUMNS } from './advisor/training-mask.js';
export type { MaskRow } from './advisor/training-mask.js';
export { parseWindow, defaultWindow } from './advisor/window.js';
export type { TrainingWindow } from './advisor/window.js';
export { formatAdvice, ADVICE_FORMATS } from './advisor/format-advice.js';
export type { AdviceFormat } from './advisor/format-advice.js';
export type * from './advisor/advice.js';
export { ingestSource, pushedFetch } from './ingest/ingest-source.js';
export type { IngestDeps, IngestResult } from './ingest/ingest-source.js';
export { checkPushedRows } from './ingest/check-rows.js';
export type { PushedRow, RowProblem } from './ingest/check-rows.js';
export { modelFeatures, selectFeatures } from './gate/select.js';
export { findModel, modelsWatching, isPolled, isDerived } from './core/contract.js';
export { ratioHistory } from './core/ratio-history.js';
