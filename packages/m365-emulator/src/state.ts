/**
 * The emulator's in-memory Microsoft 365: tenants, users and their mailboxes (messages in folders,
 * calendar events, busy blocks, installed Teams apps), and Graph subscriptions.
 *
 * Glossary:
 * - **mailbox**: one user's (or shared, or ad-hoc) Exchange mailbox and calendar. Ad-hoc mailboxes are
 *   created when mail arrives for an address nobody configured, so any counterpart can be played.
 * - **seq**: a per-mailbox change counter. Every create/update stamps the item; delta tokens remember it.
 * - **change**: what a subscription may be told about (created/updated/deleted message or event).
 *
 * The state knows nothing of HTTP. Mail and calendar behaviour live in ./mail.ts and ./calendar.ts.
 */
import type { EmulatorClock } from './clock.ts';
import { stableGuid } from './ids.ts';
import type { Json } from './odata.ts';
import { graphManagerOf, type Seed } from './seed.ts';

export const WELL_KNOWN_FOLDERS = [
  'inbox',
  'drafts',
  'sentitems',
  'deleteditems',
  'outbox',
  'junkemail',
  'archive',
] as const;
export type FolderName = (typeof WELL_KNOWN_FOLDERS)[number];

export const FOLDER_DISPLAY_NAMES: Record<FolderName, string> = {
  inbox: 'Inbox',
  drafts: 'Drafts',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  outbox: 'Outbox',
  junkemail: 'Junk Email',
  archive: 'Archive',
};

export interface StoredMessage {
  folder: FolderName;
  seq: number;
  /** The seq at which it arrived in its current folder (created, delivered or moved in). */
  createdSeq?: number;
  /** The Graph representation, every property included. */
  data: Json;
  /** RFC 5322 threading, turned into In-Reply-To/References headers on delivery. */
  inReplyTo?: string;
  references: string[];
}

export interface StoredEvent {
  seq: number;
  data: Json;
  transactionId?: string;
}

export interface BusyBlock {
  id: string;
  start: string;
  end: string;
  status: 'busy' | 'tentative' | 'oof' | 'workingElsewhere';
  subject?: string;
}

export interface InstalledApp {
  id: string;
  teamsAppId: string;
  installedAt: string;
}

export interface CatalogApp {
  id: string;
  externalId: string;
  displayName: string;
  version: string;
  /** Lower-case addresses or object ids the tenant's app permission policy blocks the app for. */
  blockedFor?: readonly string[];
}

export interface WorkingHoursInfo {
  daysOfWeek: string[];
  startTime: string;
  endTime: string;
  /** IANA name; reported to Graph clients in Windows form (e.g. "GMT Standard Time"). */
  timeZone: string;
}

export interface Mailbox {
  readonly id: string;
  readonly email: string;
  displayName: string;
  readonly tenantId: string;
  readonly kind: 'user' | 'shared' | 'ad-hoc';
  readonly personId?: string;
  readonly organisationId?: string;
  jobTitle?: string;
  companyName?: string;
  /** The primary SMTP address Entra reports (`mail`), when it is not the UPN (`email`). */
  mail?: string;
  /**
   * Delivery rules, first match wins: mail from `from` (any sender when absent) is delivered
   * straight into `moveTo` (Junk Email filtering, or an inbox rule), never into the Inbox.
   */
  rules: { readonly from?: string; readonly moveTo: FolderName }[];
  /** The Graph manager (a mailbox id), from the directory's entra.manager or manager. */
  managerId?: string;
  workingHours: WorkingHoursInfo;
  readonly folderIds: Readonly<Record<FolderName, string>>;
  readonly messages: Map<string, StoredMessage>;
  readonly events: Map<string, StoredEvent>;
  /** Removed items for delta: id, folder and the seq of removal. */
  readonly removed: { id: string; folder: FolderName; seq: number }[];
  readonly busy: BusyBlock[];
  readonly installedApps: Map<string, InstalledApp>;
  seq: number;
  /**
   * The generation of this mailbox's delta sync state: tokens minted under an older one are answered
   * 410 `SyncStateNotFound`, as Outlook does when its sync-state cache has dropped them.
   */
  syncGeneration: number;
}

export interface Subscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expirationDateTime: string;
  applicationId: string;
  creatorId: string;
  tenantId: string;
  includeResourceData: boolean;
  latestSupportedTlsVersion: string;
  target: SubscriptionTarget;
  /** Created with `Prefer: IdType="ImmutableId"`: its notifications name items by immutable id. */
  immutableIds: boolean;
}

export interface SubscriptionTarget {
  mailboxId: string;
  kind: 'message' | 'event';
  /** For messages: a folder, or undefined for the whole mailbox. */
  folder?: FolderName;
}

export interface Change {
  readonly mailboxId: string;
  readonly kind: 'message' | 'event';
  readonly changeType: 'created' | 'updated' | 'deleted';
  readonly id: string;
  readonly folder?: FolderName;
}

export interface GraphRequestRecord {
  readonly method: string;
  /** The path after the version, percent-decoded (e.g. `/users/a@b.example/messages/AAMk…`). */
  readonly path: string;
  /** The query string as sent, without `?`, percent-decoded. */
  readonly query: string;
  /** True for a request inside a `$batch`. */
  readonly batched: boolean;
}

export interface EmulatorState {
  readonly clock: EmulatorClock;
  readonly hostTenantId: string;
  /** Tenant id by tenant id or domain (lower-case). */
  readonly tenants: Map<string, string>;
  readonly mailboxes: Map<string, Mailbox>;
  readonly subscriptions: Map<string, Subscription>;
  readonly catalog: Map<string, CatalogApp>;
  /**
   * Every Graph request served, `$batch` inner requests included (each after its `$batch`), newest
   * last, the oldest dropped past 20,000: what a test counts and inspects.
   */
  readonly requests: GraphRequestRecord[];
  /** Finds a mailbox by id, email or userPrincipalName (case-insensitive). */
  find(idOrEmail: string): Mailbox | undefined;
  /** Finds or creates the mailbox for an address (ad-hoc when unknown). */
  ensureMailbox(address: string, displayName?: string): Mailbox;
  /** Stamps and records a change, then tells listeners (the notifier). */
  touch(mailbox: Mailbox, change: Omit<Change, 'mailboxId'>): number;
  onChange(listener: (change: Change) => void): () => void;
  /** Lists mailboxes, directory people first. */
  listMailboxes(): Mailbox[];
}

export function createState(options: { directory?: Seed; clock: EmulatorClock }): EmulatorState {
  const { directory, clock } = options;
  const hostTenantId = directory?.hostTenant.tenantId ?? stableGuid('tenant:host');
  const tenants = new Map<string, string>([[hostTenantId, hostTenantId]]);
  const orgTenant = new Map<string, string>();
  if (directory) {
    tenants.set(directory.hostTenant.domain, hostTenantId);
    for (const org of directory.organisations) {
      const tenantId =
        org.tenant === 'host' ? hostTenantId : (org.tenantId ?? stableGuid(`tenant:${org.domain}`));
      orgTenant.set(org.id, tenantId);
      tenants.set(tenantId, tenantId);
      tenants.set(org.domain, tenantId);
    }
  }
  const mailboxes = new Map<string, Mailbox>();
  const byAddress = new Map<string, Mailbox>();
  const listeners = new Set<(change: Change) => void>();

  const defaultHours = (): WorkingHoursInfo => ({
    daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
    startTime: '09:00',
    endTime: '17:00',
    timeZone: 'Europe/London',
  });

  function add(input: {
    email: string;
    displayName: string;
    tenantId: string;
    kind: Mailbox['kind'];
    id?: string;
    personId?: string;
    organisationId?: string;
    jobTitle?: string;
    companyName?: string;
    mail?: string;
    workingHours?: WorkingHoursInfo;
  }): Mailbox {
    const email = input.email.toLowerCase();
    const id = input.id ?? stableGuid(`user:${email}`);
    const folderIds = Object.fromEntries(
      WELL_KNOWN_FOLDERS.map((f) => [
        f,
        `AAMkA${Buffer.from(stableGuid(`folder:${email}:${f}`)).toString('base64url')}AAA=`,
      ]),
    ) as Record<FolderName, string>;
    const mailbox: Mailbox = {
      id,
      email,
      displayName: input.displayName,
      tenantId: input.tenantId,
      kind: input.kind,
      ...(input.personId ? { personId: input.personId } : {}),
      ...(input.organisationId ? { organisationId: input.organisationId } : {}),
      ...(input.jobTitle ? { jobTitle: input.jobTitle } : {}),
      ...(input.companyName ? { companyName: input.companyName } : {}),
      ...(input.mail ? { mail: input.mail.toLowerCase() } : {}),
      workingHours: input.workingHours ?? defaultHours(),
      rules: [],
      folderIds,
      messages: new Map(),
      events: new Map(),
      removed: [],
      busy: [],
      installedApps: new Map(),
      seq: 0,
      syncGeneration: 0,
    };
    mailboxes.set(id, mailbox);
    byAddress.set(email, mailbox);
    return mailbox;
  }

  if (directory) {
    const orgs = new Map(directory.organisations.map((o) => [o.id, o]));
    const hours = (orgId: string): WorkingHoursInfo => {
      const wh = orgs.get(orgId)?.workingHours;
      return wh
        ? { daysOfWeek: [...wh.days], startTime: wh.start, endTime: wh.end, timeZone: wh.timeZone }
        : defaultHours();
    };
    const personMailbox = new Map<string, Mailbox>();
    for (const person of directory.people) {
      const org = orgs.get(person.organisation);
      personMailbox.set(
        person.id,
        add({
          email: person.email,
          displayName: person.displayName,
          tenantId: orgTenant.get(person.organisation) ?? hostTenantId,
          kind: 'user',
          ...(person.aadObjectId ? { id: person.aadObjectId } : {}),
          personId: person.id,
          organisationId: person.organisation,
          jobTitle: person.jobTitle,
          ...(org ? { companyName: org.name } : {}),
          ...(person.entra?.mail ? { mail: person.entra.mail } : {}),
          workingHours: hours(person.organisation),
        }),
      );
    }
    for (const person of directory.people) {
      const managerPersonId = graphManagerOf(person);
      const mailbox = personMailbox.get(person.id);
      const manager = managerPersonId ? personMailbox.get(managerPersonId) : undefined;
      if (mailbox && manager) mailbox.managerId = manager.id;
    }
    for (const org of directory.organisations) {
      if (!org.sharedMailbox || byAddress.has(org.sharedMailbox)) continue;
      add({
        email: org.sharedMailbox,
        displayName: `${org.name} (shared)`,
        tenantId: orgTenant.get(org.id) ?? hostTenantId,
        kind: 'shared',
        organisationId: org.id,
        companyName: org.name,
        workingHours: hours(org.id),
      });
    }
  }

  const state: EmulatorState = {
    clock,
    hostTenantId,
    tenants,
    mailboxes,
    subscriptions: new Map(),
    catalog: new Map(),
    requests: [],
    find(idOrEmail) {
      const key = idOrEmail.toLowerCase();
      return mailboxes.get(idOrEmail) ?? mailboxes.get(key) ?? byAddress.get(key);
    },
    ensureMailbox(address, displayName) {
      const existing = byAddress.get(address.toLowerCase());
      if (existing) return existing;
      const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
      return add({
        email: address,
        displayName: displayName ?? address,
        tenantId: tenants.get(domain) ?? stableGuid(`tenant:${domain}`),
        kind: 'ad-hoc',
      });
    },
    touch(mailbox, change) {
      mailbox.seq += 1;
      const full: Change = { ...change, mailboxId: mailbox.id };
      for (const listener of listeners) listener(full);
      return mailbox.seq;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    listMailboxes() {
      const rank = { user: 0, shared: 1, 'ad-hoc': 2 } as const;
      return [...mailboxes.values()].sort((a, b) => rank[a.kind] - rank[b.kind]);
    },
  };
  return state;
}
