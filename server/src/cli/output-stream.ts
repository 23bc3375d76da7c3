/**
 * Output that never becomes one string: commands produce their output as a
 * sequence of pieces (rows of a matrix, findings), and `writePieces` hands
 * them to the terminal in chunks of about 64 KB, waiting whenever the
 * terminal asks it to (stdout's backpressure), so memory holds one chunk and
 * the row being computed, whatever the size of the output.
 */

/** Writes text; a returned promise means "wait before writing more". */
export type Write = (text: string) => void | Promise<void>;

const CHUNK = 1 << 16;

export async function writePieces(write: Write, pieces: Iterable<string>): Promise<void> {
  let buffer: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    buffer.push(piece);
    size += piece.length;
    if (size >= CHUNK) {
      const text = buffer.join('');
      buffer = [];
      size = 0;
      await write(text);
    }
  }
  if (size) await write(buffer.join(''));
}

/** A writer for a Node stream (process.stdout): resolves at once, or on 'drain' when the stream's buffer is full. */
export function streamWriter(stream: NodeJS.WritableStream): Write {
  return (text) => {
    if (stream.write(text)) return;
    return new Promise<void>((resolve) => stream.once('drain', resolve));
  };
}
