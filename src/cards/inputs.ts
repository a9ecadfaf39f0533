/**
 * Input rules shared by the templates (client-side `regex`) and the server's re-validation.
 * The templates in `adaptive-cards/` repeat these patterns as literals; a test keeps them equal.
 */

/** A case reference: letters, digits, `-`, `/` and `.`, 2 to 40 characters. A reference, never a name. */
export const CASE_REFERENCE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9\\-/.]{1,39}$';
export const CASE_REFERENCE_MESSAGE =
  'Enter the case reference (letters, digits, - / . only, 2–40 characters). A reference, never a name.';

/** Free text must not be blank. */
export const NOT_BLANK_PATTERN = '^[\\s\\S]*\\S[\\s\\S]*$';

/** The longest free-text answer a card accepts. */
export const FREE_TEXT_MAX = 4000;

/** An action's date on the outcome card, as `Input.Date` sends it. */
export const DAY_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
