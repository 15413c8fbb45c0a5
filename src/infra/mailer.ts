import nodemailer from 'nodemailer';

export interface Envelope {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Delivers one mail or throws. */
export interface Mailer {
  readonly kind: 'smtp' | 'dev';
  send(mail: Envelope): Promise<void>;
  close(): void;
}

export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    kind: 'smtp',
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    },
    close: () => transport.close(),
  };
}

/**
 * No SMTP_URL: mail stays in the outbox table, where /dev/mailbox shows it, and its links are
 * printed to the console so a developer can follow them without a mail server.
 */
export function createDevMailer(print: (line: string) => void): Mailer {
  return {
    kind: 'dev',
    async send(mail) {
      const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
      print(`[dev mailbox] to ${mail.to}: ${mail.subject}${links.map((l) => `\n    ${l}`).join('')}`);
    },
    close: () => {},
  };
}
