import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProcedure } from '../../src/procedures/index.ts';
import {
  createStoreMeetingIndex,
  createStoreMessageIndex,
  createStoreSubscriptionStore,
} from '../../src/store/adapters/graph-ports.ts';
import {
  createProcedureVersions,
  ProcedureVersionConflictError,
} from '../../src/store/adapters/procedure-versions.ts';
import { createStoreDraftStore } from '../../src/store/adapters/raise-drafts.ts';
import type { Store } from '../../src/store/open-store.ts';
import { json } from '../../src/store/schema.ts';
import { ENGINES } from './engines.ts';

async function insertDispute(store: Store, id: string): Promise<void> {
  const at = new Date('2026-11-23T10:00:00Z');
  await store.db
    .insertInto('disputes')
    .values({
      id,
      procedure_id: 'ane',
      procedure_version: '1.0.0',
      status: 'open',
      stage_id: 'stage-1',
      phase: 'awaiting-response',
      case_reference: 'ANE-1',
      owner_id: null,
      state: json({}),
      next_due: null,
      created_at: at,
      updated_at: at,
      version: 1,
    })
    .execute();
}

for (const engine of ENGINES) {
  describe(`adapter stores on ${engine.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await engine.open();
      await insertDispute(store, 'd1');
      await insertDispute(store, 'd2');
    });
    afterAll(async () => store?.close());

    it('finds the dispute a reply belongs to by message id or by thread, after a restart', async () => {
      const index = createStoreMessageIndex(store);
      await index.remember({
        internetMessageId: '<A@ane.example>',
        conversationId: 'conv-1',
        disputeId: 'd1',
        stageId: 'stage-1',
      });
      await index.remember({
        internetMessageId: '<A@ane.example>',
        conversationId: 'conv-1',
        disputeId: 'd1',
        stageId: 'stage-1',
      });
      const reopened = createStoreMessageIndex(store);
      expect(await reopened.lookup({ internetMessageId: '<a@ANE.example>' })).toEqual({
        disputeId: 'd1',
        stageId: 'stage-1',
      });
      expect(await reopened.lookup({ conversationId: 'conv-1' })).toEqual({
        disputeId: 'd1',
        stageId: 'stage-1',
      });
      expect(
        await reopened.lookup({ internetMessageId: '<unknown@x>', conversationId: 'other' }),
      ).toBeUndefined();
      expect(await reopened.isOwn('<A@ane.example>')).toBe(true);
      expect(await reopened.isOwn('<B@ane.example>')).toBe(false);
    });

    it('keeps subscriptions and delta cursors', async () => {
      const subs = createStoreSubscriptionStore(store);
      const record = {
        id: 's1',
        kind: 'inbox' as const,
        mailbox: 'TM@ane.example',
        mailboxId: 'aad-1',
        resource: "users/aad-1/mailFolders('inbox')/messages",
        clientState: 'secret',
        expiresAt: '2026-11-30T10:00:00.000Z',
      };
      await subs.put(record);
      await subs.put({ ...record, expiresAt: '2026-12-01T10:00:00.000Z' });
      expect(await subs.list()).toEqual([
        { ...record, mailbox: 'tm@ane.example', expiresAt: '2026-12-01T10:00:00.000Z' },
      ]);
      await subs.setDeltaLink('TM@ane.example', 'https://graph/delta?1');
      await subs.setDeltaLink('tm@ane.example', 'https://graph/delta?2');
      expect(await subs.deltaLink('tm@ane.example')).toBe('https://graph/delta?2');
      await subs.remove('s1');
      expect(await subs.list()).toEqual([]);
    });

    it('tracks booked meetings for response polling', async () => {
      const meetings = createStoreMeetingIndex(store);
      await meetings.remember({
        eventId: 'e1',
        disputeId: 'd2',
        convener: 'ad@ane.example',
        end: '2026-12-07T11:00:00.000Z',
      });
      expect(await meetings.lookup('e1')).toEqual({
        eventId: 'e1',
        disputeId: 'd2',
        convener: 'ad@ane.example',
        end: '2026-12-07T11:00:00.000Z',
      });
      expect(await meetings.list()).toHaveLength(1);
      await meetings.forget('e1');
      expect(await meetings.lookup('e1')).toBeUndefined();
    });

    it('keeps the procedure version a dispute started under, and refuses a changed file with the same version', async () => {
      const versions = createProcedureVersions(store);
      const ane = getProcedure('ane')!;
      await versions.register(ane);
      await versions.register(ane);
      const edited = {
        ...ane,
        stages: ane.stages.map((s) => (s.id === 'stage-1' ? { ...s, name: 'Edited' } : s)),
      };
      await expect(versions.register(edited)).rejects.toBeInstanceOf(ProcedureVersionConflictError);
      const bumped = await versions.register({ ...edited, version: '1.1.0' });
      expect(bumped.version).toBe('1.1.0');
      const fresh = createProcedureVersions(store);
      expect((await fresh.get('ane', ane.version))?.stages[1]?.name).toBe(ane.stages[1]?.name);
      expect((await fresh.get('ane', '1.1.0'))?.stages[1]?.name).toBe('Edited');
      expect(await fresh.get('ane', '9.9.9')).toBeUndefined();
    });

    it('keeps a half-finished raise draft per person', async () => {
      const drafts = createStoreDraftStore(store);
      await drafts.put('p1', { caseReference: 'ANE-7' });
      await drafts.put('p1', { caseReference: 'ANE-8', category: 'drift-and-delay' });
      expect(await drafts.get('p1')).toEqual({ caseReference: 'ANE-8', category: 'drift-and-delay' });
      await drafts.remove('p1');
      expect(await drafts.get('p1')).toBeUndefined();
    });

    it("relaxes only the draft statements' own commits: the connection stays durable", async () => {
      const drafts = createStoreDraftStore(store);
      await drafts.put('p2', { caseReference: 'ANE-9' });
      await drafts.remove('p3');
      // The relaxed commit was the draft statements' own: the connection (PGlite has only one) is as before.
      const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(store.db);
      expect(rows[0]?.synchronous_commit).toBe('on');
      expect(await drafts.get('p2')).toEqual({ caseReference: 'ANE-9' });
    });
  });
}

describe('procedure digests', () => {
  it('do not change when the schema gains an optional list, but do when a rule changes', async () => {
    const { procedureDigest } = await import('../../src/store/adapters/procedure-versions.ts');
    const ane = getProcedure('ane')!;
    expect(procedureDigest({ ...ane, notes: [] })).toBe(procedureDigest(ane));
    const longer = {
      ...ane,
      stages: ane.stages.map((s) =>
        s.id === 'stage-1' ? { ...s, timescale: { ...s.timescale, workingDays: 6 } } : s,
      ),
    };
    expect(procedureDigest(longer as typeof ane)).not.toBe(procedureDigest(ane));
  });
});
