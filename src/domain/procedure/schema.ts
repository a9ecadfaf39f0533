/**
 * The procedure definition schema. A procedure is data: one JSON file per procedure in
 * `src/procedures/`, checked against this schema when it loads. The interpreter (`decide`) knows no
 * procedure by name; every rule it applies comes from a definition.
 *
 * Words: docs/glossary.md.
 */
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case slug such as "stage-1"');
/** Verbatim wording from the source document. */
const quote = z.string().trim().min(1);

export const sideSchema = z.enum(['raising', 'counterpart', 'independent']);

/** A role on a side, with the procedure's own substitutes ("or named lead for safeguarding"). */
export const partySchema = z.object({
  role: slug,
  side: sideSchema,
  /** `line-manager`: the line manager of the previous stage's actor on that side, who should hold `role`. */
  relation: z.enum(['line-manager']).optional(),
  substitutes: z.array(z.object({ role: slug, when: quote })).default([]),
  /** Shown to people: how the procedure names this party, e.g. "their counterpart". */
  label: quote.optional(),
});

/**
 * A party a stage is held with, and whom to consult when the directory cannot find them (Solihull
 * 2.3: "If an agency is unsure about another agency's management structure or who an agency's
 * safeguarding lead is the Safeguarding Adults Board Business Team should be consulted").
 */
export const withPartySchema = partySchema.extend({
  ifUnknown: z.object({ consult: partySchema, quote }).optional(),
});

export const timescaleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('working-days'), workingDays: z.number().int().min(0), quote }),
  z.object({ kind: z.literal('hours'), hours: z.number().positive(), quote }),
  /** Proportionate to risk and need, with an ideal maximum when the procedure gives one (NEL 15). */
  z.object({
    kind: z.literal('proportionate'),
    idealMaxWorkingDays: z.number().int().positive().nullable(),
    quote,
  }),
  /** Set per dispute from the procedure's urgency levels (Dudley: immediately / 24 hours / longer). */
  z.object({ kind: z.literal('urgency-led'), quote }),
  z.object({ kind: z.literal('none'), quote: quote.optional() }),
]);

export const channelSchema = z.enum(['email', 'meeting', 'discussion', 'reassignment', 'written']);

const contentItemSchema = z.object({ id: slug, label: z.string().min(1), quote: quote.optional() });

export const meetingSchema = z.object({
  convener: partySchema,
  attendees: z.array(partySchema.extend({ required: z.boolean().default(true) })).min(1),
  /**
   * `always`: the stage is a meeting (ANE Stage 3). `if-unresolved`: it must take place when
   * guidance alone does not resolve the dispute (IRO: "if this is not possible a meeting … must take
   * place within 5 working days"), so an unresolved response books it rather than ending the stage.
   * `if-needed`: the actor may book one (NEL: "may convene a meeting").
   */
  when: z.enum(['always', 'if-unresolved', 'if-needed']).default('always'),
  durationMinutes: z.number().int().positive().default(60),
  /**
   * How the procedure lets the meeting be held (ANE: "Virtual or in-person"). `online`: a Teams
   * meeting may be booked; `inPerson`: the parties may meet face to face. Absent: a Teams meeting.
   */
  form: z
    .union([
      z
        .object({ online: z.boolean(), inPerson: z.boolean(), quote })
        .refine((f) => f.online || f.inPerson, { message: 'a meeting must be online, in person or both' }),
      // Definitions saved before `form` was data (ANE 1.0.1: "Virtual or in-person") keep reading:
      // the text alone booked a Teams meeting, and said nothing against meeting in person.
      quote.transform((q) => ({ online: true, inPerson: true, quote: q })),
    ])
    .optional(),
  minutes: z.boolean().default(false),
  /** Id of a `record.agendas` entry whose items become the meeting body. */
  agenda: slug.optional(),
  quote,
});

export const stageSchema = z.object({
  id: slug,
  name: z.string().min(1),
  /** Shown in cards and records, e.g. "Team Managers". */
  parties: z.string().min(1),
  formal: z.boolean(),
  channel: channelSchema,
  /** The seed's own text for this stage. */
  quote,
  /** Who decides that the dispute enters this stage. Absent for the stage a dispute starts in. */
  entry: z
    .object({
      decidedBy: partySchema,
      quote,
      /** ANE: "raise the issue informally with their counterpart Team Manager" before Stage 1. */
      informalOption: z.object({ with: partySchema, quote }).optional(),
      /** Whether the decider may instead accept the decision and end the dispute. */
      acceptOption: z.object({ quote }).optional(),
    })
    .optional(),
  /** Who acts in the stage: sends the email, convenes, records the discussion, or holds the record. */
  actor: partySchema,
  /** Who the actor deals with: recipients of email, the other side of a discussion. */
  with: z.array(withPartySchema).default([]),
  timescale: timescaleSchema,
  content: z
    .object({
      /** What the step must contain. */
      required: z.array(contentItemSchema).default([]),
      /** What the counterpart's response must contain (ANE: SMART actions). */
      response: z.object({ required: z.array(contentItemSchema).min(1), quote }).optional(),
      acknowledgement: z.object({ quote }).optional(),
    })
    .default({ required: [] }),
  email: z
    .object({
      importance: z.enum(['high', 'normal']),
      importanceQuote: quote.optional(),
      /** What the email asks of its recipient, in the procedure's words (shown in the email). */
      request: quote.optional(),
      awaitReply: z.boolean(),
      acknowledge: z.boolean(),
    })
    .optional(),
  meeting: meetingSchema.optional(),
  /** IRO: the record is reassigned to the actor, who responds and reassigns it back. */
  reassignment: z.object({ returnsTo: partySchema, quote }).optional(),
  /** People copied into the stage's correspondence (Dudley: Head of Safeguarding at 3a). */
  copy: z.array(partySchema.extend({ quote })).default([]),
  /** People who must be told when the stage is reached (IRO: CSSU service manager by stage 3). */
  inform: z
    .array(partySchema.extend({ quote, unlessAlreadyInformed: z.boolean().default(true) }))
    .default([]),
  /** Solihull 2.8: "At each stage ... the person who originally raised the concern is given feedback". */
  feedbackToRaiser: z.object({ quote }).optional(),
  /** Written confirmation of the outcome to the other side when resolved at this stage. */
  outcomeInWriting: z
    .object({
      by: partySchema,
      quote,
      /**
       * The confirmation must go out on the day the decision is made (NEL Stage 4: "the final
       * decision relayed to the two parties' seniors and heads of service on the day the decision is
       * made"). It is sent in the step that records the decision; the email quotes the rule and the
       * case file says whether it went that day.
       */
      sameDay: z.object({ quote }).optional(),
    })
    .optional(),
  final: z.boolean().default(false),
});

/**
 * The parts of a dispute's record that a procedure's recording template can ask for: each heading,
 * stage-table column and meeting-agenda item names the part that fills it (`shows`), so the case
 * file follows the template with no procedure-specific code.
 */
export const RECORD_PARTS = [
  'case-reference',
  'people',
  'stages',
  'contact-types',
  'issue',
  'discussion',
  'actions',
  'decision-makers',
  'stage-dates',
  'action-taken',
  'stage',
  'contact-type',
  'between',
  'summary',
  'outcome',
  'date',
  'subject',
  'meeting',
  'reason',
  'views',
  'actions-to-date',
] as const;
export const recordPartSchema = z.enum(RECORD_PARTS);
export type RecordPart = z.infer<typeof recordPartSchema>;

export const exceptionalRouteSchema = z.object({
  id: slug,
  name: z.string().min(1),
  /** Stages from which the route can be taken; the route opens when that stage ends unresolved. */
  from: z.array(slug).min(1),
  decidedBy: partySchema,
  /** Who is referred to; resolved through the directory (e.g. `board-independent-chair`). */
  to: partySchema,
  channel: channelSchema,
  condition: quote.optional(),
  /** The id of a stage this route replaces under its condition (Solihull: the Independent Chair
   * instead of the sub-committee chair's Stage 4 when there is a conflict of interest). It is
   * offered beside that stage when the dispute is about to enter it. */
  insteadOf: slug.optional(),
  quote,
  /**
   * Whom the referral is raised through to `to` (Solihull 2.6: "raised through the SSAB Business
   * Team to the SSAB Independent Chair"): the referral goes to them, with `to` copied.
   */
  through: partySchema.optional(),
  /** For routes that must go by a particular means (IRO: Egress secure email). */
  means: quote.optional(),
  /**
   * The means is one Concord cannot send by (a secure email system): Concord prepares the referral
   * for the decider to send that way and records when it went, instead of emailing it.
   */
  sentOutsideConcord: z.boolean().default(false),
});

/** Something a party may record at any point in the process (see `anytimeNotes`). */
export const anytimeNoteSchema = z.object({
  id: slug,
  /** What the record says was done, e.g. "Independent legal advice sought". */
  label: z.string().min(1),
  /** The procedure's own words allowing it. */
  quote,
  /** The only party who may record it. */
  by: partySchema,
});

export const procedureSchema = z
  .object({
    id: slug,
    name: z.string().min(1),
    shortName: z.string().min(1),
    version: z.string().min(1),
    source: z.object({
      file: z.string().min(1),
      title: z.string().min(1),
      documentVersion: z.string().optional(),
      owner: z.string().optional(),
      approved: z.string().optional(),
      reviewBy: z.string().optional(),
    }),
    appliesTo: z.enum(['children', 'adults', 'children-and-adults']),
    purpose: quote,
    roles: z.array(z.object({ id: slug, label: z.string().min(1) })).min(1),
    /** Safety first: shown before anything else when raising. `quote` when the seed itself says it. */
    immediateRisk: z.object({
      quote: quote.optional(),
      guidance: z.string().min(1),
      contacts: z
        .array(z.object({ name: z.string().min(1), for: z.string().min(1), when: z.string().min(1) }))
        .min(1),
    }),
    /** Things the procedure says are not for it (Solihull: conduct concerns). */
    outOfScope: z.array(z.object({ quote, instead: z.string().optional() })).default([]),
    categories: z.array(z.object({ id: slug, label: quote })).min(1),
    /** What the raiser must give when raising. */
    raise: z.object({ required: z.array(contentItemSchema).min(1), quote: quote.optional() }),
    urgencyLevels: z
      .array(z.object({ id: slug, label: z.string().min(1), timescale: timescaleSchema }))
      .optional(),
    stages: z.array(stageSchema).min(1),
    stageOrder: z.object({
      /** Whether a party may move the dispute past a stage without running it. */
      bypass: z.union([z.literal(false), z.object({ by: partySchema, quote })]),
      quote: quote.optional(),
    }),
    overall: z
      .object({
        workingDays: z.number().int().positive(),
        from: z.enum(['raised', 'first-formal-stage']),
        strength: z.enum(['maximum', 'usual', 'expected']),
        quote,
      })
      .nullable(),
    exceptionalRoutes: z.array(exceptionalRouteSchema).default([]),
    /**
     * Things a named party may record at any stage, outside the ladder (IRO: "At any point in the
     * process, where it is appropriate, the IRO may seek independent legal advice"). Each is offered
     * on the dispute card to that party only, and goes on the record with who and when.
     */
    anytimeNotes: z.array(anytimeNoteSchema).default([]),
    record: z.object({
      owner: partySchema,
      /** Only these may close (authorise) the record. */
      closedBy: z.array(partySchema).min(1),
      /** Outcomes recorded by others return to this party to resolve or escalate (IRO). */
      outcomesReturnTo: partySchema.optional(),
      quote: quote.optional(),
      mustNotRecord: z.array(quote).default([]),
      headings: z.array(z.object({ id: slug, label: quote, shows: recordPartSchema.optional() })).default([]),
      stageTable: z
        .object({
          columns: z.array(z.object({ id: slug, label: quote, shows: recordPartSchema.optional() })).min(1),
          quote: quote.optional(),
        })
        .optional(),
      agendas: z
        .array(
          z.object({
            id: slug,
            name: z.string().min(1),
            items: z
              .array(
                z.object({
                  label: quote,
                  children: z.array(quote).default([]),
                  shows: recordPartSchema.optional(),
                }),
              )
              .min(1),
          }),
        )
        .default([]),
    }),
    writtenConfirmation: z.object({ quote }).optional(),
    afterResolution: z
      .array(
        z.object({
          id: slug,
          kind: z.enum(['debrief', 'learning-referral', 'plan-review', 'policy-gap']),
          quote,
          to: partySchema.optional(),
          within: z.object({ weeks: z.number().int().positive() }).optional(),
        }),
      )
      .default([]),
    contacts: z.array(z.object({ label: z.string().min(1), value: z.string().min(1) })).default([]),
    /** Things the document says that are not steps of it (NEL: the IRO's route to CAFCASS). `about` is ours. */
    notes: z.array(z.object({ quote, about: z.string().min(1).optional() })).default([]),
  })
  .superRefine((p, ctx) => {
    const roles = new Set(p.roles.map((r) => r.id));
    const stages = new Set<string>();
    const checkParty = (
      party: { role: string; substitutes?: { role: string }[] } | undefined,
      path: (string | number)[],
    ) => {
      if (!party) return;
      if (!roles.has(party.role))
        ctx.addIssue({ code: 'custom', path: [...path, 'role'], message: `unknown role "${party.role}"` });
      party.substitutes?.forEach((s, i) => {
        if (!roles.has(s.role))
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'substitutes', i, 'role'],
            message: `unknown role "${s.role}"`,
          });
      });
    };
    p.stages.forEach((s, i) => {
      const at = ['stages', i];
      if (stages.has(s.id))
        ctx.addIssue({ code: 'custom', path: [...at, 'id'], message: `duplicate stage id "${s.id}"` });
      stages.add(s.id);
      if (i > 0 && !s.entry)
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'entry'],
          message: 'every stage after the first needs an entry decision',
        });
      if (s.channel === 'email' && !s.email)
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'email'],
          message: 'an email stage needs email settings',
        });
      if (s.channel === 'meeting' && !s.meeting)
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'meeting'],
          message: 'a meeting stage needs meeting settings',
        });
      if (s.channel === 'reassignment' && !s.reassignment)
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'reassignment'],
          message: 'a reassignment stage needs reassignment settings',
        });
      if (s.timescale.kind === 'urgency-led' && !p.urgencyLevels?.length)
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'timescale'],
          message: 'an urgency-led timescale needs urgencyLevels',
        });
      checkParty(s.actor, [...at, 'actor']);
      checkParty(s.entry?.decidedBy, [...at, 'entry', 'decidedBy']);
      checkParty(s.entry?.informalOption?.with, [...at, 'entry', 'informalOption', 'with']);
      s.with.forEach((w, j) => {
        checkParty(w, [...at, 'with', j]);
        checkParty(w.ifUnknown?.consult, [...at, 'with', j, 'ifUnknown', 'consult']);
      });
      s.copy.forEach((w, j) => {
        checkParty(w, [...at, 'copy', j]);
      });
      s.inform.forEach((w, j) => {
        checkParty(w, [...at, 'inform', j]);
      });
      checkParty(s.meeting?.convener, [...at, 'meeting', 'convener']);
      s.meeting?.attendees.forEach((w, j) => {
        checkParty(w, [...at, 'meeting', 'attendees', j]);
      });
      if (s.meeting?.agenda && !p.record.agendas.some((a) => a.id === s.meeting?.agenda)) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'meeting', 'agenda'],
          message: `unknown agenda "${s.meeting.agenda}"`,
        });
      }
    });
    const last = p.stages[p.stages.length - 1];
    if (last && !last.final)
      ctx.addIssue({
        code: 'custom',
        path: ['stages', p.stages.length - 1, 'final'],
        message: 'the last stage must be final',
      });
    p.exceptionalRoutes.forEach((r, i) => {
      r.from.forEach((f, j) => {
        if (!stages.has(f))
          ctx.addIssue({
            code: 'custom',
            path: ['exceptionalRoutes', i, 'from', j],
            message: `unknown stage "${f}"`,
          });
      });
      if (r.insteadOf && !stages.has(r.insteadOf))
        ctx.addIssue({
          code: 'custom',
          path: ['exceptionalRoutes', i, 'insteadOf'],
          message: `unknown stage "${r.insteadOf}"`,
        });
      checkParty(r.decidedBy, ['exceptionalRoutes', i, 'decidedBy']);
      checkParty(r.to, ['exceptionalRoutes', i, 'to']);
      checkParty(r.through, ['exceptionalRoutes', i, 'through']);
    });
    const noteIds = new Set<string>();
    p.anytimeNotes.forEach((n, i) => {
      if (noteIds.has(n.id))
        ctx.addIssue({
          code: 'custom',
          path: ['anytimeNotes', i, 'id'],
          message: `duplicate note id "${n.id}"`,
        });
      noteIds.add(n.id);
      checkParty(n.by, ['anytimeNotes', i, 'by']);
    });
    checkParty(p.record.owner, ['record', 'owner']);
    p.record.closedBy.forEach((c, i) => {
      checkParty(c, ['record', 'closedBy', i]);
    });
    if (p.stageOrder.bypass) checkParty(p.stageOrder.bypass.by, ['stageOrder', 'bypass', 'by']);
  });

export type Party = z.infer<typeof partySchema>;
export type WithParty = z.infer<typeof withPartySchema>;
export type Timescale = z.infer<typeof timescaleSchema>;
export type Channel = z.infer<typeof channelSchema>;
export type Stage = z.infer<typeof stageSchema>;
export type ExceptionalRoute = z.infer<typeof exceptionalRouteSchema>;
export type AnytimeNote = z.infer<typeof anytimeNoteSchema>;
export type ProcedureDefinition = z.infer<typeof procedureSchema>;
export type ProcedureInput = z.input<typeof procedureSchema>;

/** A definition that breaks the schema. The message names the path of every bad field. */
export class ProcedureDefinitionError extends Error {
  override readonly name = 'ProcedureDefinitionError';
  constructor(
    readonly source: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(`procedure ${source} is invalid:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/**
 * Validates raw data as a procedure definition.
 * @example parseProcedure(JSON.parse(text), 'ane.json') // throws ProcedureDefinitionError naming "stages.1.timescale.workingDays"
 */
export function parseProcedure(raw: unknown, source: string): ProcedureDefinition {
  const result = procedureSchema.safeParse(raw);
  if (!result.success) {
    throw new ProcedureDefinitionError(
      source,
      result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
    );
  }
  return result.data;
}

/** The stage's timescale in working days, or null when it is not counted in working days. */
export function stageWorkingDays(stage: Stage): number | null {
  if (stage.timescale.kind === 'working-days') return stage.timescale.workingDays;
  if (stage.timescale.kind === 'proportionate') return stage.timescale.idealMaxWorkingDays;
  return null;
}
