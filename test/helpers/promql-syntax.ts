import { parser } from '@prometheus-io/lezer-promql';

type Tree = ReturnType<typeof parser.parse>;
type SyntaxNode = Tree['topNode'];

const COMPARISONS = new Set(['Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte']);

/** Parses with Prometheus's own PromQL grammar (the one its UI uses); throws on a syntax error. */
function parse(expr: string): Tree {
  const tree = parser.parse(expr);
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) throw new Error(`PromQL syntax error at offset ${node.from} in: ${expr}`);
    },
  });
  return tree;
}

function unwrapParens(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.name === 'ParenExpr' && current.firstChild !== null) current = current.firstChild;
  return current;
}

/** A side that reads no series: a number, or arithmetic on numbers. */
function isConstant(node: SyntaxNode): boolean {
  let readsSeries = false;
  node.toTree().iterate({
    enter: (child) => {
      if (child.name === 'VectorSelector' || child.name === 'FunctionCall') readsSeries = true;
    },
  });
  return !readsSeries;
}

/**
 * The quantity an alert measures: its expression without the final comparison against a
 * constant (`rate(x[5m]) / y > 0.05` gives `rate(x[5m]) / y`). Anything else, e.g.
 * `absent(...)` or a comparison of two series, comes back unchanged.
 */
export function withoutFinalThreshold(expr: string): string {
  const top = parse(expr).topNode.firstChild;
  if (top === null) return expr;
  const comparison = unwrapParens(top);
  if (comparison.name !== 'BinaryExpr') return expr;
  const children: SyntaxNode[] = [];
  for (let child = comparison.firstChild; child !== null; child = child.nextSibling) children.push(child);
  const operator = children.find((child) => COMPARISONS.has(child.name));
  const left = children[0];
  const right = children[children.length - 1];
  if (operator === undefined || left === undefined || right === undefined) return expr;
  if (isConstant(right)) return expr.slice(left.from, left.to);
  if (isConstant(left)) return expr.slice(right.from, right.to);
  return expr;
}
