import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphError, type Harness, people, type Receiver, startHarness, startReceiver } from './helpers.ts';

let h: Harness;
let receiver: Receiver;
beforeAll(async () => {
  h = await startHarness({
    teamsApps: [
      {
        id: 'a1b2c3d4-0000-4000-8000-0000000000aa',
        externalId: 'concord-manifest-id',
        displayName: 'Concord',
        blockedFor: [people.director],
      },
    ],
  });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

type Attendee = { emailAddress: { address: string }; status: { response: string } };
type GraphEvent = Record<string, unknown> & { id: string; attendees: Attendee[]; iCalUId: string };

const meeting = (transactionId: string, start = '2026-03-10T10:00:00', end = '2026-03-10T11:00:00') => ({
  subject: 'Stage 3 resolution meeting (case ref C-123)',
  importance: 'high',
  body: { contentType: 'html', content: '<p>Agenda: the disputed decision.</p>' },
  start: { dateTime: start, timeZone: 'Europe/London' },
  end: { dateTime: end, timeZone: 'Europe/London' },
  attendees: [
    { emailAddress: { address: people.teamManager }, type: 'required' },
    { emailAddress: { address: people.serviceManager }, type: 'required' },
    { emailAddress: { address: people.gatesheadTeamManager }, type: 'required' },
  ],
  isOnlineMeeting: true,
  onlineMeetingProvider: 'teamsForBusiness',
  allowNewTimeProposals: false,
  transactionId,
});

describe('events', () => {
  it('creates a Teams meeting with a joinUrl; the same transactionId returns the first event', async () => {
    const first: GraphEvent = await h.graph
      .api(`/users/${people.headOfService}/events`)
      .post(meeting('outbox-job-1'));
    expect(first).toMatchObject({
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      importance: 'high',
      isOrganizer: true,
    });
    expect((first.onlineMeeting as { joinUrl: string }).joinUrl).toMatch(
      /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//,
    );
    expect(first.start).toEqual({ dateTime: '2026-03-10T10:00:00.0000000', timeZone: 'UTC' });
    expect(first.attendees.map((a) => a.status.response)).toEqual(['none', 'none', 'none']);
    const again: GraphEvent = await h.graph
      .api(`/users/${people.headOfService}/events`)
      .post(meeting('outbox-job-1'));
    expect(again.id).toBe(first.id);
    const all = await h.graph.api(`/users/${people.headOfService}/events`).get();
    expect(all.value.filter((e: GraphEvent) => e.id === first.id)).toHaveLength(1);
  });

  it('honours Prefer: outlook.timezone', async () => {
    const e: GraphEvent = await h.graph
      .api(`/users/${people.headOfService}/events`)
      .header('Prefer', 'outlook.timezone="Europe/London"')
      .post(meeting('outbox-job-tz', '2026-06-10T10:00:00', '2026-06-10T11:00:00'));
    expect(e.start).toEqual({ dateTime: '2026-06-10T10:00:00.0000000', timeZone: 'Europe/London' });
    const utc = await h.graph.api(`/users/${people.headOfService}/events/${e.id}`).get();
    expect(utc.start.dateTime).toBe('2026-06-10T09:00:00.0000000');
  });

  it('delivers invitations to inboxes and calendars; responses update the organiser copy and notify', async () => {
    const sub = await h.graph.api('/subscriptions').post({
      changeType: 'updated',
      notificationUrl: `${receiver.url}/events`,
      resource: `/users/${people.headOfService}/events`,
      expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
      clientState: 'events-state',
    });
    const organiserEvent: GraphEvent = await h.graph
      .api(`/users/${people.headOfService}/events`)
      .post(meeting('outbox-job-2'));

    // Internal attendee: the invitation is an eventMessageRequest pointing at their copy.
    const inbox = await h.graph
      .api(`/users/${people.teamManager}/mailFolders/inbox/messages`)
      .filter(`subject eq 'Stage 3 resolution meeting (case ref C-123)'`)
      .expand('microsoft.graph.eventMessage/event')
      .get();
    const invitation = inbox.value.find(
      (m: { event?: GraphEvent }) => m.event?.iCalUId === organiserEvent.iCalUId,
    );
    expect(invitation).toMatchObject({
      '@odata.type': '#microsoft.graph.eventMessageRequest',
      meetingMessageType: 'meetingRequest',
    });
    const tmCopy = invitation.event as GraphEvent;
    expect(tmCopy).toMatchObject({ isOrganizer: false, responseStatus: { response: 'notResponded' } });

    await h.graph
      .api(`/users/${people.teamManager}/events/${tmCopy.id}/accept`)
      .post({ comment: 'I will attend', sendResponse: true });
    const after = await h.graph.api(`/users/${people.headOfService}/events/${organiserEvent.id}`).get();
    const tm = after.attendees.find((a: Attendee) => a.emailAddress.address === people.teamManager);
    expect(tm.status.response).toBe('accepted');
    const note = await receiver.waitFor(
      (p) => p.json?.value.some((n) => n.subscriptionId === sub.id) ?? false,
    );
    expect(note.json?.value[0]).toMatchObject({ changeType: 'updated', clientState: 'events-state' });
    expect(String(note.json?.value[0]?.resource)).toContain(`/Events/${organiserEvent.id}`);

    // External attendee (another tenant) answers through the admin API, as the UI would.
    const theirs = await h.admin<{ value: GraphEvent[] }>(
      'GET',
      `/mailboxes/${people.gatesheadTeamManager}/events`,
    );
    const gCopy = theirs.body.value.find((e) => e.iCalUId === organiserEvent.iCalUId) as GraphEvent;
    await h.admin(
      'POST',
      `/mailboxes/${people.gatesheadTeamManager}/events/${encodeURIComponent(gCopy.id)}/respond`,
      { response: 'decline' },
    );
    await h.graph.api(`/users/${people.serviceManager}/events`).get(); // any request; then read the organiser's copy
    const smInvite = (await h.graph.api(`/users/${people.serviceManager}/events`).get()).value.find(
      (e: GraphEvent) => e.iCalUId === organiserEvent.iCalUId,
    );
    await h.graph.api(`/users/${people.serviceManager}/events/${smInvite.id}/tentativelyAccept`).post({});
    const final = await h.graph
      .api(`/users/${people.headOfService}/events/${organiserEvent.id}`)
      .select('attendees')
      .get();
    expect(
      Object.fromEntries(final.attendees.map((a: Attendee) => [a.emailAddress.address, a.status.response])),
    ).toEqual({
      [people.teamManager]: 'accepted',
      [people.serviceManager]: 'tentativelyAccepted',
      [people.gatesheadTeamManager]: 'declined',
    });
    // The organiser gets response messages.
    const responses = await h.graph
      .api(`/users/${people.headOfService}/mailFolders/inbox/messages`)
      .select('subject')
      .top(20)
      .get();
    expect(responses.value.map((m: { subject: string }) => m.subject)).toEqual(
      expect.arrayContaining([
        'Accepted: Stage 3 resolution meeting (case ref C-123)',
        'Declined: Stage 3 resolution meeting (case ref C-123)',
      ]),
    );
  });

  it('a tentative answer or a decline may propose another time, as Graph documents', async () => {
    const allowing = { ...meeting('outbox-job-propose'), allowNewTimeProposals: true };
    const organiserEvent: GraphEvent = await h.graph
      .api(`/users/${people.headOfService}/events`)
      .post(allowing);
    const copyOf = async (address: string) =>
      (await h.graph.api(`/users/${address}/events`).get()).value.find(
        (e: GraphEvent) => e.iCalUId === organiserEvent.iCalUId,
      ) as GraphEvent;
    const proposedNewTime = {
      start: { dateTime: '2026-03-11T14:00:00', timeZone: 'GMT Standard Time' },
      end: { dateTime: '2026-03-11T15:00:00', timeZone: 'GMT Standard Time' },
    };
    const tm = await copyOf(people.teamManager);
    await h.graph
      .api(`/users/${people.teamManager}/events/${tm.id}/tentativelyAccept`)
      .post({ comment: 'Wednesday afternoon suits better', sendResponse: true, proposedNewTime });
    // proposedNewTime needs a response sent; accept takes none.
    const sm = await copyOf(people.serviceManager);
    const silent = await graphError(
      h.graph
        .api(`/users/${people.serviceManager}/events/${sm.id}/decline`)
        .post({ sendResponse: false, proposedNewTime }),
    );
    expect(silent.statusCode).toBe(400);
    await h.graph.api(`/users/${people.serviceManager}/events/${sm.id}/decline`).post({ proposedNewTime });

    const after = await h.graph
      .api(`/users/${people.headOfService}/events/${organiserEvent.id}`)
      .header('Prefer', 'outlook.timezone="UTC"')
      .select('attendees')
      .get();
    const byAddress = Object.fromEntries(after.attendees.map((a: Attendee) => [a.emailAddress.address, a]));
    expect(byAddress[people.teamManager]).toMatchObject({
      status: { response: 'tentativelyAccepted' },
      proposedNewTime: {
        start: { dateTime: '2026-03-11T14:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2026-03-11T15:00:00.0000000', timeZone: 'UTC' },
      },
    });
    expect(byAddress[people.serviceManager]).toMatchObject({ status: { response: 'declined' } });
    expect(byAddress[people.serviceManager].proposedNewTime).toBeDefined();
    // Graph leaves the property out for an attendee who proposed nothing.
    expect('proposedNewTime' in byAddress[people.gatesheadTeamManager]).toBe(false);

    const inbox = await h.graph
      .api(`/users/${people.headOfService}/mailFolders/inbox/messages`)
      .filter(`startswith(subject, 'New Time Proposed')`)
      .get();
    expect(inbox.value.map((m: { responseType: string }) => m.responseType).sort()).toEqual([
      'declined',
      'tentativelyAccepted',
    ]);
    expect(
      inbox.value.find((m: { responseType: string }) => m.responseType === 'tentativelyAccepted'),
    ).toMatchObject({
      '@odata.type': '#microsoft.graph.eventMessageResponse',
      proposedNewTime: { start: { dateTime: expect.stringMatching(/^2026-03-11T14:00:00/) } },
    });

    // Moving the meeting clears the proposals and the answers.
    await h.graph.api(`/users/${people.headOfService}/events/${organiserEvent.id}`).patch({
      start: { dateTime: '2026-03-11T14:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-03-11T15:00:00', timeZone: 'UTC' },
    });
    const moved = await h.graph
      .api(`/users/${people.headOfService}/events/${organiserEvent.id}`)
      .select('attendees')
      .get();
    expect(moved.attendees.some((a: Record<string, unknown>) => 'proposedNewTime' in a)).toBe(false);
  });

  it('the web UI lets an invitee propose a new time (UK time), keeping the meeting’s length', async () => {
    const allowing = { ...meeting('outbox-job-ui-propose'), allowNewTimeProposals: true };
    const organiserEvent: GraphEvent = await h.graph
      .api(`/users/${people.headOfService}/events`)
      .post(allowing);
    const theirs = await h.admin<{ value: GraphEvent[] }>(
      'GET',
      `/mailboxes/${people.gatesheadTeamManager}/events`,
    );
    const copy = theirs.body.value.find((x) => x.iCalUId === organiserEvent.iCalUId) as GraphEvent;
    const form = new URLSearchParams({
      response: 'decline',
      comment: 'Thursday suits us',
      // 12 March 2026 is GMT: 14:30 UK time is 14:30 UTC.
      proposedStart: '2026-03-12T14:30',
      back: '',
    });
    const posted = await fetch(
      `${h.m365.uiUrl}/mailbox/${encodeURIComponent(people.gatesheadTeamManager)}/event/${encodeURIComponent(copy.id)}/respond`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        redirect: 'manual',
      },
    );
    expect(posted.status).toBeLessThan(400);
    const after = await h.graph
      .api(`/users/${people.headOfService}/events/${organiserEvent.id}`)
      .select('attendees')
      .get();
    const g = after.attendees.find((a: Attendee) => a.emailAddress.address === people.gatesheadTeamManager);
    expect(g).toMatchObject({
      status: { response: 'declined' },
      proposedNewTime: {
        start: { dateTime: '2026-03-12T14:30:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2026-03-12T15:30:00.0000000', timeZone: 'UTC' },
      },
    });
  });

  it('refuses a proposal when the organiser did not allow new times (400)', async () => {
    const e: GraphEvent = await h.graph
      .api(`/users/${people.headOfService}/events`)
      .post(meeting('outbox-job-no-proposals'));
    const copy = (await h.graph.api(`/users/${people.teamManager}/events`).get()).value.find(
      (x: GraphEvent) => x.iCalUId === e.iCalUId,
    ) as GraphEvent;
    const refused = await graphError(
      h.graph.api(`/users/${people.teamManager}/events/${copy.id}/tentativelyAccept`).post({
        proposedNewTime: {
          start: { dateTime: '2026-03-12T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2026-03-12T11:00:00', timeZone: 'UTC' },
        },
      }),
    );
    expect(refused.statusCode).toBe(400);
  });

  it('a calendar in another tenant is not found (404), as Graph answers an app from this tenant', async () => {
    const refused = await graphError(
      h.graph.api(`/users/${people.gatesheadTeamManager}/events`).post(meeting('outbox-job-elsewhere')),
    );
    expect(refused.statusCode).toBe(404);
    const schedule = await graphError(
      h.graph.api(`/users/${people.gatesheadTeamManager}/calendar/getSchedule`).post({
        schedules: [people.gatesheadTeamManager],
        startTime: { dateTime: '2026-03-10T09:00:00', timeZone: 'UTC' },
        endTime: { dateTime: '2026-03-10T17:00:00', timeZone: 'UTC' },
      }),
    );
    expect(schedule.statusCode).toBe(404);
  });

  it('PATCH moves the meeting (responses reset) and DELETE cancels it for attendees', async () => {
    const e: GraphEvent = await h.graph
      .api(`/users/${people.headOfService}/events`)
      .post(meeting('outbox-job-3'));
    const moved = await h.graph.api(`/users/${people.headOfService}/events/${e.id}`).patch({
      start: { dateTime: '2026-03-11T14:00:00', timeZone: 'Europe/London' },
      end: { dateTime: '2026-03-11T15:00:00', timeZone: 'Europe/London' },
    });
    expect(moved.start.dateTime).toBe('2026-03-11T14:00:00.0000000');
    await h.graph.api(`/users/${people.headOfService}/events/${e.id}`).delete();
    const tmEvents = await h.graph.api(`/users/${people.teamManager}/events`).top(50).get();
    const copy = tmEvents.value.find((x: GraphEvent) => x.iCalUId === e.iCalUId);
    expect(copy).toMatchObject({ isCancelled: true });
    expect(
      (await graphError(h.graph.api(`/users/${people.headOfService}/events/${e.id}`).get())).statusCode,
    ).toBe(404);
  });

  it('calendarView returns events in the window and requires the window', async () => {
    const view = await h.graph
      .api(`/users/${people.headOfService}/calendarView`)
      .query({ startDateTime: '2026-03-10T00:00:00Z', endDateTime: '2026-03-11T00:00:00Z' })
      .get();
    expect(view.value.length).toBeGreaterThan(0);
    expect(
      view.value.every((e: GraphEvent) =>
        String((e.start as { dateTime: string }).dateTime).startsWith('2026-03-10'),
      ),
    ).toBe(true);
    const error = await graphError(h.graph.api(`/users/${people.headOfService}/calendar/calendarView`).get());
    expect(error.statusCode).toBe(400);
  });

  it('rejects a bad enum value and an unknown property with RequestBodyRead', async () => {
    const badEnum = await graphError(
      h.graph.api(`/users/${people.headOfService}/events`).post({ ...meeting('x1'), importance: 'urgent' }),
    );
    expect(badEnum).toMatchObject({ statusCode: 400, code: 'RequestBodyRead' });
    expect(badEnum.message).toContain("'urgent'");
    const unknown = await graphError(
      h.graph.api(`/users/${people.headOfService}/events`).post({ ...meeting('x2'), agenda: 'x' }),
    );
    expect(unknown).toMatchObject({ statusCode: 400, code: 'RequestBodyRead' });
    expect(unknown.message).toContain("'agenda' does not exist on type 'microsoft.graph.event'");
    const badMessage = await graphError(
      h.graph.api(`/users/${people.headOfService}/messages`).post({ subject: 'x', importance: 'urgent' }),
    );
    expect(badMessage).toMatchObject({ statusCode: 400, code: 'RequestBodyRead' });
  });
});

describe('getSchedule', () => {
  it('returns busy items, the availability view and working hours; external people are unknown', async () => {
    await h.admin('POST', `/mailboxes/${people.director}/busy`, {
      start: '2026-03-12T10:00:00Z',
      end: '2026-03-12T11:00:00Z',
      subject: 'Panel',
    });
    const res = await h.graph.api(`/users/${people.headOfService}/calendar/getSchedule`).post({
      schedules: [people.director, people.gatesheadTeamManager],
      startTime: { dateTime: '2026-03-12T09:00:00', timeZone: 'Europe/London' },
      endTime: { dateTime: '2026-03-12T12:00:00', timeZone: 'Europe/London' },
      availabilityViewInterval: 30,
    });
    const [director, gateshead] = res.value;
    expect(director).toMatchObject({
      scheduleId: people.director,
      availabilityView: '002200',
      workingHours: {
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        startTime: '09:00:00.0000000',
        endTime: '17:00:00.0000000',
        timeZone: { name: 'GMT Standard Time' },
      },
    });
    expect(director.scheduleItems).toEqual([
      expect.objectContaining({
        status: 'busy',
        subject: 'Panel',
        start: { dateTime: '2026-03-12T10:00:00.0000000', timeZone: 'Europe/London' },
      }),
    ]);
    expect(gateshead.error.responseCode).toBe('ErrorNoFreeBusyAccess');
  });

  it('counts accepted meetings as busy', async () => {
    const res = await h.graph.api(`/users/${people.headOfService}/calendar/getSchedule`).post({
      schedules: [people.teamManager],
      startTime: { dateTime: '2026-03-10T09:00:00', timeZone: 'Europe/London' },
      endTime: { dateTime: '2026-03-10T12:00:00', timeZone: 'Europe/London' },
      availabilityViewInterval: 60,
    });
    expect(res.value[0].availabilityView).toMatch(/^0[12]0$/);
  });
});

describe('teamwork/installedApps', () => {
  it('installs the app for a user once (409 after), lists it with $expand and $filter, and gives the chat', async () => {
    const catalog = await h.graph
      .api('/appCatalogs/teamsApps')
      .filter("externalId eq 'concord-manifest-id'")
      .get();
    const appId = catalog.value[0].id;
    const bind = { 'teamsApp@odata.bind': `${h.m365.graphBaseUrl}/appCatalogs/teamsApps/${appId}` };
    await h.graph.api(`/users/${people.serviceManager}/teamwork/installedApps`).post(bind);
    const conflict = await graphError(
      h.graph.api(`/users/${people.serviceManager}/teamwork/installedApps`).post(bind),
    );
    expect(conflict.statusCode).toBe(409);
    const list = await h.graph
      .api(`/users/${people.serviceManager}/teamwork/installedApps`)
      .expand('teamsAppDefinition')
      .filter(`teamsApp/externalId eq 'concord-manifest-id'`)
      .get();
    expect(list.value).toHaveLength(1);
    expect(list.value[0].teamsAppDefinition).toMatchObject({ teamsAppId: appId, displayName: 'Concord' });
    const chat = await h.graph
      .api(`/users/${people.serviceManager}/teamwork/installedApps/${list.value[0].id}/chat`)
      .get();
    expect(chat.id).toMatch(/^19:.+@unq\.gbl\.spaces$/);
    const missing = await graphError(
      h.graph
        .api(`/users/${people.teamManager}/teamwork/installedApps`)
        .post({ 'teamsApp@odata.bind': `${h.m365.graphBaseUrl}/appCatalogs/teamsApps/nope` }),
    );
    expect(missing.statusCode).toBe(404);
  });

  it('refuses the install (403) for someone the app permission policy blocks it for, and has no chat for an installation that does not exist (404)', async () => {
    const appId = 'a1b2c3d4-0000-4000-8000-0000000000aa';
    const refused = await graphError(
      h.graph
        .api(`/users/${people.director}/teamwork/installedApps`)
        .post({ 'teamsApp@odata.bind': `${h.m365.graphBaseUrl}/appCatalogs/teamsApps/${appId}` }),
    );
    expect(refused.statusCode).toBe(403);
    const listed = await h.graph.api(`/users/${people.director}/teamwork/installedApps`).get();
    expect(listed.value).toEqual([]);
    const noChat = await graphError(
      h.graph.api(`/users/${people.director}/teamwork/installedApps/bm90LWluc3RhbGxlZA==/chat`).get(),
    );
    expect(noChat.statusCode).toBe(404);
  });
});

describe('$batch', () => {
  it('runs up to 20 requests, honours dependsOn, and returns 200 with inner statuses', async () => {
    const res = await h.graph.api('/$batch').post({
      requests: [
        { id: '1', method: 'GET', url: `/users/${people.teamManager}?$select=displayName` },
        { id: '2', method: 'GET', url: `/users/${people.director}/manager` },
        {
          id: '3',
          method: 'POST',
          url: `/users/${people.teamManager}/messages`,
          headers: { 'content-type': 'application/json' },
          body: { subject: 'from batch' },
        },
      ],
    });
    const byId = Object.fromEntries(res.responses.map((r: { id: string }) => [r.id, r]));
    expect(byId['1']).toMatchObject({ status: 200, body: { displayName: 'Team Manager, Adopt North East' } });
    expect(byId['2']).toMatchObject({ status: 404, body: { error: { code: 'Request_ResourceNotFound' } } });
    expect(byId['3']).toMatchObject({ status: 201, body: { subject: 'from batch', isDraft: true } });
    // Serial: each after the one before, and 424 once one failed.
    const serial = await h.graph.api('/$batch').post({
      requests: [
        { id: 'a', method: 'GET', url: `/users/${people.teamManager}` },
        { id: 'b', method: 'GET', url: '/users/nobody@ane.example', dependsOn: ['a'] },
        { id: 'c', method: 'GET', url: `/users/${people.teamManager}`, dependsOn: ['b'] },
      ],
    });
    const serialById = Object.fromEntries(serial.responses.map((r: { id: string }) => [r.id, r]));
    expect([serialById.a.status, serialById.b.status, serialById.c.status]).toEqual([200, 404, 424]);
    const tooMany = await graphError(
      h.graph.api('/$batch').post({
        requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users' })),
      }),
    );
    expect(tooMany.statusCode).toBe(400);
  });

  it('refuses dependencies that are neither parallel, serial nor all on the same request, as Graph does', async () => {
    const get = (id: string, dependsOn?: string[]) => ({
      id,
      method: 'GET',
      url: `/users/${people.teamManager}`,
      ...(dependsOn ? { dependsOn } : {}),
    });
    // The same dependency for every request that states one is allowed.
    const same = await h.graph
      .api('/$batch')
      .post({ requests: [get('1'), get('2', ['1']), get('3', ['1'])] });
    expect(same.responses.map((r: { status: number }) => r.status)).toEqual([200, 200, 200]);
    for (const requests of [
      [get('1'), get('2'), get('3', ['2']), get('4', ['1'])], // mixed
      [get('1'), get('2'), get('3', ['1', '2'])], // more than one
      [get('1', ['2']), get('2')], // a later request
    ]) {
      const refused = await graphError(h.graph.api('/$batch').post({ requests }));
      expect(refused.statusCode).toBe(400);
    }
  });
});
