/**
 * Turning what went over the wire into the strings an Exchange stores: headers as a flat
 * lower-case map, bodies as text (decompressed, capped, binary summarised).
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { mediaType } from './body.js';

/** Bodies larger than this are cut; a teaching trace needs the start of a page, not all of it. */
export const MAX_RECORDED_BODY_BYTES = 256 * 1024;

type HeaderInput = Record<string, string | string[] | number | undefined> | Headers | [string, string][];

/** Lower-case names; repeated values joined with ", " — except Set-Cookie, one cookie per line (RFC 6265 §3). */
export function flattenHeaders(headers: HeaderInput | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const put = (name: string, value: string | string[] | number | undefined) => {
    if (value === undefined) return;
    const key = name.toLowerCase();
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    const sep = key === 'set-cookie' ? '\n' : ', ';
    out[key] = out[key] !== undefined ? [out[key], ...values].join(sep) : values.join(sep);
  };
  if (headers instanceof Headers) {
    for (const [name, value] of headers) if (name !== 'set-cookie') put(name, value);
    const cookies = headers.getSetCookie();
    if (cookies.length) put('set-cookie', cookies);
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers) put(name, value);
  } else {
    for (const [name, value] of Object.entries(headers)) put(name, value);
  }
  return out;
}

/** Collects the bytes of a body as they pass, keeping at most MAX_RECORDED_BODY_BYTES. */
export class BodyCapture {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  add(chunk: unknown, encoding?: BufferEncoding): void {
    let buf: Buffer;
    if (typeof chunk === 'string') buf = Buffer.from(chunk, encoding ?? 'utf8');
    else if (chunk instanceof Uint8Array) buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else return;
    this.total += buf.length;
    if (this.kept >= MAX_RECORDED_BODY_BYTES) return;
    const slice = buf.subarray(0, MAX_RECORDED_BODY_BYTES - this.kept);
    this.chunks.push(Buffer.from(slice)); // copy: the caller may reuse its buffer
    this.kept += slice.length;
  }

  text(headers: Record<string, string>): string | null {
    if (this.total === 0) return null;
    return bodyText(Buffer.concat(this.chunks), this.total, headers);
  }
}

const BINARY = /^(image|audio|video|font)\/|^application\/(octet-stream|zip|gzip|pdf|wasm)/;

/** The body as text the inspector can show; binary and undecodable bodies become a one-line summary. */
export function bodyText(bytes: Buffer, total: number, headers: Record<string, string>): string {
  const type = mediaType(headers['content-type']);
  if (BINARY.test(type)) return `[${total} bytes of ${type}]`;
  let body = bytes;
  const encoding = (headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    if (total > bytes.length) return `[${total} bytes, ${encoding}-encoded, too large to record]`;
    // A few KB of gzip can inflate to gigabytes: inflate at most what we would keep (capture is off the request path, DESIGN.md rule 9).
    const cap = { maxOutputLength: MAX_RECORDED_BODY_BYTES };
    try {
      body = encoding === 'gzip' || encoding === 'x-gzip' ? gunzipSync(bytes, cap)
        : encoding === 'deflate' ? inflateSync(bytes, cap)
        : encoding === 'br' ? brotliDecompressSync(bytes, cap)
        : (() => { throw new Error('unknown encoding'); })();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        return `[${total} bytes, ${encoding}-encoded, inflating to more than ${MAX_RECORDED_BODY_BYTES} bytes: not recorded]`;
      }
      return `[${total} bytes, ${encoding}-encoded]`;
    }
  }
  const text = body.toString('utf8');
  return total > bytes.length ? `${text}\n…[truncated: ${total - bytes.length} more bytes]` : text;
}
