/**
 * Reading a recorded body the way its Content-Type says: JSON, an HTML form, or text.
 * JWT finding, secret marking and the exports all look at bodies through this one lens.
 */

export type ParsedBody =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; params: [string, string][] }
  | { kind: 'text'; text: string };

/** Header lookup by lower-case name (recorded headers are stored lower-case). */
export function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** The media type without parameters, lower-case: "application/json; charset=utf-8" → "application/json". */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function isJsonType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/** Both bodies of one exchange, parsed once for everyone who looks at them (JWT finding, secret marking). */
export interface ParsedBodies {
  request: ParsedBody;
  response: ParsedBody;
}

export function parseBody(body: string | null | undefined, contentType: string | undefined): ParsedBody {
  if (body === null || body === undefined || body === '') return { kind: 'empty' };
  const type = mediaType(contentType);
  if (isJsonType(type) || (!type && /^\s*[{[]/.test(body))) {
    try {
      return { kind: 'json', value: JSON.parse(body) };
    } catch {
      return { kind: 'text', text: body }; // malformed JSON is still worth showing as text
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { kind: 'form', params: [...new URLSearchParams(body)] };
  }
  return { kind: 'text', text: body };
}

/** Calls `visit` for every string in a JSON value with its dotted path ("a.b.0.c"). */
export function walkStrings(value: unknown, path: string, visit: (path: string, text: string, key?: string) => void, key?: string): void {
  if (typeof value === 'string') return visit(path, value, key);
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkStrings(item, `${path}.${i}`, visit, key));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, `${path}.${k}`, visit, k);
  }
}

/** Every named value in a body: JSON strings (nested, with dotted paths) or form fields. */
export function namedValues(parsed: ParsedBody, prefix: string): { path: string; key?: string; value: string }[] {
  const out: { path: string; key?: string; value: string }[] = [];
  if (parsed.kind === 'json') walkStrings(parsed.value, prefix, (path, value, key) => out.push({ path, key, value }));
  if (parsed.kind === 'form') for (const [k, v] of parsed.params) out.push({ path: `${prefix}.${k}`, key: k, value: v });
  return out;
}
