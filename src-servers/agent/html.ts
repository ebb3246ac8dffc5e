/**
 * Just enough HTML reading for the simulated person's "browser": find a page's forms and the
 * button a person would press, and find the link in an email. Pages are our own plain HTML.
 */

export interface HtmlForm {
  action: string;
  method: string;
  /** Hidden and other named inputs, as a browser would submit them. */
  fields: Record<string, string>;
  /** Submit buttons: their visible text, the name=value they add, and where they send the form
   *  when they override it (`formaction` / `formmethod`, HTML §4.10.18.6). */
  buttons: { text: string; name?: string; value?: string; action?: string; method?: string }[];
}

const decodeEntities = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3]) : undefined;
};

const text = (html: string) => decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();

export function parseForms(html: string, pageUrl: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, attrs, inner] = m;
    const fields: Record<string, string> = {};
    for (const input of inner.matchAll(/<input\b[^>]*>/gi)) {
      const name = attr(input[0], 'name');
      const type = (attr(input[0], 'type') ?? 'text').toLowerCase();
      if (!name || type === 'submit' || type === 'button') continue;
      if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/i.test(input[0])) continue;
      fields[name] = attr(input[0], 'value') ?? '';
    }
    const buttons: HtmlForm['buttons'] = [];
    for (const b of inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)) {
      const type = (attr(b[0], 'type') ?? 'submit').toLowerCase();
      if (type !== 'submit') continue;
      const formaction = attr(b[1], 'formaction');
      const formmethod = attr(b[1], 'formmethod');
      buttons.push({
        text: attr(b[1], 'aria-label') ?? text(b[2]),
        name: attr(b[1], 'name'),
        value: attr(b[1], 'value'),
        ...(formaction ? { action: new URL(formaction, pageUrl).toString() } : {}),
        ...(formmethod ? { method: formmethod.toUpperCase() } : {}),
      });
    }
    for (const s of inner.matchAll(/<input\b[^>]*type\s*=\s*["']?submit[^>]*>/gi))
      buttons.push({ text: attr(s[0], 'value') ?? 'Submit', name: attr(s[0], 'name'), value: attr(s[0], 'value') });
    forms.push({
      action: new URL(attr(`<f ${attrs}>`, 'action') ?? pageUrl, pageUrl).toString(),
      method: (attr(`<f ${attrs}>`, 'method') ?? 'get').toUpperCase(),
      fields,
      buttons,
    });
  }
  return forms;
}

/**
 * Find the form and button whose visible text matches, and the request a browser would send: the
 * form's fields plus the button's name=value, to the button's `formaction` if it has one.
 */
export function pressButton(forms: HtmlForm[], label: RegExp): { form: HtmlForm; body: Record<string, string> } | undefined {
  for (const form of forms) {
    const button = form.buttons.find((b) => label.test(b.text));
    if (!button) continue;
    const body = { ...form.fields };
    if (button.name) body[button.name] = button.value ?? '';
    return { form: { ...form, action: button.action ?? form.action, method: button.method ?? form.method }, body };
  }
  return undefined;
}

/** The first link in a mail's text that carries a token (the claim link). */
export function findLink(mailText: string): string | undefined {
  const urls = mailText.match(/https?:\/\/[^\s<>"')\]]+/g) ?? [];
  return urls.find((u) => /[?&]token=/.test(u)) ?? urls[0];
}

/** Where a page's script posts to, when the page names an endpoint ending in `suffix`. */
export function findEndpoint(html: string, pageUrl: string, suffix: string): string | undefined {
  const re = new RegExp(`["'\`]((?:https?://[^"'\`\\s]+)?/[^"'\`\\s]*${suffix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')})["'\`]`);
  const m = re.exec(html);
  return m ? new URL(m[1], pageUrl).toString() : undefined;
}
