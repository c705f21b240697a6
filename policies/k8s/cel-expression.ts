import { celEnv, isCelError, parse, plan, type CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/**
 * Kubernetes admission CEL includes the `strings` extension library (`join`, `lowerAscii`,
 * `split`...); the other Kubernetes libraries (`quantity()`, `url()`, `isSorted()`, `authorizer`)
 * are not available here, so rules must not use them (see policies/README.md).
 */
const ENVIRONMENT = celEnv({ funcs: strings });

export type CelBindings = Readonly<Record<string, unknown>>;
export type CelOutcome = { readonly ok: true; readonly value: CelValue } | { readonly ok: false; readonly error: string };

type Program = (bindings: CelBindings) => CelOutcome;

const compiled = new Map<string, Program>();

/** Compiles once per distinct expression: the same rule runs against every object of every environment. */
export function evaluateCel(expression: string, bindings: CelBindings): CelOutcome {
  let program = compiled.get(expression);
  if (program === undefined) {
    program = compile(expression);
    compiled.set(expression, program);
  }
  return program(bindings);
}

function compile(expression: string): Program {
  let run: ReturnType<typeof plan>;
  try {
    run = plan(ENVIRONMENT, parse(expression));
  } catch (error) {
    const reason = (error as Error).message;
    return () => ({ ok: false, error: `CEL syntax error in '${expression}': ${reason}` });
  }
  return (bindings) => {
    const value = run(bindings as never);
    return isCelError(value) ? { ok: false, error: value.message } : { ok: true, value };
  };
}

/**
 * The apiserver types integer fields as CEL `int`, but the evaluator types JavaScript numbers as
 * `double`, and `int` and `double` do not mix in arithmetic (`replicas + 1` would fail). Integral
 * numbers become bigint so expressions behave here as they do in the cluster.
 */
export function toCelData(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCelData);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toCelData(item)]));
  }
  return value;
}
