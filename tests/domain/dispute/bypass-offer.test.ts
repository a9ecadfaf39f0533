/**
 * Issue 10, IRO: the IRO may bypass stages. The dispute card offers the bypass to the person the
 * procedure names, as the directory resolves them for the dispute, and to no one else; a procedure
 * that does not allow it offers it to nobody.
 */
import { describe, expect, it } from 'vitest';
import { bypassFor } from '../../../src/domain/dispute/bypass-offer.ts';
import { getProcedure } from '../../../src/procedures/index.ts';
import { person } from './fixtures.ts';
import { everyoneResolver, raise } from './walker.ts';

const iro = getProcedure('iro-drp')!;
const dudley = getProcedure('dudley-dscb')!;

describe('the bypass is offered where the procedure allows it, to its party only', () => {
  it('IRO: the allocated IRO is offered every later stage; the team manager and a second IRO are not', () => {
    const w = raise(iro, { hosts: ['la', 'partner'] });
    const resolver = everyoneResolver(iro, ['la', 'partner']);
    const offer = bypassFor({ state: w.s, procedure: iro, person: person('la', 'iro'), resolver });
    expect(offer?.stages.map((s) => s.id)).toEqual(['stage-2', 'stage-3', 'stage-4', 'stage-5', 'stage-6']);
    expect(offer?.quote).toBe(iro.stageOrder.bypass ? iro.stageOrder.bypass.quote : null);
    expect(
      bypassFor({ state: w.s, procedure: iro, person: person('partner', 'team-manager'), resolver }),
    ).toBeNull();
    const secondIro = { ...person('la', 'iro'), id: 'la.iro-2' };
    expect(bypassFor({ state: w.s, procedure: iro, person: secondIro, resolver })).toBeNull();
  });

  it('Dudley does not allow it: nobody is offered it', () => {
    const w = raise(dudley, { urgency: 'within-24-hours', hosts: ['la'] });
    const resolver = everyoneResolver(dudley, ['la']);
    expect(bypassFor({ state: w.s, procedure: dudley, person: w.s.raisedBy, resolver })).toBeNull();
  });
});
