/**
 * Whose calendar a dispute meeting is organised from. Concord can only write to calendars in its own
 * (host) tenant: Graph answers 404 for a mailbox in another tenant. So:
 * 1. a convener in the host tenant organises it on their own calendar (as ever);
 * 2. a convener in another tenant (Solihull's Sub-Committee Chair, an independent chair) is invited
 *    as a required attendee to a meeting organised from a host-side calendar, the first of:
 *    a. the shared mailbox of a host-tenant partnership board (`kind: "safeguarding-board"` with a
 *       `sharedMailbox`: the board's Business Team, who arrange such meetings);
 *    b. the shared mailbox of the host organisation of the first host-tenant attendee (the raising
 *       organisation's team mailbox);
 *    c. the calendar of the first host-tenant attendee.
 * With none of these (nobody in the meeting is in the host tenant) there is no calendar Concord may
 * write to, and the booking says so in words instead of failing against Graph.
 * docs/directory-format.md tells a council's IT team which mailboxes this needs.
 */
import type { PersonRef } from '../domain/dispute/types.ts';

export interface OrganiserDirectory {
  /** Whether an address is in the host tenant. */
  isHostTenant(email: string): boolean;
  readonly organisations: readonly {
    readonly id: string;
    readonly kind: string;
    readonly tenant: 'host' | 'external';
    readonly sharedMailbox?: string | undefined;
  }[];
}

export type Organiser =
  | { readonly kind: 'convener'; readonly mailbox: string }
  | {
      readonly kind: 'host-calendar';
      readonly mailbox: string;
      /** Why this calendar: the board's shared mailbox, an organisation's, or an attendee's own. */
      readonly source: 'board-shared-mailbox' | 'organisation-shared-mailbox' | 'attendee-calendar';
    }
  | { readonly kind: 'none' };

export function chooseOrganiser(
  directory: OrganiserDirectory,
  convener: PersonRef,
  attendees: readonly { readonly person: PersonRef; readonly required: boolean }[],
): Organiser {
  if (directory.isHostTenant(convener.email)) return { kind: 'convener', mailbox: lower(convener.email) };
  const board = directory.organisations.find(
    (o) => o.tenant === 'host' && o.kind === 'safeguarding-board' && o.sharedMailbox,
  );
  if (board?.sharedMailbox)
    return { kind: 'host-calendar', mailbox: lower(board.sharedMailbox), source: 'board-shared-mailbox' };
  const hosted = attendees.filter((a) => directory.isHostTenant(a.person.email));
  for (const a of hosted) {
    const org = directory.organisations.find((o) => o.id === a.person.organisationId);
    if (org?.tenant === 'host' && org.sharedMailbox)
      return {
        kind: 'host-calendar',
        mailbox: lower(org.sharedMailbox),
        source: 'organisation-shared-mailbox',
      };
  }
  const first = hosted.find((a) => a.required) ?? hosted[0];
  if (first)
    return { kind: 'host-calendar', mailbox: lower(first.person.email), source: 'attendee-calendar' };
  return { kind: 'none' };
}

const lower = (s: string) => s.toLowerCase();
