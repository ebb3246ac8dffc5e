import type { Page } from '@playwright/test';

/** A text the studio draws whose contrast falls below WCAG 2.x AA (1.4.3). */
export interface LowContrast { text: string; where: string; fg: string; bg: string; ratio: number; need: number }

/**
 * Every text node the studio draws (HTML and SVG, the iframes' pages excluded: the roles serve
 * those), its colour composited over what is really behind it, measured against WCAG 1.4.3 AA:
 * 4.5:1, or 3:1 for large text (≥ 24 px, or ≥ 18.66 px bold). Disabled controls are exempt, as
 * 1.4.3 says — except the step list's "to come" steps, which are information a learner reads.
 * axe-core is not installed here, so this is the part of its color-contrast rule we need.
 */
export function lowContrastTexts(page: Page): Promise<LowContrast[]> {
  return page.evaluate(() => {
    type RGBA = [number, number, number, number];
    const parse = (c: string): RGBA | null => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top: RGBA, under: RGBA): RGBA => {
      const a = top[3];
      return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
    };
    const lum = ([r, g, b]: RGBA) => {
      const f = (v: number) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a: RGBA, b: RGBA) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
    const hex = (c: RGBA) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');

    /** What is behind `el`: its own and its ancestors' backgrounds, composited bottom-up over white. */
    const backdrop = (el: Element): RGBA => {
      const layers: RGBA[] = [];
      for (let n: Element | null = el; n; n = n.parentElement) {
        const cs = getComputedStyle(n);
        let c: RGBA | null = null;
        if (n instanceof SVGTextElement) {
          // The halo (paint-order: stroke) is what sits right behind an SVG label.
          if (cs.paintOrder.startsWith('stroke') && cs.stroke !== 'none') c = parse(cs.stroke);
        } else if (n instanceof SVGGElement && n.classList.contains('band')) {
          const bg = n.querySelector(':scope > rect.band-bg');
          if (bg) c = parse(getComputedStyle(bg).fill);
        } else if (!(n instanceof SVGElement)) c = parse(cs.backgroundColor);
        if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
      }
      return layers.reverse().reduce<RGBA>((acc, l) => over(l, acc), [255, 255, 255, 1]);
    };

    const found: LowContrast[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const el = node.parentElement;
      // The diagram's answer labels and step statuses are hidden from AT (their buttons' names say them) yet drawn: measured.
      if (!text || !el || el.closest('option, script, style, .sr-only, [aria-hidden="true"]:not(g.arrow.answer, text.band-status)')) continue;
      if (el.closest('button:disabled:not(.step), [aria-disabled="true"], select:disabled, input:disabled')) continue;
      const box = el.getBoundingClientRect();
      if (box.width < 2 || box.height < 2 || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const cs = getComputedStyle(el);
      const fg = parse(el instanceof SVGElement ? cs.fill : cs.color);
      if (!fg) continue;
      let alpha = fg[3];
      for (let n: Element | null = el; n; n = n.parentElement) alpha *= Number(getComputedStyle(n).opacity);
      const bg = backdrop(el);
      const shown = over([fg[0], fg[1], fg[2], alpha], bg);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      const r = ratio(shown, bg);
      if (r < need - 0.005) {
        const where = [el.tagName.toLowerCase(), ...[...el.classList].map((c) => '.' + c)].join('')
          + ' in ' + (el.closest('[aria-label]')?.getAttribute('aria-label') ?? 'page');
        found.push({ text: text.slice(0, 40), where, fg: hex(shown), bg: hex(bg), ratio: Math.round(r * 100) / 100, need });
      }
    }
    return found;
  });
}
