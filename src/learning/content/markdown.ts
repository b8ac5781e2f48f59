import MarkdownIt from 'markdown-it';

/** HTML rendered from a Markdown file, and the link targets that were rejected. */
export interface RenderedMarkdown {
  html: string;
  /** Link and image targets left as plain text because they are neither http(s) nor relative. */
  rejectedLinks: string[];
}

/** URL scheme such as `https:` or `javascript:`. A URL without one is relative. */
const SCHEME_PATTERN = /^([a-z][a-z0-9+.-]*):/i;

const ALLOWED_SCHEMES = new Set(['http', 'https']);

/** Returns true for http(s) URLs and for relative ones (`/path`, `page`, `#anchor`). */
export function isAllowedLink(url: string): boolean {
  const scheme = SCHEME_PATTERN.exec(url);
  if (scheme === null) return true;
  return ALLOWED_SCHEMES.has(scheme[1]!.toLowerCase());
}

/**
 * Renders lesson Markdown to HTML. Raw HTML in the source is escaped (`html: false`),
 * because content files are edited by people whose markup the site does not trust.
 */
export function renderMarkdown(source: string): RenderedMarkdown {
  const rejectedLinks: string[] = [];
  // A fresh parser per call keeps the list of rejected links private to this render.
  const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
  const acceptsByDefault = markdown.validateLink.bind(markdown);

  // markdown-it 15's own check already rejects javascript:, vbscript:, file: and data: URLs other than
  // a few image types. This narrows it further to http(s) and relative links.
  markdown.validateLink = (url: string): boolean => {
    const accepted = acceptsByDefault(url) && isAllowedLink(url);
    if (!accepted) rejectedLinks.push(url);
    return accepted;
  };

  return { html: markdown.render(source), rejectedLinks };
}
