/**
 * Dates on cards: the one formatter in `src/wording/dates.ts`, under the names the card presenters
 * use. Every date a card shows is in words, in Europe/London ("Tuesday 8 December 2026").
 */
export {
  dateTimeInWords as formatDateTime,
  dayInWords as formatDay,
  instantDayInWords as formatInstantDay,
  slotInWords as formatSlot,
  timeInWords as formatTime,
} from '../wording/dates.ts';
