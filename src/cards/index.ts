/** Card rendering: typed view-models in, Adaptive Card 1.5 JSON out. See render.ts. */
export { escapeCardText, unescapeCardText } from './escape.ts';
export * from './from-domain.ts';
export * from './inputs.ts';
export { RAG_COLOR, RAG_LABEL, type Rag, rag } from './rag.ts';
export {
  ADAPTIVE_CARD_CONTENT_TYPE,
  type AdaptiveCardJson,
  CardRenderError,
  cardAttachment,
  compileTemplates,
  renderCard,
  TEMPLATES,
} from './render.ts';
export * from './verbs.ts';
export * from './view-models.ts';
export * from './wording/raise.ts';
export { refusalText } from './wording/refusals.ts';
