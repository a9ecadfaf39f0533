/**
 * Calendar: events (also under /calendar/events), attendee responses, cancel, calendarView and
 * calendar/getSchedule.
 */
import {
  createEvent,
  deleteEvent,
  eventsBetween,
  getEvent,
  type ResponseAction,
  renderEvent,
  respondToEvent,
  scheduleFor,
  type TimeSlot,
  updateEvent,
} from '../calendar.ts';
import { badRequest } from '../graph-error.ts';
import { type Json, orderAndPage } from '../odata.ts';
import { type Route, type RouteContext, route } from '../router.ts';
import type { Mailbox, StoredEvent } from '../state.ts';
import { type DateTimeTimeZone, toInstant } from '../time-zones.ts';
import { accepted, collection, entity, mailboxOf, objectBody } from './common.ts';

const eventContext = (m: Mailbox) => `users('${m.id}')/events/$entity`;
const render = (ctx: RouteContext, e: StoredEvent) =>
  renderEvent(e, { select: ctx.query().select, prefer: ctx.prefer });

function pageSize(ctx: RouteContext): number {
  const m = /odata\.maxpagesize=(\d+)/i.exec(ctx.prefer ?? '');
  return m ? Number(m[1]) : 10;
}

function list(ctx: RouteContext, events: StoredEvent[], mailbox: Mailbox): ReturnType<typeof collection> {
  const q = ctx.query();
  const byId = new Map(events.map((e) => [String(e.data.id), e]));
  const { page, more, nextSkip } = orderAndPage(
    events.map((e) => e.data),
    q,
    pageSize(ctx),
  );
  return collection(
    ctx,
    `users('${mailbox.id}')/events`,
    page.map((d) => render(ctx, byId.get(String(d.id)) as StoredEvent)),
    more ? { skip: nextSkip } : undefined,
  );
}

function eventRoutes(prefix: string): Route[] {
  return [
    route('GET', `${prefix}/events`, (ctx) => {
      const mailbox = mailboxOf(ctx);
      return list(ctx, [...mailbox.events.values()], mailbox);
    }),
    route('POST', `${prefix}/events`, (ctx) => {
      const mailbox = mailboxOf(ctx);
      const input = ctx.services.validator.entity('event', objectBody(ctx));
      const { event } = createEvent(ctx.services.state, mailbox, input, {
        teams: ctx.services.faults.teamsEnabled(mailbox),
      });
      return entity(ctx, eventContext(mailbox), render(ctx, event), 201);
    }),
    route('GET', `${prefix}/events/:id`, (ctx) => {
      const mailbox = mailboxOf(ctx);
      return entity(ctx, eventContext(mailbox), render(ctx, getEvent(mailbox, ctx.params.id ?? '')));
    }),
    route('PATCH', `${prefix}/events/:id`, (ctx) => {
      const mailbox = mailboxOf(ctx);
      const patch = ctx.services.validator.entity('event', objectBody(ctx));
      return entity(
        ctx,
        eventContext(mailbox),
        render(ctx, updateEvent(ctx.services.state, mailbox, ctx.params.id ?? '', patch)),
      );
    }),
    route('DELETE', `${prefix}/events/:id`, (ctx) => {
      deleteEvent(ctx.services.state, mailboxOf(ctx), ctx.params.id ?? '');
      return { status: 204 };
    }),
    route('POST', `${prefix}/events/:id/cancel`, (ctx) => {
      const body = ctx.services.validator.action('cancel', 'event', ctx.body());
      deleteEvent(ctx.services.state, mailboxOf(ctx), ctx.params.id ?? '', {
        cancel: true,
        ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
      });
      return accepted();
    }),
    ...(['accept', 'tentativelyAccept', 'decline'] as const).map((action: ResponseAction) =>
      route('POST', `${prefix}/events/:id/${action}`, (ctx) => {
        const body = ctx.services.validator.action(action, 'event', ctx.body());
        const proposed = body.proposedNewTime as TimeSlot | undefined;
        respondToEvent(ctx.services.state, mailboxOf(ctx), ctx.params.id ?? '', action, {
          ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
          ...(typeof body.sendResponse === 'boolean' ? { sendResponse: body.sendResponse } : {}),
          ...(proposed && typeof proposed === 'object' ? { proposedNewTime: proposed } : {}),
        });
        return accepted();
      }),
    ),
    route('GET', `${prefix}/calendarView`, calendarView),
  ];
}

function calendarView(ctx: RouteContext) {
  const mailbox = mailboxOf(ctx);
  const params = ctx.req.url.searchParams;
  const get = (n: string) =>
    params.get(n) ?? params.get(n.toLowerCase()) ?? params.get(n.charAt(0).toUpperCase() + n.slice(1));
  const start = get('startDateTime');
  const end = get('endDateTime');
  if (!start || !end)
    throw badRequest(
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      'ErrorInvalidParameter',
    );
  const s = toInstant({ dateTime: start, timeZone: 'UTC' });
  const e = toInstant({ dateTime: end, timeZone: 'UTC' });
  return list(ctx, eventsBetween(mailbox, s, e), mailbox);
}

function getSchedule(ctx: RouteContext) {
  const mailbox = mailboxOf(ctx);
  const body = ctx.services.validator.action('getSchedule', 'calendar', ctx.body());
  const schedules = (body.schedules as string[] | undefined) ?? [];
  const startTime = body.startTime as DateTimeTimeZone | undefined;
  const endTime = body.endTime as DateTimeTimeZone | undefined;
  if (!schedules.length || !startTime || !endTime)
    throw badRequest('Schedules, StartTime and EndTime are required.', 'ErrorInvalidParameter');
  if (schedules.length > 100)
    throw badRequest('The number of schedules exceeds the maximum of 100.', 'ErrorInvalidParameter');
  const interval = (body.availabilityViewInterval as number | undefined) ?? 30;
  if (interval < 5 || interval > 1440)
    throw badRequest('AvailabilityViewInterval must be between 5 and 1440 minutes.', 'ErrorInvalidParameter');
  const start = toInstant(startTime);
  const end = toInstant(endTime);
  if (end <= start) throw badRequest('The end time must be after the start time.', 'ErrorInvalidParameter');
  if (end.getTime() - start.getTime() > 62 * 24 * 3600_000)
    throw badRequest('The requested time duration exceeds the maximum of 62 days.', 'ErrorInvalidParameter');
  const value: Json[] = schedules.map((address) => {
    const target = ctx.services.state.find(address);
    if (!target)
      return {
        scheduleId: address,
        availabilityView: '',
        scheduleItems: [],
        error: {
          message: `The recipient '${address}' was not found.`,
          responseCode: 'ErrorMailRecipientNotFound',
        },
      };
    if (target.tenantId !== mailbox.tenantId)
      return {
        scheduleId: address,
        availabilityView: '',
        scheduleItems: [],
        error: {
          message: 'Free/busy information is not available for recipients outside the organization.',
          responseCode: 'ErrorNoFreeBusyAccess',
        },
      };
    return { ...scheduleFor(target, start, end, interval, startTime.timeZone), scheduleId: address };
  });
  return {
    status: 200,
    body: {
      '@odata.context': `${ctx.baseUrl}/$metadata#Collection(microsoft.graph.scheduleInformation)`,
      value,
    },
  };
}

export const calendarRoutes: Route[] = [
  ...eventRoutes('users/:user'),
  ...eventRoutes('users/:user/calendar'),
  route('POST', 'users/:user/calendar/getSchedule', getSchedule),
];
