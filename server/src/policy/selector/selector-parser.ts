/**
 * The Calico selector parser (libcalico-go/lib/selector/parser): `||` binds
 * loosest, then `&&`, then `!` (any number, collapsed), then one operation or a
 * parenthesised expression. An empty selector means all(). Errors say at which
 * character the selector broke and what was expected there.
 */
import { LIMITS, limitText } from '../../common/limits';
import { ALL, type SelectorNode, stringSet, type ValueOp } from './selector-ast';
import { type SelectorError, type Token, type TokenKind, tokenize } from './selector-tokens';

export type ParseResult =
  | { readonly ok: true; readonly node: SelectorNode }
  | { readonly ok: false; readonly error: SelectorError };

class ParseError extends Error {
  constructor(readonly error: SelectorError) {
    super(error.message);
  }
}

const VALUE_OPS: Partial<Record<TokenKind, ValueOp>> = {
  '==': 'eq',
  '!=': 'ne',
  contains: 'contains',
  'starts with': 'startsWith',
  'ends with': 'endsWith',
};

function found(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end of the selector';
    case 'label':
      return `label "${t.value}"`;
    case 'string':
      return `the string "${t.value}"`;
    case 'has()':
      return `has(${t.value})`;
    default:
      return `"${t.kind}"`;
  }
}

class Parser {
  private i = 0;
  /** Open parentheses around the current token: the parser (and every walk of the tree) recurses per level. */
  private depth = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private get peek(): Token {
    return this.tokens[this.i];
  }

  /** The current token's kind (a method, so checks do not narrow it across advances). */
  private kind(): TokenKind {
    return this.tokens[this.i].kind;
  }

  private fail(t: Token, expected: string): never {
    throw new ParseError({
      offset: t.start,
      end: t.kind === 'end' ? t.start : t.end,
      message: `expected ${expected}, found ${found(t)}`,
    });
  }

  root(): SelectorNode {
    if (this.peek.kind === 'end') return ALL;
    const node = this.or();
    if (this.kind() !== 'end')
      this.fail(
        this.peek,
        this.kind() === ')'
          ? '&&, || or the end of the selector (this ) has no matching ()'
          : '&&, || or the end of the selector',
      );
    return node;
  }

  private or(): SelectorNode {
    return this.chain('||', 'or', () => this.and());
  }

  private and(): SelectorNode {
    return this.chain('&&', 'and', () => this.operation());
  }

  /** One or more `next` separated by `op`; a single operand stands alone. */
  private chain(op: TokenKind, kind: 'and' | 'or', next: () => SelectorNode): SelectorNode {
    const operands = [next()];
    while (this.kind() === op) {
      this.i++;
      operands.push(next());
    }
    return operands.length === 1 ? operands[0] : { kind, operands };
  }

  private operation(): SelectorNode {
    let negated = false;
    while (this.peek.kind === '!') {
      negated = !negated;
      this.i++;
    }
    const node = this.positive();
    return negated ? { kind: 'not', operand: node } : node;
  }

  private positive(): SelectorNode {
    const t = this.peek;
    switch (t.kind) {
      case 'has()':
        this.i++;
        return { kind: 'has', label: t.value };
      case 'all()':
        this.i++;
        return { kind: 'all' };
      case 'global()':
        this.i++;
        return { kind: 'global' };
      case '(': {
        if (++this.depth > LIMITS.selectorDepth)
          throw new ParseError({
            offset: t.start,
            end: t.end,
            message: `the selector is nested deeper than ${limitText('selectorDepth')} parentheses here, so it is not analysed`,
            limit: true,
          });
        this.i++;
        const inner = this.or();
        if (this.peek.kind !== ')') this.fail(this.peek, `) to close the ( at character ${t.start + 1}`);
        this.i++;
        this.depth--;
        return inner;
      }
      case 'label':
        this.i++;
        return this.comparison(t.value);
      default:
        return this.fail(t, 'a label, has(…), all(), global(), ! or (');
    }
  }

  private comparison(label: string): SelectorNode {
    const op = this.peek;
    const valueOp = VALUE_OPS[op.kind];
    if (valueOp) {
      this.i++;
      const v = this.peek;
      if (v.kind !== 'string') this.fail(v, `a quoted string after ${op.kind} (values are written "value" or 'value')`);
      this.i++;
      return { kind: valueOp, label, value: v.value };
    }
    if (op.kind === 'in' || op.kind === 'not in') {
      this.i++;
      const open = this.peek;
      if (open.kind !== '{') this.fail(open, `a set literal {"a", "b"} after ${op.kind}`);
      this.i++;
      const values: string[] = [];
      while (this.peek.kind === 'string') {
        values.push(this.peek.value);
        this.i++;
        if (this.kind() !== ',') break;
        this.i++;
      }
      if (this.kind() !== '}')
        this.fail(this.peek, values.length ? ', or } in the set literal' : 'a quoted string or } in the set literal');
      this.i++;
      return { kind: op.kind === 'in' ? 'in' : 'notIn', label, values: stringSet(values) };
    }
    return this.fail(op, `an operator (==, !=, in, not in, contains, starts with, ends with) after label "${label}"`);
  }
}

export function parse(text: string): ParseResult {
  if (text.length > LIMITS.selectorLength)
    return {
      ok: false,
      error: {
        offset: LIMITS.selectorLength,
        end: text.length,
        message: `the selector is longer than ${limitText('selectorLength')} characters, so it is not analysed`,
        limit: true,
      },
    };
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  try {
    return { ok: true, node: new Parser(tokens.tokens).root() };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e.error };
    throw e;
  }
}
