/**
 * The Disputes tab and the partnership dashboard, in the browser. Inside Teams: teams-js
 * `app.initialize()`, the theme from `app.getContext()` (and its change handler), and the SSO token
 * from `authentication.getAuthToken()`. Outside Teams (local mode only): the server offers a
 * "sign in as" list of directory people and a token from the local issuer; anywhere else it says to
 * open the tab in Teams. Every API call carries the token as a bearer. Text is always set with
 * `textContent`, never parsed as HTML.
 */
(() => {
  const view = document.body.dataset.view;
  const params = new URLSearchParams(window.location.search);
  const statusLine = document.getElementById('status');
  const content = document.getElementById('content');
  const who = document.getElementById('who');
  const teams = window.microsoftTeams;
  let token = null;
  let inTeams = false;

  const THEMES = { default: 'theme-default', dark: 'theme-dark', contrast: 'theme-contrast' };
  let theme = 'default';
  function applyTheme(next) {
    const changed = theme !== (THEMES[next] ? next : 'default');
    theme = THEMES[next] ? next : 'default';
    document.body.classList.remove(...Object.values(THEMES));
    document.body.classList.add(THEMES[theme]);
    // The dashboard's charts are drawn for the theme: redraw them when Teams changes it.
    if (changed && token && view === 'oversight') route(null);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function say(text) {
    statusLine.textContent = text;
  }

  async function api(path, options) {
    const response = await fetch(path, {
      ...(options || {}),
      headers: { authorization: `Bearer ${token}`, ...(options?.headers || {}) },
    });
    if (!response.ok) {
      let message = `${response.status}`;
      try {
        message = (await response.json()).error || message;
      } catch {
        // not JSON
      }
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return response;
  }

  const when = (iso) =>
    iso
      ? new Date(iso).toLocaleString('en-GB', {
          dateStyle: 'medium',
          timeStyle: 'short',
          timeZone: 'Europe/London',
        })
      : '—';

  /** A calendar day ("2027-01-01") in words, as the cards write it: "Friday 1 January 2027". */
  const dayWords = (day) =>
    new Date(`${day}T12:00:00Z`)
      .toLocaleDateString('en-GB', {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'Europe/London',
      })
      .replace(',', '');

  function ragBadge(rag, label) {
    return el(
      'span',
      { class: `rag rag-${rag}`, 'data-rag': rag },
      el('span', { 'aria-hidden': 'true', class: 'dot' }),
      label,
    );
  }

  function openChat(url) {
    return (event) => {
      if (inTeams && teams?.app?.openLink) {
        event.preventDefault();
        teams.app.openLink(url);
      }
    };
  }

  /** A link to the chat with Concord; in local mode with no Agents Playground running, where it is. */
  function chatLink(url, text) {
    if (!url)
      return 'Local mode: the Concord chat is the Agents Playground that npm start opens (its address is in the banner); this tab has no link to it.';
    return el('a', { href: url, target: '_blank', rel: 'noopener', onclick: openChat(url), text });
  }

  function table(caption, header, rows, attrs) {
    return el(
      'table',
      attrs || {},
      el('caption', { text: caption }),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          header.map((h) => el('th', { scope: 'col', text: h })),
        ),
      ),
      el('tbody', {}, rows),
    );
  }

  function focusHeading(node) {
    node.setAttribute('tabindex', '-1');
    node.focus();
  }

  // ── My disputes ─────────────────────────────────────────────────────────────
  async function showList() {
    say('Loading your disputes…');
    const data = await (await api('/tab/api/disputes')).json();
    const heading = el('h2', { text: `Disputes you take part in (${data.disputes.length})` });
    const rows = data.disputes.map((d) =>
      el(
        'tr',
        { 'data-dispute-id': d.disputeId },
        el(
          'th',
          { scope: 'row', 'data-col': 'case' },
          el('a', { href: `#dispute=${encodeURIComponent(d.disputeId)}`, text: d.caseReference }),
        ),
        el('td', { 'data-col': 'procedure', text: d.procedure }),
        el('td', { 'data-col': 'step', text: d.step }),
        el('td', { 'data-col': 'status', text: d.status }),
        el('td', { 'data-col': 'whose' }, d.yourMove ? el('strong', { text: 'Yours' }) : d.whose || 'No one'),
        el('td', { 'data-col': 'deadline', text: d.deadline.line }),
        el('td', { 'data-col': 'rag' }, ragBadge(d.deadline.rag, d.deadline.ragLabel)),
      ),
    );
    content.replaceChildren(
      heading,
      data.disputes.length === 0
        ? el('p', { text: 'You take part in no disputes.' })
        : table(
            'Your disputes: the current step, whose move it is, and the stage deadline',
            ['Case reference', 'Procedure', 'Step', 'Status', 'Whose move', 'Deadline', 'RAG'],
            rows,
            { id: 'disputes' },
          ),
      el(
        'p',
        { id: 'chat' },
        chatLink(data.botChatUrl, 'Raise a dispute or act on a card in the Concord chat'),
      ),
    );
    say(`${data.disputes.length} disputes.`);
    return heading;
  }

  /** The form a party uses to mark an agreed action done, with the day it was done. */
  function doneForm(disputeId, action, today) {
    const id = `done-${action.outcomeIndex}-${action.actionIndex}`;
    const form = el(
      'form',
      {
        class: 'done',
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            await api('/tab/api/action-done', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                disputeId,
                outcomeIndex: action.outcomeIndex,
                actionIndex: action.actionIndex,
                doneOn: form.elements.doneOn.value,
              }),
            });
            const heading = await showDispute(disputeId);
            say(`Marked done: ${action.description}.`);
            focusHeading(heading);
          } catch (error) {
            say(error.message);
            form.querySelector('[role=alert]')?.remove();
            form.append(el('span', { role: 'alert', text: error.message }));
          }
        },
      },
      el('label', { for: id, text: 'Done on ' }),
      el('input', {
        id,
        name: 'doneOn',
        type: 'date',
        value: today,
        min: action.agreedOn,
        max: today,
        required: true,
      }),
      el('button', { type: 'submit', text: 'Mark done' }),
    );
    return form;
  }

  async function showDispute(id) {
    say('Loading the dispute…');
    let data;
    try {
      data = await (await api(`/tab/api/dispute?id=${encodeURIComponent(id)}`)).json();
    } catch (error) {
      const heading = el('h2', { text: 'Not available' });
      content.replaceChildren(
        heading,
        el('p', { role: 'alert', text: error.message }),
        el('p', {}, el('a', { href: '#', text: 'Back to my disputes' })),
      );
      say(error.message);
      return heading;
    }
    const d = data.dispute;
    const f = data.facts;
    const heading = el('h2', { id: 'dispute-heading', text: `${d.caseReference} · ${d.procedure}` });
    const fact = (term, value) => [el('dt', { text: term }), el('dd', {}, value)];
    content.replaceChildren(
      el('p', {}, el('a', { href: '#', text: 'Back to my disputes' })),
      heading,
      el(
        'dl',
        { class: 'facts', id: 'facts' },
        fact('Step', d.step),
        fact('Status', d.status),
        fact('Whose move', d.yourMove ? 'Yours' : d.whose || 'No one'),
        fact('Deadline', d.deadline.line),
        fact('RAG', ragBadge(d.deadline.rag, d.deadline.ragLabel)),
        d.deadline.overallWarning ? fact('Overall limit', d.deadline.overallWarning) : [],
        fact('Category', f.category),
        fact('Partner organisation', f.partnerOrganisation),
        fact('Raised', `${when(f.raisedAt)} by ${f.raisedBy}`),
        fact('What is in dispute', f.issue),
        fact('Resolution sought', f.resolutionSought),
      ),
      el(
        'p',
        { class: d.yourMove ? 'action yours' : 'action' },
        d.yourMove ? 'It is your move. ' : '',
        chatLink(
          data.botChatUrl,
          d.yourMove ? 'Act on the card in the Concord chat' : 'Open the Concord chat',
        ),
      ),
      el('h3', { text: 'Agreed actions' }),
      data.actions.length === 0
        ? el('p', { text: 'No actions have been agreed.' })
        : table(
            'Agreed actions: mark one done when it has been done',
            ['Action', 'Owner', 'Due by', 'Agreed at', 'Done'],
            data.actions.map((a) =>
              el(
                'tr',
                { 'data-action': `${a.outcomeIndex}-${a.actionIndex}` },
                el('td', { text: a.description }),
                el('td', { text: a.owner }),
                el('td', { text: a.dueInWords }),
                el('td', { text: a.stage }),
                el(
                  'td',
                  { 'data-col': 'done' },
                  a.done
                    ? `Done on ${a.done.onInWords} (marked by ${a.done.by})`
                    : doneForm(d.disputeId, a, data.today),
                ),
              ),
            ),
            { id: 'actions' },
          ),
      el('h3', { text: 'Case record' }),
      data.records.length === 0
        ? el('p', { text: 'No record entries yet.' })
        : table(
            'Case record: what happened at each stage',
            ['When', 'Stage', 'Contact', 'Between', 'Summary', 'Outcome'],
            data.records.map((r) =>
              el(
                'tr',
                {},
                el('td', { text: when(r.at) }),
                el('td', { text: r.stage }),
                el('td', { text: r.contactType }),
                el('td', { text: r.between.join(', ') }),
                el('td', { text: r.summary }),
                el('td', { text: r.outcome || '' }),
              ),
            ),
            { id: 'records' },
          ),
      el('h3', { text: 'Timeline' }),
      table(
        'Timeline from the audit log',
        ['#', 'When', 'Through', 'By', 'Event', 'Stage'],
        data.timeline.map((t) =>
          el(
            'tr',
            {},
            el('td', { text: String(t.seq) }),
            el('td', { text: when(t.at) }),
            el('td', { text: t.source }),
            el('td', { text: t.by || '—' }),
            el('td', { 'data-col': 'event', text: t.event }),
            el('td', { text: t.stage }),
          ),
        ),
        { id: 'timeline' },
      ),
    );
    say(`${d.caseReference}: ${d.step}.`);
    return heading;
  }

  // ── Partnership dashboard ──────────────────────────────────────────────────
  function period() {
    const today = new Date().toISOString().slice(0, 10);
    return { from: params.get('from') || `${today.slice(0, 4)}-01-01`, to: params.get('to') || today };
  }

  async function download(format, range) {
    const response = await api(
      `/tab/api/report?from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}&format=${format}`,
    );
    const blob = await response.blob();
    const link = el('a', {
      href: URL.createObjectURL(blob),
      download: `concord-report-${range.from}-to-${range.to}.${format}`,
    });
    document.body.append(link);
    link.click();
    link.remove();
    say(`The ${format.toUpperCase()} report is downloading.`);
  }

  /** The oversight role records what became of a learning item (taken to the board, policy changed, no action). */
  function followUpForm(items) {
    if (items.length === 0) return null;
    const outcomes = [
      ['taken-to-board', 'Taken to the board'],
      ['policy-changed', 'Policy or procedure changed'],
      ['no-action', 'No action'],
    ];
    const form = el(
      'form',
      {
        class: 'follow-up',
        id: 'follow-up',
        onsubmit: async (event) => {
          event.preventDefault();
          // `elements.item` is the collection's item() method, not the field named "item".
          const [disputeId, itemId] = form.elements.namedItem('item').value.split('|');
          try {
            await api('/tab/api/learning-follow-up', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                disputeId,
                itemId,
                outcome: form.elements.outcome.value,
                note: form.elements.note.value,
              }),
            });
            const heading = await showDashboard();
            say('Recorded what became of it.');
            focusHeading(heading);
          } catch (error) {
            say(error.message);
            form.querySelector('[role=alert]')?.remove();
            form.append(el('p', { role: 'alert', text: error.message }));
          }
        },
      },
      el('h3', { text: 'Record what became of a learning item' }),
      el('label', { for: 'fu-item', text: 'Learning item ' }),
      el(
        'select',
        { id: 'fu-item', name: 'item' },
        items.map((i) =>
          el('option', {
            value: `${i.disputeId}|${i.itemId}`,
            text: `${i.caseReference} · ${i.procedure} · ${i.itemId}`,
          }),
        ),
      ),
      el('label', { for: 'fu-outcome', text: ' What became of it ' }),
      el(
        'select',
        { id: 'fu-outcome', name: 'outcome' },
        outcomes.map(([value, text]) => el('option', { value, text })),
      ),
      el('label', { for: 'fu-note', text: ' Note (shown only to the dispute’s parties) ' }),
      el('input', { id: 'fu-note', name: 'note', type: 'text', maxlength: '2000' }),
      el('button', { type: 'submit', text: 'Record' }),
    );
    return form;
  }

  async function showDashboard() {
    const range = period();
    say('Loading the figures…');
    let data;
    try {
      data = await (
        await api(
          `/tab/api/dashboard?from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}&theme=${theme}`,
        )
      ).json();
    } catch (error) {
      const heading = el('h2', { text: 'Not available' });
      content.replaceChildren(heading, el('p', { role: 'alert', text: error.message }));
      say(error.message);
      return heading;
    }
    const charts = new Map(data.charts.map((c) => [c.id, c]));
    const form = el(
      'form',
      {
        class: 'period',
        onsubmit: (event) => {
          event.preventDefault();
          const next = new URLSearchParams(window.location.search);
          next.set('from', form.elements.from.value);
          next.set('to', form.elements.to.value);
          window.location.search = next.toString();
        },
      },
      el('label', { for: 'from' }, 'From '),
      el('input', { id: 'from', name: 'from', type: 'date', value: range.from, required: true }),
      el('label', { for: 'to' }, ' to '),
      el('input', { id: 'to', name: 'to', type: 'date', value: range.to, required: true }),
      el('button', { type: 'submit', text: 'Show' }),
      el('button', {
        type: 'button',
        id: 'csv',
        onclick: () => download('csv', range),
        text: 'Download CSV',
      }),
      el('button', {
        type: 'button',
        id: 'docx',
        onclick: () => download('docx', range),
        text: 'Download DOCX',
      }),
    );
    const heading = el('h2', { text: `Figures for ${dayWords(range.from)} to ${dayWords(range.to)}` });
    const sections = data.tables.map((t) => {
      const chart = charts.get(t.id);
      return el(
        'section',
        { class: 'figure', 'aria-labelledby': `h-${t.id}` },
        el('h3', { id: `h-${t.id}`, text: t.title }),
        el(
          'div',
          { class: 'side-by-side' },
          chart
            ? el('img', {
                class: 'chart',
                src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(chart.svg)}`,
                alt: `${chart.title}. ${chart.description}`,
              })
            : null,
          t.rows.length === 0
            ? el('p', { text: 'None in this period.' })
            : table(
                t.title,
                t.header,
                t.rows.map((row) =>
                  el(
                    'tr',
                    {},
                    row.map((cell) => el('td', { text: String(cell) })),
                  ),
                ),
                { 'data-table': t.id },
              ),
        ),
      );
    });
    const followUp = followUpForm(data.figures.learning);
    content.replaceChildren(
      heading,
      form,
      // No learning items: no form (replaceChildren would print a null as "null").
      ...(followUp ? [followUp] : []),
      el('p', {
        class: 'note',
        text: `Open disputes, RAG, overdue steps and agreed actions are as at ${when(data.figures.period.asAt)}. Case references only: case details are shown only to the people taking part.`,
      }),
      ...sections,
    );
    say('Figures loaded.');
    return heading;
  }

  /** On the first load focus stays where the host put it; after a navigation it moves to the new heading. */
  async function route(event) {
    try {
      let heading;
      if (view === 'oversight') heading = await showDashboard();
      else {
        const match = /^#dispute=(.+)$/.exec(window.location.hash);
        heading = match ? await showDispute(decodeURIComponent(match[1])) : await showList();
      }
      if (heading && event) focusHeading(heading);
    } catch (error) {
      say(`Something went wrong: ${error.message}`);
    }
  }

  // ── Sign-in ────────────────────────────────────────────────────────────────
  async function localSignIn() {
    const response = await fetch('/tab/local/people');
    if (!response.ok) {
      say('Open this tab in Microsoft Teams to sign in.');
      return;
    }
    const people = await response.json();
    const chosen = params.get('as');
    if (chosen) {
      const answer = await fetch('/tab/local/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ personId: chosen }),
      });
      if (answer.ok) {
        token = (await answer.json()).token;
        return started();
      }
      say(`Could not sign in as ${chosen}.`);
    }
    const select = el(
      'select',
      { id: 'person', name: 'as' },
      people.map((p) =>
        el('option', {
          value: p.id,
          text: `${p.name}${p.roles.includes('oversight') ? ' (oversight)' : ''}`,
        }),
      ),
    );
    const form = el(
      'form',
      { method: 'get', class: 'sign-in' },
      el('p', {
        text: 'Local mode: sign in as a person of the partnership (the local Microsoft 365 issues the token).',
      }),
      el('label', { for: 'person', text: 'Sign in as ' }),
      select,
      params.get('theme') ? el('input', { type: 'hidden', name: 'theme', value: params.get('theme') }) : null,
      el('button', { type: 'submit', text: 'Sign in' }),
    );
    content.replaceChildren(form);
    say('Choose who to sign in as.');
  }

  async function started() {
    const me = await (await api('/tab/api/me')).json();
    who.textContent = `Signed in as ${me.name}`;
    const other =
      view === 'oversight'
        ? el('a', { href: `/tab/${window.location.search}`, text: 'My disputes' })
        : me.oversight
          ? el('a', { href: `/tab/oversight${window.location.search}`, text: 'Partnership dashboard' })
          : null;
    if (other) who.append(' · ', other);
    window.addEventListener('hashchange', route);
    await route(null);
  }

  async function start() {
    applyTheme(params.get('theme') || 'default');
    const framed = window.parent !== window;
    if (framed && teams?.app) {
      try {
        await teams.app.initialize();
        inTeams = true;
        const context = await teams.app.getContext();
        applyTheme(context.app.theme);
        teams.app.registerOnThemeChangeHandler(applyTheme);
        token = await teams.authentication.getAuthToken();
        // Awaited here, so a refused token (401) is reported below, not lost as an unhandled rejection.
        return await started();
      } catch (error) {
        if (inTeams) {
          say(`Teams could not sign you in: ${error.message || error}`);
          return;
        }
      }
    }
    return localSignIn();
  }

  start();
})();
