/**
 * How Argo Rollouts v1.9.0 (the argo-rollouts chart 2.40.9's app version) judges one Prometheus
 * measurement, for tests that query a real Prometheus with a synthesized AnalysisTemplate metric:
 *
 * - `metricproviders/prometheus/prometheus.go` (processResponse): an instant vector becomes the
 *   slice of its sample values, `[]float64`, empty when the vector is; a matrix, all values of all
 *   series; anything else is an Error;
 * - `utils/evaluate/evaluate.go` (EvaluateResult): each condition is compiled and run by
 *   github.com/antonmedv/expr v1.15.5 with `result` bound to that slice; an expression error is an
 *   Error; without a failure condition a false success condition fails, and vice versa; then
 *   failure wins, neither is Inconclusive, else Successful.
 *
 * The conditions run on a faithful subset of expr v1.15.5, written here because no JavaScript
 * implementation of expr exists: number and boolean literals, `result`, the functions Argo binds
 * (`isNaN`, `isInf`, `asFloat`) and the builtin `len`, indexing (negative from the end, out of range
 * is a run-time error as in expr's runtime.Fetch), unary `! not -`, and the binary operators
 * `or || and && == != < > <= >= + - * / %` with expr's precedences (parser/operator/operator.go)
 * and short-circuit `and`/`or` (compiler.go). Anything else throws, so a condition this subset
 * cannot judge never passes silently.
 */

export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

export interface AnalysisMetricConditions {
  readonly successCondition?: string;
  readonly failureCondition?: string;
}

/** A Prometheus HTTP API `data` object of an instant query. */
export interface PrometheusData {
  readonly resultType: string;
  readonly result: unknown;
}

/** Prometheus encodes sample values as strings, with `NaN`, `+Inf` and `-Inf` spelled out. */
function sampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** The `result` Argo Rollouts evaluates conditions on, from a query's data (processResponse). */
export function argoResult(data: PrometheusData): number[] {
  if (data.resultType === 'vector') return (data.result as { value: [number, string] }[]).map((sample) => sampleValue(sample.value[1]));
  if (data.resultType === 'matrix') return (data.result as { values: [number, string][] }[]).flatMap((series) => series.values.map(([, value]) => sampleValue(value)));
  throw new Error(`Argo Rollouts' Prometheus provider reports an Error for a ${data.resultType} result`);
}

/** A run-time or compile-time error of expr, which Argo Rollouts reports as an Error measurement. */
export class ExprError extends Error {}

type Value = number | boolean | readonly number[] | ((...args: Value[]) => Value);

interface Token {
  readonly kind: 'number' | 'name' | 'operator' | 'end';
  readonly text: string;
  readonly isInteger?: boolean;
}

const OPERATORS = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', '[', ']', ','];
const WORD_OPERATORS = new Set(['or', 'and', 'not']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const number = /^(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?/.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', text: number[0], isInteger: !/[.eE]/.test(number[0]) });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_]\w*/.exec(rest);
    if (name) {
      tokens.push({ kind: WORD_OPERATORS.has(name[0]) ? 'operator' : 'name', text: name[0] });
      i += name[0].length;
      continue;
    }
    const operator = OPERATORS.find((op) => rest.startsWith(op));
    if (operator === undefined) throw new ExprError(`unexpected character ${JSON.stringify(rest[0])} in ${source} (not in the expr subset modelled)`);
    tokens.push({ kind: 'operator', text: operator });
    i += operator.length;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

/** Binary precedences of expr v1.15.5 (parser/operator/operator.go); all left-associative. */
const BINARY: Readonly<Record<string, number>> = { or: 10, '||': 10, and: 15, '&&': 15, '==': 20, '!=': 20, '<': 20, '>': 20, '<=': 20, '>=': 20, '+': 30, '-': 30, '*': 60, '/': 60, '%': 60 };
const UNARY: Readonly<Record<string, number>> = { not: 50, '!': 50, '-': 90 };

type Node = (env: Readonly<Record<string, Value>>) => Value;

function asNumber(value: Value, what: string): number {
  if (typeof value !== 'number') throw new ExprError(`${what}: expected a number, got ${typeof value}`);
  return value;
}
function asBoolean(value: Value, what: string): boolean {
  if (typeof value !== 'boolean') throw new ExprError(`${what}: expected a bool, got ${typeof value}`);
  return value;
}

function binary(operator: string, left: Node, right: Node): Node {
  switch (operator) {
    case 'or':
    case '||':
      return (env) => asBoolean(left(env), operator) || asBoolean(right(env), operator);
    case 'and':
    case '&&':
      return (env) => asBoolean(left(env), operator) && asBoolean(right(env), operator);
    case '==':
      return (env) => left(env) === right(env);
    case '!=':
      return (env) => left(env) !== right(env);
    default: {
      const apply: Record<string, (a: number, b: number) => Value> = {
        '<': (a, b) => a < b,
        '>': (a, b) => a > b,
        '<=': (a, b) => a <= b,
        '>=': (a, b) => a >= b,
        '+': (a, b) => a + b,
        '-': (a, b) => a - b,
        '*': (a, b) => a * b,
        '/': (a, b) => a / b,
        '%': (a, b) => {
          if (!Number.isInteger(a) || !Number.isInteger(b)) throw new ExprError('% is defined on integers only');
          if (b === 0) throw new ExprError('integer divide by zero');
          return a % b;
        },
      };
      const f = apply[operator]!;
      return (env) => f(asNumber(left(env), operator), asNumber(right(env), operator));
    }
  }
}

/** A Pratt parser over expr's grammar subset; returns the compiled expression. */
function compile(source: string): Node {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position]!;
  const next = () => tokens[position++]!;
  const expect = (text: string) => {
    const token = next();
    if (token.text !== text) throw new ExprError(`expected ${text} but found ${token.text || 'the end'} in ${source}`);
  };

  const primary = (): Node => {
    const token = next();
    if (token.kind === 'number') {
      const value = Number(token.text);
      return () => value;
    }
    if (token.kind === 'operator' && UNARY[token.text] !== undefined) {
      const operand = expression(UNARY[token.text]!);
      return token.text === '-' ? (env) => -asNumber(operand(env), '-') : (env) => !asBoolean(operand(env), token.text);
    }
    if (token.text === '(') {
      const inner = expression(0);
      expect(')');
      return postfix(inner);
    }
    if (token.kind === 'name') {
      if (token.text === 'true' || token.text === 'false') {
        const value = token.text === 'true';
        return () => value;
      }
      const name = token.text;
      const variable: Node = (env) => {
        if (!(name in env)) throw new ExprError(`unknown name ${name}`);
        return env[name]!;
      };
      return postfix(variable);
    }
    throw new ExprError(`unexpected ${token.text || 'end'} in ${source}`);
  };

  const postfix = (target: Node): Node => {
    let node = target;
    for (;;) {
      if (peek().text === '(') {
        next();
        const args: Node[] = [];
        while (peek().text !== ')') {
          args.push(expression(0));
          if (peek().text === ',') next();
          else break;
        }
        expect(')');
        const callee = node;
        node = (env) => {
          const fn = callee(env);
          if (typeof fn !== 'function') throw new ExprError('not a function');
          return fn(...args.map((arg) => arg(env)));
        };
      } else if (peek().text === '[') {
        next();
        const index = expression(0);
        expect(']');
        const array = node;
        node = (env) => {
          const values = array(env);
          if (!Array.isArray(values)) throw new ExprError('index on a value that is not a slice');
          let i = asNumber(index(env), 'index');
          if (i < 0) i += values.length;
          if (!Number.isInteger(i) || i < 0 || i >= values.length) throw new ExprError(`reflect: slice index out of range`);
          return values[i]!;
        };
      } else {
        return node;
      }
    }
  };

  const expression = (minimum: number): Node => {
    let left = primary();
    for (;;) {
      const token = peek();
      const precedence = token.kind === 'operator' ? BINARY[token.text] : undefined;
      if (precedence === undefined || precedence < minimum) return left;
      next();
      left = binary(token.text, left, expression(precedence + 1));
    }
  };

  const program = expression(0);
  if (peek().kind !== 'end') throw new ExprError(`unexpected ${peek().text} in ${source}`);
  return program;
}

/** The functions Argo Rollouts binds next to `result` (EvalCondition), and expr's builtin `len`. */
function environment(result: readonly number[]): Record<string, Value> {
  return {
    result,
    len: (value) => {
      if (!Array.isArray(value)) throw new ExprError('invalid argument for len');
      return value.length;
    },
    isNaN: (value) => Number.isNaN(asNumber(value, 'isNaN')),
    isInf: (value) => !Number.isFinite(asNumber(value, 'isInf')) && !Number.isNaN(value),
    asFloat: (value) => asNumber(value, 'asFloat'),
  };
}

/** A condition's value on `result`, as expr would compute it; throws ExprError where expr errs. */
export function evaluateCondition(condition: string, result: readonly number[]): boolean {
  const value = compile(condition)(environment(result));
  if (typeof value !== 'boolean') throw new ExprError(`expected bool, but got ${typeof value}`);
  return value;
}

/** The phase Argo Rollouts gives a measurement whose query returned `result` (EvaluateResult). */
export function measurementPhase(result: readonly number[], metric: AnalysisMetricConditions): MeasurementPhase {
  let success = false;
  let failure = false;
  try {
    if (metric.successCondition) success = evaluateCondition(metric.successCondition, result);
    if (metric.failureCondition) failure = evaluateCondition(metric.failureCondition, result);
  } catch (error) {
    if (error instanceof ExprError) return 'Error';
    throw error;
  }
  if (!metric.successCondition && !metric.failureCondition) return 'Successful';
  if (metric.successCondition && !metric.failureCondition) failure = !success;
  if (!metric.successCondition && metric.failureCondition) success = !failure;
  if (failure) return 'Failed';
  return success ? 'Successful' : 'Inconclusive';
}
