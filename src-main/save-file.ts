import { z } from 'zod';
import type { SaveFileRequest } from '../src-servers/protocol/bridge.js';

/**
 * Validation of the renderer's save-file request. The renderer is untrusted input to the main
 * process (Electron security checklist §17): it may suggest a name, never a folder, and the
 * content is bounded.
 */

/** Larger than any trace export we produce; small enough that a runaway page cannot fill a disk. */
export const MAX_SAVE_BYTES = 50 * 1024 * 1024;
export const MAX_NAME_LENGTH = 200;
export const FALLBACK_NAME = 'trace.json';

/** Checks a SaveFileRequest (protocol/bridge.ts), with the bounds the main process enforces. */
const SaveFileSchema: z.ZodType<SaveFileRequest> = z.object({
  defaultName: z.string().max(4096).optional(),
  defaultPath: z.string().max(4096).optional(),
  content: z.string().refine((s) => Buffer.byteLength(s, 'utf8') <= MAX_SAVE_BYTES, {
    message: `content is larger than ${MAX_SAVE_BYTES} bytes`,
  }),
});

export type ParsedSaveFile = { ok: true; defaultName: string; content: string } | { ok: false; message: string };

export function parseSaveFileRequest(value: unknown): ParsedSaveFile {
  const parsed = SaveFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `saveFile: ${issue?.path.join('.') || 'argument'}: ${issue?.message ?? 'invalid'}` };
  }
  const { defaultName, defaultPath, content } = parsed.data;
  return { ok: true, defaultName: safeFileName(defaultName ?? defaultPath ?? ''), content };
}

/** Reduce a suggested name to a plain file name: no folders, no characters Windows forbids. */
export function safeFileName(suggested: string): string {
  const last = suggested.split(/[/\\]/).pop() ?? '';
  const cleaned = last
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '')
    .trim()
    .replace(/^\.+/, '') // no hidden files, no "." or ".."
    .slice(0, MAX_NAME_LENGTH);
  return cleaned || FALLBACK_NAME;
}
