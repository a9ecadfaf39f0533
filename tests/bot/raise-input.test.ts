/**
 * The raise wizard checks answers before it stores the draft: control characters (NUL and the
 * rest, tab and line breaks aside) are refused beside their field, nothing is stored half-way, and
 * the person is never told that nothing was lost when the turn failed. On both store engines.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES } from '../store/engines.ts';
import { createHarness, GOOD_RAISE, type Harness, openWizard, textOf } from './harness.ts';

const PERSON = 'ane-practitioner';

for (const engine of ENGINES) {
  describe(`raise wizard input (${engine.name})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness({ engine });
    });
    beforeEach(async () => {
      await h.reset();
    });
    afterAll(async () => {
      await h.close();
    });

    /** The wizard card's error line beside `field` (the TextBlock after its input). */
    function errorBeside(card: unknown, field: string): string | null {
      const body = (card as { body?: Record<string, unknown>[] }).body ?? [];
      const flat: Record<string, unknown>[] = [];
      const walk = (items: Record<string, unknown>[]) => {
        for (const item of items) {
          flat.push(item);
          if (Array.isArray(item.items)) walk(item.items as Record<string, unknown>[]);
        }
      };
      walk(body);
      const at = flat.findIndex((x) => x.id === field);
      const next = flat[at + 1];
      return at >= 0 && next?.type === 'TextBlock' && next.color === 'attention' ? String(next.text) : null;
    }

    for (const verb of ['submit-raise', 'save-draft'] as const) {
      it(`${verb}: a NUL is refused beside its field and nothing is stored`, async () => {
        const { draftId } = await openWizard(h);
        const before = await h.ports.drafts.get(PERSON);
        const { card, body, sent } = await h.click('practitioner', verb, {
          disputeId: draftId,
          seq: 0,
          ...GOOD_RAISE,
          issue: 'The report\u0000 is late.',
        });
        expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
        expect(errorBeside(card, 'issue')).toMatch(/cannot be stored/);
        expect(errorBeside(card, 'caseReference')).toBeNull();
        // What was typed is still there, without the character that cannot be kept.
        expect(JSON.stringify(card)).toContain('The report is late.');
        expect(JSON.stringify(card)).toContain(GOOD_RAISE.resolutionSought);
        expect(JSON.stringify(card)).not.toContain('\\u0000');
        expect(await h.ports.drafts.get(PERSON)).toEqual(before);
        expect(await h.service.get(draftId)).toBeNull();
        expect(JSON.stringify(sent)).not.toMatch(/Nothing you entered has been lost/);
      });
    }

    it('refuses every field that has a control character, each beside its own field', async () => {
      const { draftId } = await openWizard(h);
      const before = await h.ports.drafts.get(PERSON);
      const { card } = await h.click('practitioner', 'submit-raise', {
        disputeId: draftId,
        seq: 0,
        ...GOOD_RAISE,
        caseReference: 'ANE-\u00072026',
        informalAttempts: 'Phoned\u001b twice.',
        resolutionSought: '\u007fA date.',
      });
      expect(errorBeside(card, 'caseReference')).toMatch(/cannot be stored/);
      expect(errorBeside(card, 'informalAttempts')).toMatch(/cannot be stored/);
      expect(errorBeside(card, 'resolutionSought')).toMatch(/cannot be stored/);
      expect(errorBeside(card, 'issue')).toBeNull();
      expect(await h.ports.drafts.get(PERSON)).toEqual(before);
      expect(await h.service.get(draftId)).toBeNull();
    });

    it('keeps tabs and line breaks, and raises once the answers can be stored', async () => {
      const { draftId } = await openWizard(h);
      const refused = await h.click('practitioner', 'submit-raise', {
        disputeId: draftId,
        seq: 0,
        ...GOOD_RAISE,
        issue: 'Bad\u0000',
      });
      expect(errorBeside(refused.card, 'issue')).toMatch(/cannot be stored/);
      const issue = 'First line.\n\tIndented second line.\r\nThird line.';
      const { card } = await h.click('practitioner', 'submit-raise', {
        disputeId: draftId,
        seq: 0,
        ...GOOD_RAISE,
        issue,
      });
      expect(textOf(card)).toContain('Dispute raised');
      expect((await h.service.get(draftId))?.details.issue).toBe(issue.trim());
      expect(await h.ports.drafts.get(PERSON)).toBeNull();
    });
  });
}
