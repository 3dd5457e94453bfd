/**
 * Tiny HTML templating for the simulators' human pages (the control pages, Autotask's ticket view). The `html` tag
 * escapes every interpolated value unless it is already `SafeHtml`, so data from records (company names like
 * "Margie's Travel", ticket titles typed by people) can never become markup. No inline script or style: the pages load
 * one stylesheet and send a strict CSP.
 */
import type { Response } from 'express';

export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** What a page interpolates: text and numbers (escaped), built markup, lists; null, undefined and false show nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** A table with one heading row; `rows` are its `<tr>`s. */
export function table(headings: readonly string[], rows: HtmlValue): SafeHtml {
  return html`<table>
    <thead>
      <tr>
        ${headings.map((h) => html`<th>${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

export const STYLESHEET_PATH = '/__sim/style.css';

export function layout(title: string, body: SafeHtml): SafeHtml {
  return html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="stylesheet" href="${STYLESHEET_PATH}" />
      </head>
      <body>
        ${body}
      </body>
    </html> `;
}

/** Strict CSP: no scripts at all, styles and form posts only from this origin. */
export function sendPage(res: Response, status: number, page: SafeHtml): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    })
    .send(page.value);
}

export const STYLESHEET = `
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1d2430; background: #f7f8fa; line-height: 1.4; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.banner { background: #fff4ce; border: 1px solid #e0c56e; padding: .4rem .7rem; border-radius: 4px; font-size: .9rem; }
.notice { background: #e6f4ea; border: 1px solid #8cc79b; padding: .4rem .7rem; border-radius: 4px; }
.error { background: #fde7e9; border: 1px solid #e29aa1; padding: .4rem .7rem; border-radius: 4px; }
table { border-collapse: collapse; background: #fff; font-size: .9rem; }
th, td { border: 1px solid #d5d9e0; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; background: #fff; padding: .75rem; border: 1px solid #d5d9e0; }
dt { font-weight: 600; }
dd { margin: 0; }
.pre { white-space: pre-wrap; }
.inactive { color: #8a8f98; }
form.inline { display: inline-flex; gap: .25rem; margin: 0 .25rem .25rem 0; align-items: center; }
fieldset { background: #fff; border: 1px solid #d5d9e0; margin: 0 0 .75rem; }
input[type=text], input[type=number] { width: 9rem; }
code { background: #eef1f5; padding: 0 .2rem; }
`;
