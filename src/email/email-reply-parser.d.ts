/** Types for email-reply-parser 1.x (the package ships none). */
declare module 'email-reply-parser' {
  export default class EmailReplyParser {
    /** The new text of a reply: quoted history and signatures removed. */
    parseReply(text: string): string;
    parseReplied(text: string): string;
  }
}
