/**
 * flatline's scenario DSL, the `flatline` entry point:
 *
 *   import { defineScenario } from 'flatline';
 *
 * The vitest matchers are in 'flatline/vitest', the adapter kit (your own client as a subject) in
 * 'flatline/adapter', the Toxiproxy-compatible server in 'flatline/toxiproxy'.
 */
export { defineMatrix, defineScenario, scenarioSchema } from './scenario/scenario.ts';
export type { BackoffExpectationSpec, CheckSpec, Matrix, MomentSpec, NetworkSpec, Scenario, ScenarioExport, ServerSpec, SingleScenario, FleetScenario, FleetSpec, FleetStep, Step, SubjectKinds, SubjectSpec } from './scenario/scenario.ts';
export { validateScenario } from './scenario/validate.ts';
export { runFlatline, type RunFlatlineOptions } from './scenario/run-flatline.ts';
export type { RunResult, RunStatus } from './scenario/results.ts';
export type { Verdict } from './checks/verdict.ts';
export { defineConfig, type FlatlineConfig } from './cli/config.ts';
export type { Duration } from './util/duration.ts';
export type { Guarantee } from './trace/events.ts';
export { FlatlineError, isFlatlineError, type FlatlineErrorCode } from './util/errors.ts';
