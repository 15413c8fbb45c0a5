/** Public webmail domains: never a company domain (SPEC §4.5). */
const webmail = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'ymail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'outlook.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'yandex.ru',
  'yandex.com',
  'mail.ru',
  'qq.com',
  '163.com',
  '126.com',
  'zoho.com',
  'hey.com',
  'fastmail.com',
  'tutanota.com',
  'mail.com',
]);

export function isWebmailDomain(domain: string): boolean {
  return webmail.has(domain.toLowerCase());
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Why `domain` cannot be this workspace's company domain, or null when it can: it must be the
 * domain of a verified email of one of its Super Admins, and not a public webmail domain.
 */
export function companyDomainProblem(domain: string, superAdminVerifiedEmails: string[]): string | null {
  if (isWebmailDomain(domain)) return `${domain} is a public email provider, not a company domain`;
  if (!superAdminVerifiedEmails.some((e) => emailDomain(e) === domain)) {
    return `${domain} must be the domain of a verified email of one of this workspace's Super Admins`;
  }
  return null;
}
