import { describe, expect, it } from 'vitest';
import { companyDomainProblem } from './company-domain.ts';

describe('company domain rule', () => {
  it.each([
    ['acme.io', ['ann@acme.io'], null],
    ['acme.io', ['ann@other.io', 'bo@acme.io'], null],
    ['acme.io', ['ann@other.io'], 'must be the domain'],
    ['acme.io', [], 'must be the domain'],
    ['gmail.com', ['ann@gmail.com'], 'public email provider'],
    ['outlook.com', ['ann@outlook.com'], 'public email provider'],
    // From the npm list, beyond the 32 the project once wrote by hand.
    ['yahoo.co.jp', ['ann@yahoo.co.jp'], 'public email provider'],
    ['mailinator.com', ['ann@mailinator.com'], 'public email provider'],
    ['hey.com', ['ann@hey.com'], 'public email provider'],
  ])('%s with super admin emails %j', (domain, emails, problem) => {
    const got = companyDomainProblem(domain, emails);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toContain(problem);
  });
});
