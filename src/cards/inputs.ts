/**
 * Input rules shared by the templates (client-side `regex`) and the server's re-validation.
 * The templates in `adaptive-cards/` repeat these patterns as literals; a test keeps them equal.
 */

/**
 * A case reference: 2 to 40 letters, digits, spaces and `- / . _`, starting with a letter or digit
 * (the domain's `CASE_REFERENCE`; a test keeps them equal). Whether it reads like a name is a
 * separate warning the raiser can confirm past.
 */
export const CASE_REFERENCE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9\\-/._ ]{1,39}$';
export const CASE_REFERENCE_MESSAGE =
  'Enter the case reference: 2–40 letters, digits, spaces and - / . _, starting with a letter or digit. A reference, never a name.';

/** Free text must not be blank. */
export const NOT_BLANK_PATTERN = '^[\\s\\S]*\\S[\\s\\S]*$';

/**
 * The longest free-text answer the raise form keeps. The form sets no `maxLength`: a client may
 * enforce it by cutting what is pasted, so the server refuses a longer answer with its count instead.
 */
export { RAISE_TEXT_MAX as FREE_TEXT_MAX } from '../domain/dispute/validate.ts';

/** An action's date on the outcome card, as `Input.Date` sends it. */
export const DAY_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
