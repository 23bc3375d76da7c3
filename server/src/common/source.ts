/**
 * Source text and positions. Every finding and every model object points back
 * into a SourceFile through a Span (character offsets), so any later stage can
 * report at the exact YAML node without keeping parser state around.
 */

/** 0-based line and UTF-16 character, as LSP counts them. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export class SourceFile {
  private lineStarts: number[] | undefined;

  constructor(
    /** Path as the user gave it (CLI) or the file system path behind a URI (LSP). */
    readonly path: string,
    readonly text: string,
    /** The document URI when the file came from an editor. */
    readonly uri?: string,
    /**
     * The file's size in bytes when it was over the file limit and so not read
     * (`text` is then empty); see common/limits.ts.
     */
    readonly unreadBytes?: number,
  ) {}

  /** The size to check against the file limit: bytes on disk when unread, else characters. */
  get size(): number {
    return this.unreadBytes ?? this.text.length;
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (t.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  positionAt(offset: number): Position {
    const starts = this.starts();
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo] };
  }

  offsetAt(pos: Position): number {
    const starts = this.starts();
    if (pos.line >= starts.length) return this.text.length;
    if (pos.line < 0) return 0;
    const lineEnd = pos.line + 1 < starts.length ? starts[pos.line + 1] : this.text.length;
    return Math.min(starts[pos.line] + Math.max(0, pos.character), lineEnd);
  }

  get lineCount(): number {
    return this.starts().length;
  }
}

/** A stretch of a source file, as character offsets [start, end). */
export interface Span {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

export function span(file: SourceFile, start: number, end: number): Span {
  return { file, start, end: Math.max(start, end) };
}

export function rangeOf(s: Span): Range {
  return { start: s.file.positionAt(s.start), end: s.file.positionAt(s.end) };
}

export function spanText(s: Span): string {
  return s.file.text.slice(s.start, s.end);
}

/** A value read from the manifests together with where it was written. */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
}
