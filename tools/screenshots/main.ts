/**
 * `npm run screenshots`: the README's pictures of what people see, retaken from a real journey per
 * procedure. For each sample partnership (journey.ts) it renders the key cards (the raise form, the
 * review of the stage email, the meeting as booked, the outcome) in Teams' light and dark themes at
 * the width of a card in a Teams chat, and the emails the other agency receives (the first stage
 * email, a later one with the story so far, the meeting invitation, the written confirmation) as
 * Outlook shows HTML, then writes docs/screenshots/README.md, the gallery the README links to.
 *
 * It also checks every card delivered on the way for a button title cut off at that width, and
 * shoots the Disputes tab and the oversight dashboard (tab.ts) in light and dark.
 *
 * Options: `--out DIR` (default docs/screenshots), `--only ane,iro,tab` (samples; `tab` for the tab). Needs Debian
 * Chromium at /usr/bin/chromium and the npm registry once (Teams' host configs; teams-host-config.ts).
 * It prints what reads badly (a cut-off element, an ISO timestamp or a URL in the text).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getProcedure } from '../../src/procedures/index.ts';
import { hasMachineDate } from '../../src/wording/dates.ts';
import { browserUnavailable } from '../../tests/support/chromium.ts';
import { JOURNEYS, type Seen, type ShownMail, walk } from './journey.ts';
import { createRenderer, EMAIL_WIDTH, TEAMS_CARD_WIDTH } from './render.ts';
import { shootTab } from './tab.ts';
import { teamsHostConfigs } from './teams-host-config.ts';

const CARD_KINDS = [
  { kind: 'raise', title: 'Raise: the form' },
  { kind: 'review', title: 'Review and send the stage email' },
  { kind: 'meeting', title: 'A meeting, booked' },
  { kind: 'outcome', title: 'Record the outcome' },
] as const;
const EMAIL_KINDS = [
  { kind: 'first', title: 'The first stage email' },
  { kind: 'story', title: 'A later stage email: what has happened so far' },
  { kind: 'invitation', title: 'The meeting invitation' },
  { kind: 'confirmation', title: 'The written confirmation' },
] as const;
type CardKind = (typeof CARD_KINDS)[number]['kind'];
type EmailKind = (typeof EMAIL_KINDS)[number]['kind'];

const fallbackOf = (card: Record<string, unknown>) => String(card.fallbackText ?? '');
const json = (v: unknown) => JSON.stringify(v);

/** The card of each kind worth showing, from what the journey delivered. */
function pickCards(seen: Seen): Partial<Record<CardKind, Record<string, unknown>>> {
  const cards = seen.cards
    .map((c) => c.card)
    .filter((c) => !/out of date|newer card has replaced/i.test(json(c)));
  const review =
    cards.find((c) => fallbackOf(c) === 'Concord: review the stage email.') ??
    cards.find(
      (c) =>
        fallbackOf(c) === 'Concord: a dispute step.' && /Action\.Execute/.test(json(c.actions ?? c.body)),
    );
  const meeting = cards.find(
    (c) => fallbackOf(c) === 'Concord: a resolution meeting is booked.' && !!c.refresh,
  );
  const outcomes = cards.filter((c) => fallbackOf(c) === 'Concord: record the outcome.');
  const outcome = outcomes.find((c) => /Minutes/.test(json(c))) ?? outcomes.at(-1);
  return {
    ...(seen.raise ? { raise: seen.raise } : {}),
    ...(review ? { review } : {}),
    ...(meeting ? { meeting } : {}),
    ...(outcome ? { outcome } : {}),
  };
}

function pickEmails(seen: Seen): Partial<Record<EmailKind, ShownMail>> {
  const invitation = (m: ShownMail) => /eventMessage/.test(m['@odata.type'] ?? '');
  const mails = seen.emails;
  const statements = mails.filter(
    (m) => !invitation(m) && !/^RE:/i.test(m.subject) && !/written confirmation/i.test(m.subject),
  );
  const picked: Partial<Record<EmailKind, ShownMail>> = {};
  const first = statements[0];
  const story = statements.find((m) => m.text.includes('What has happened so far'));
  const inv = mails.find(invitation);
  const confirmation = mails.find((m) => /written confirmation/i.test(m.subject));
  if (first) picked.first = first;
  if (story) picked.story = story;
  if (inv) picked.invitation = inv;
  if (confirmation) picked.confirmation = confirmation;
  return picked;
}

/** What a person should never read: an ISO timestamp or a URL. */
function problemsIn(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (hasMachineDate(line)) out.push(`machine date: ${line.trim()}`);
    if (/https?:\/\//.test(line)) out.push(`URL: ${line.trim()}`);
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: 'docs/screenshots' }, only: { type: 'string' } },
  });
  const unavailable = browserUnavailable();
  if (unavailable) {
    console.error(`screenshots: ${unavailable}`);
    process.exit(2);
  }
  const out = path.resolve(values.out ?? 'docs/screenshots');
  mkdirSync(out, { recursive: true });
  const only = values.only?.split(',').map((s) => s.trim());
  const journeys = JOURNEYS.filter((j) => !only || only.includes(j.sample));
  const themes = teamsHostConfigs(path.resolve('node_modules/.cache/concord-screenshots'));
  const renderer = await createRenderer(themes);
  const gallery: string[] = [];
  const warnings: string[] = [];
  try {
    for (const journey of journeys) {
      const procedure = getProcedure(journey.procedureId);
      console.log(`${journey.sample}: walking ${procedure?.shortName ?? journey.procedureId}`);
      const seen = await walk(journey, (line) => console.log(line));
      // Every card delivered on the way, checked at Teams' width: no button title cut off.
      const cut = new Set<string>();
      for (const { card } of seen.cards)
        for (const title of (await renderer.card(card, 'light')).cutButtons) cut.add(title);
      for (const title of cut)
        warnings.push(`${journey.sample}: button cut off at ${TEAMS_CARD_WIDTH} px: "${title}"`);
      const cards = pickCards(seen);
      const emails = pickEmails(seen);
      gallery.push(`## ${procedure?.name ?? journey.procedureId}`, '');
      gallery.push('| | light | dark |', '|---|---|---|');
      for (const { kind, title } of CARD_KINDS) {
        const card = cards[kind];
        if (!card) {
          gallery.push(`| ${title} | (none in this procedure's journey) | |`);
          continue;
        }
        const cells: string[] = [];
        for (const theme of ['light', 'dark'] as const) {
          const file = `${journey.sample}-${kind}-${theme}.png`;
          const shot = await renderer.card(card, theme, path.join(out, file));
          if (shot.overflow > 0)
            warnings.push(`${file}: ${shot.overflow} element(s) cut off or scrolled sideways`);
          if (theme === 'light') for (const p of problemsIn(shot.text)) warnings.push(`${file}: ${p}`);
          cells.push(`![${title}, ${theme}](${file})`);
          console.log(`  wrote ${file}`);
        }
        gallery.push(`| ${title} | ${cells.join(' | ')} |`);
      }
      gallery.push('', '| Email | |', '|---|---|');
      for (const { kind, title } of EMAIL_KINDS) {
        const mail = emails[kind];
        if (!mail) {
          gallery.push(`| ${title} | (none in this procedure's journey) |`);
          continue;
        }
        const file = `${journey.sample}-email-${kind}.png`;
        await renderer.email(
          {
            from: mail.from?.emailAddress.address ?? '',
            to: mail.toRecipients.map((r) => r.emailAddress.address).join('; '),
            subject: mail.subject,
            importance: mail.importance,
            html: mail.html,
          },
          path.join(out, file),
        );
        for (const p of problemsIn(mail.text)) warnings.push(`${file}: ${p}`);
        gallery.push(`| ${title} | ![${title}](${file}) |`);
        console.log(`  wrote ${file}`);
      }
      gallery.push('');
    }
    if (!only || only.includes('tab')) {
      console.log('tab: the Disputes tab and the dashboard');
      const tab = await shootTab(out, (line) => console.log(line));
      warnings.push(...tab.warnings);
      gallery.push('## The Disputes tab and the partnership dashboard', '');
      gallery.push(
        "The app in local mode with four seeded Adopt North East disputes, opened in Chromium as the Team Manager and as the practice leadership group (the oversight role), in Teams' light and dark themes.",
        '',
        '| | light | dark |',
        '|---|---|---|',
      );
      for (const title of [...new Set(tab.shots.map((s) => s.title))]) {
        const cell = (theme: 'light' | 'dark') => {
          const s = tab.shots.find((x) => x.title === title && x.theme === theme);
          return s ? `![${title}, ${theme}](${s.file})` : '';
        };
        gallery.push(`| ${title} | ${cell('light')} | ${cell('dark')} |`);
      }
      gallery.push('');
    }
  } finally {
    await renderer.close();
  }
  if (!only) {
    writeFileSync(
      path.join(out, 'README.md'),
      [
        '# What people see, per procedure',
        '',
        `Taken by \`npm run screenshots\` (tools/screenshots) from one journey per sample partnership, raise to resolution, through the whole app and the local Microsoft 365: the cards as delivered to each person's Teams chat, rendered with the adaptivecards library and Microsoft Teams' own host configs (light and dark) at ${TEAMS_CARD_WIDTH} px, the width of a card in a Teams chat; the emails as the other agency received them, their HTML in a sandboxed frame at ${EMAIL_WIDTH} px.`,
        '',
        ...gallery,
      ].join('\n'),
    );
  }
  if (warnings.length > 0) {
    console.log(`\n${warnings.length} thing(s) that read badly:`);
    for (const w of warnings) console.log(`  ${w}`);
  } else console.log('\nnothing cut off, no machine date and no URL in what people read');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
