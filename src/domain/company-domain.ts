import freeEmailDomains from 'free-email-domains';

/**
 * Public webmail and disposable-mail domains: never a company domain (SPEC §4.5). The maintained
 * list from npm (`free-email-domains`, ~14,000 domains; data only, its download-at-install script is
 * denied in package.json), plus the few webmail providers it lacks.
 */
const webmail = new Set<string>([...freeEmailDomains, 'hey.com', 'tutanota.com', 'tuta.io', 'tutamail.com']);

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

/**
 * The domains `companyDomainProblem` accepts, for the settings page to offer (nothing typed, nothing
 * refused on Save): each Super Admin's verified email's domain that is not a public provider.
 */
export function companyDomainOptions(superAdminVerifiedEmails: string[]): string[] {
  return [...new Set(superAdminVerifiedEmails.map(emailDomain))]
    .filter((d) => companyDomainProblem(d, superAdminVerifiedEmails) === null)
    .sort();
}
