/**
 * The provider's HTML: one layout, escaped text, inline CSS, no scripts and no external assets
 * (the studio frames these pages, and they must work offline). Colours meet WCAG AA contrast.
 */
import { escapeHtml } from '../http/html.js';

/** Tagged template that escapes every interpolation unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    const part = Array.isArray(v) ? v.map((x) => (x instanceof Html ? x.value : escapeHtml(x))).join('') : v instanceof Html ? v.value : escapeHtml(v);
    out += part + strings[i + 1];
  });
  return new Html(out);
}

const STYLE = `
  :root { color-scheme: light; --ink: #1a1d23; --muted: #555d6b; --line: #d9dde4; --accent: #2557d6; --accent-ink: #fff; --bg: #f4f6f9; --danger: #a4262c; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
  main { max-width: 440px; margin: 32px auto; padding: 28px 28px 24px; background: #fff; border: 1px solid var(--line); border-radius: 12px; box-shadow: 0 2px 10px rgba(20,30,50,.06); }
  main.wide { max-width: 720px; }
  .brand { display: flex; align-items: center; gap: 10px; font-weight: 600; color: var(--muted); font-size: 13px; letter-spacing: .02em; text-transform: uppercase; }
  .mark { width: 28px; height: 28px; border-radius: 8px; background: var(--accent); color: var(--accent-ink); display: grid; place-items: center; font-size: 15px; text-transform: none; }
  h1 { font-size: 21px; line-height: 1.3; margin: 18px 0 6px; }
  h2 { font-size: 15px; margin: 20px 0 6px; }
  p { margin: 8px 0; }
  .muted { color: var(--muted); font-size: 13.5px; }
  code, .url { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
  .who { display: flex; gap: 10px; align-items: center; padding: 10px 12px; border: 1px solid var(--line); border-radius: 8px; margin: 14px 0; }
  .avatar { width: 32px; height: 32px; border-radius: 50%; background: #e3e9f7; color: #1f3f8f; display: grid; place-items: center; font-weight: 600; }
  ul.share { list-style: none; padding: 0; margin: 6px 0 14px; }
  ul.share li { padding: 7px 0 7px 26px; border-bottom: 1px solid #eef0f3; position: relative; }
  ul.share li::before { content: "✓"; position: absolute; left: 4px; color: #1e7d45; font-weight: 700; }
  .actions { display: grid; gap: 8px; margin-top: 18px; }
  button { font: inherit; font-weight: 600; padding: 10px 14px; border-radius: 8px; border: 1px solid var(--line); background: #fff; color: var(--ink); cursor: pointer; width: 100%; }
  button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); }
  button.deny { color: var(--danger); }
  button:focus-visible { outline: 3px solid #9db8ff; outline-offset: 2px; }
  fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 14px 0; padding: 8px 12px; }
  legend { font-weight: 600; padding: 0 4px; }
  label { display: block; padding: 4px 0; }
  .notice { padding: 10px 12px; border-radius: 8px; background: #eef8f1; border: 1px solid #b9e0c6; }
  .notice.bad { background: #fdf0f0; border-color: #efc2c4; }
  table { border-collapse: collapse; width: 100%; font-size: 14px; }
  td, th { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
  footer { margin-top: 18px; font-size: 12.5px; color: var(--muted); }
  /* The consent answer: one bar that stays in view while the page scrolls. */
  .actions.answer { position: sticky; bottom: 0; background: #fff; padding: 10px 0; }
  /* A small frame (the studio's consent pane): the page fills it and the answer is one row of buttons
     fixed to the frame's bottom edge (sticky cannot rise above the top of its form there). */
  @media (max-height: 560px) {
    body { background: #fff; padding-bottom: 76px; }
    main { margin: 0 auto; padding: 12px 16px; border: 0; border-radius: 0; box-shadow: none; }
    h1 { font-size: 18px; margin: 10px 0 4px; }
    h2 { margin: 12px 0 4px; }
    .who { margin: 10px 0; padding: 6px 10px; }
    ul.share li { padding: 4px 0 4px 26px; }
    .actions.answer { position: fixed; left: 0; right: 0; bottom: 0; margin: 0; padding: 10px 16px; grid-template-columns: repeat(3, 1fr); border-top: 1px solid var(--line); box-shadow: 0 -4px 10px rgba(20,30,50,.06); }
    /* In a narrow frame (the studio at 1024 px, presenter mode) a label wraps rather than being cut ("Allow on…"). */
    .actions.answer button { padding: 6px 4px; font-size: 14px; line-height: 1.2; white-space: normal; overflow-wrap: anywhere; }
  }
`;

export function layout(title: string, body: Html, opts: { wide?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main${opts.wide ? ' class="wide"' : ''}>
<div class="brand"><span class="mark" aria-hidden="true">◆</span> Agent Provider</div>
${body.value}
</main>
</body>
</html>`;
}
