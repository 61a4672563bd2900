// The mail transport port the relay sends through; email.ts implements it over nodemailer.

/** One message to one or more recipients, with a Message-ID fixed before the first attempt. */
export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** `<…@host>`, sent unchanged, so a resend after a crash is recognisable. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /** Files sent with the message; an inline image is shown where the HTML says `<img src="cid:CID">`. */
  attachments?: MailAttachment[];
}

/** A file sent with a message: a chart picture embedded in the HTML by its content id. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** Content-ID without angle brackets (`chart-1-ab12cd34ef@upwatch`), referenced as `cid:…` from the HTML. */
  cid?: string;
}

/** Why a send (or one recipient of it) failed: retry later, never retry, or fix the configuration. */
export type SendFailureClass = 'transient' | 'permanent' | 'config';

export interface RecipientFailure {
  address: string;
  class: SendFailureClass;
  responseCode?: number;
  /** Short, secret-free text (e.g. `550 5.1.1 mailbox unavailable`). */
  message: string;
}

/** What the server accepted. `rejected` lists recipients refused while others were accepted. */
export interface SendResult {
  accepted: string[];
  rejected: RecipientFailure[];
}

/**
 * Sends mail. `send` resolves when at least one recipient was accepted; otherwise it rejects with an
 * UpwatchError whose code is `SMTP_TRANSIENT`, `SMTP_PERMANENT` or `SMTP_CONFIG` and whose details carry
 * `class`, `smtpCode` (e.g. `ESOCKET`), `responseCode` and `rejected` (per-recipient failures) when known.
 */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<SendResult>;
  /** Check the connection and credentials within `timeoutMs`. */
  verify(timeoutMs?: number): Promise<void>;
  close(): void;
}
