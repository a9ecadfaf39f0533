/**
 * Escaping for text shown in Adaptive Card TextBlocks and FactSets.
 *
 * Teams renders a markdown subset in TextBlock `text` and FactSet values (bold, italic, lists,
 * `[links](url)`) and auto-links bare URLs. Text typed by people (the dispute, a counterpart's
 * reply, minutes) and text from the directory must show exactly as typed and must never become a
 * link or formatting. So every such string passes through `escapeCardText` before it reaches a
 * template.
 *
 * Contract:
 * - CommonMark-active punctuation is backslash-escaped (`\ * _ [ ] ( ) ` ~ < > { } | #`); a
 *   markdown renderer shows the character itself. `{` and `}` are included so user text can never
 *   form a `${…}` template binding or a `{{DATE(…)}}` card function.
 * - Block markers at the start of a line (`- `, `+ `, `1. `, `1) `) are escaped, so text cannot
 *   become a list or heading.
 * - Bare URLs, `www.` hosts, e-mail addresses and `host.tld` names are broken with a zero-width
 *   space (U+200B) so linkifiers do not turn them into links. The visible text is unchanged.
 * - Control characters other than tab and newline are removed.
 *
 * Input values (`Input.Text.value`, choice titles) are not markdown and must NOT be escaped.
 *
 * @example escapeCardText('[click](http://evil)') // '\\[click\\]\\(http:/\u200B/evil\\)'
 */
export function escapeCardText(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
      .replace(/\r\n?/g, '\n')
      .replace(/[\\`*_[\]()~<>{}|#!]/g, '\\$&')
      // Line-start list markers: "- x", "+ x", "1. x", "1) x" (the ")" is already escaped).
      .replace(/^([ \t]*)([-+])(?=[ \t])/gm, '$1\\$2')
      .replace(/^([ \t]*\d{1,9})\.(?=[ \t]|$)/gm, '$1\\.')
      // Setext heading underlines ("===" or "---" on their own line).
      .replace(/^([ \t]*)([=-]{2,})[ \t]*$/gm, (_m, indent: string, run: string) => `${indent}\\${run}`)
      .replace(/:\/\//g, ':/\u200B/')
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200B.`)
      .replace(/@/g, '\u200B@')
      // "evil.com": a dot between a word character and a letter, as in a host name.
      .replace(/(\w)\.(?=[A-Za-z])/g, '$1.\u200B')
  );
}

/** Removes what `escapeCardText` added; for tests and for showing the original text elsewhere. */
export function unescapeCardText(text: string): string {
  return text.replace(/\u200B/g, '').replace(/\\([\\`*_[\]()~<>{}|#!.+=-])/g, '$1');
}
