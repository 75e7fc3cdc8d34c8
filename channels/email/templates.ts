import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { ValidationError } from '../../core/domain/index.js';

/** The shipped templates (`<name>.hbs`: a `subject:` line, `---`, then the body; plus `layout.html.hbs`). */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

/** Every pipeline email, and `message` (one conversational message: a question, a reply). */
export const TEMPLATE_NAMES = ['message', 'application-received', 'shortlisted', 'interview-scheduled', 'interview-reminder', 'offer', 'rejection', 'continue-interview'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface Branding {
  companyName: string;
  logoUrl?: string;
  brandColor: string;
  textColor: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Sample data for every template: what the preview shows and the tests render. */
export const SAMPLE_DATA: Record<string, unknown> = {
  candidate: { name: 'Ada Lovelace' },
  role: 'Backend engineer',
  text: 'Which databases have you used in production, and why did you choose them?\n\n1. PostgreSQL\n2. MongoDB\n3. Something else',
  interview: { when: 'Tuesday 8 December 2026, 10:00 (Europe/Berlin)', link: 'https://meet.example.com/acme-ada', with: 'Grace Hopper' },
  offer: { title: 'Backend engineer', start: '1 February 2027', link: 'https://jobs.example.com/offer/ada' },
  continueLink: 'mailto:jobs@example.com',
};

/**
 * Email templates rendered with Handlebars. One template gives both parts: the text part is the
 * rendered body; the HTML part is the same body, escaped, as paragraphs in `layout.html.hbs`
 * (logo, colours, unsubscribe link). Files in `overrideDir` replace shipped ones of the same name.
 *
 * @example
 * const t = new EmailTemplates({ companyName: 'Acme', brandColor: '#0b5fff', textColor: '#1f2937' });
 * const mail = t.render('offer', { candidate: { name: 'Ada' } }, { unsubscribeUrl });
 */
export class EmailTemplates {
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<string, { subject: HandlebarsTemplateDelegate; body: HandlebarsTemplateDelegate }>();
  private readonly layout: HandlebarsTemplateDelegate;

  constructor(
    private readonly branding: Branding,
    private readonly overrideDir?: string,
  ) {
    this.hbs.registerHelper('paragraph', (text: string) => new this.hbs.SafeString(linkify(this.hbs.escapeExpression(text)).replace(/\n/g, '<br>\n')));
    this.layout = this.hbs.compile(this.read('layout.html.hbs'), { strict: false });
  }

  /** Names of every template available (shipped and overrides). */
  names(): string[] {
    const names = new Set<string>(TEMPLATE_NAMES);
    for (const dir of [DEFAULT_TEMPLATES_DIR, this.overrideDir]) {
      if (dir && existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith('.hbs') && f !== 'layout.html.hbs') names.add(f.slice(0, -4));
    }
    return [...names].sort();
  }

  render(name: string, data: Record<string, unknown>, opts: { unsubscribeUrl?: string } = {}): RenderedEmail {
    const template = this.compiled(name);
    const context = { company: { name: this.branding.companyName }, ...data };
    const subject = template.subject(context).replace(/\s+/g, ' ').trim();
    const body = template.body(context).replace(/\n{3,}/g, '\n\n').trim();
    const footer = opts.unsubscribeUrl ? `\n\n--\n${this.branding.companyName} · To stop these emails: ${opts.unsubscribeUrl}` : '';
    const html = this.layout({
      subject,
      paragraphs: body.split(/\n{2,}/),
      company: { name: this.branding.companyName },
      logoUrl: this.branding.logoUrl,
      brandColor: this.branding.brandColor,
      textColor: this.branding.textColor,
      unsubscribeUrl: opts.unsubscribeUrl,
    });
    return { subject, text: `${body}${footer}\n`, html };
  }

  private compiled(name: string) {
    const hit = this.cache.get(name);
    if (hit) return hit;
    if (!/^[a-z0-9-]+$/.test(name)) throw new ValidationError(`Unknown email template "${name}"`);
    const source = this.read(`${name}.hbs`);
    const split = /^subject:(.*)\r?\n---\r?\n([\s\S]*)$/i.exec(source);
    if (!split) throw new ValidationError(`Email template ${name}.hbs must start with "subject: ..." and a "---" line`);
    // Plain text: no HTML escaping here; the HTML part escapes the rendered text as a whole.
    const compiled = { subject: this.hbs.compile(split[1]!, { noEscape: true }), body: this.hbs.compile(split[2]!, { noEscape: true }) };
    this.cache.set(name, compiled);
    return compiled;
  }

  private read(file: string): string {
    for (const dir of [this.overrideDir, DEFAULT_TEMPLATES_DIR]) {
      if (dir && existsSync(join(dir, file))) return readFileSync(join(dir, file), 'utf8');
    }
    throw new ValidationError(`Unknown email template "${file.replace(/\.hbs$/, '')}" (templates: ${this.names().join(', ')})`);
  }
}

/** Wrap http(s) URLs of already escaped text in links. */
function linkify(escaped: string): string {
  return escaped.replace(/https?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`);
}
