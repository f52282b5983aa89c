// Lines of a UTF-8 stream, numbered from 1, without their line ends (LF or CRLF), with a cap
// on the length of one line so a file without line ends cannot fill the memory: a longer line
// is reported (its text dropped) and reading goes on at the next line.
import { StringDecoder } from 'node:string_decoder';

export type Line = { line: number; text: string; tooLong?: false } | { line: number; text: ''; tooLong: true };

export async function* readLines(chunks: AsyncIterable<string | Buffer>, maxLength: number): AsyncGenerator<Line> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let dropping = false;
  let line = 1;
  const finish = (text: string): Line => {
    const tooLong = dropping || text.length > maxLength;
    const result: Line = tooLong ? { line, text: '', tooLong: true } : { line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
    dropping = false;
    line++;
    return result;
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const piece = pending === '' ? text.slice(start, nl) : pending + text.slice(start, nl);
      pending = '';
      yield finish(dropping ? '' : piece);
      start = nl + 1;
    }
    if (!dropping) {
      pending += text.slice(start);
      if (pending.length > maxLength) {
        dropping = true;
        pending = '';
      }
    }
  }
  const rest = pending + decoder.end();
  if (rest !== '' || dropping) yield finish(rest);
}
