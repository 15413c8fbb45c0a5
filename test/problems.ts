/** What every error response must be: docs/API.md's table, src/contract/errors.ts's codes. */
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { type ErrorCode, errorCodes } from '../src/contract/errors.ts';
import { statusOf } from '../src/http/problem.ts';

/** The codes and statuses of docs/API.md's error table. */
export function documentedErrors(): Map<string, number> {
  const doc = readFileSync(new URL('../docs/API.md', import.meta.url), 'utf8');
  const table = doc.slice(doc.indexOf('| code | status | when |'));
  const rows = new Map<string, number>();
  for (const line of table.split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [codes, status] = line.split('|').slice(1, 3) as [string, string];
    for (const code of codes.matchAll(/`([a-z_]+)`/g)) rows.set(code[1] as string, Number(status.trim()));
  }
  return rows;
}

/** A response is a documented problem: problem+json, a known code, its code's status, the request id. */
export function expectProblem(res: LightMyRequestResponse, code?: ErrorCode) {
  const what = `${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(errorCodes, what).toContain(body.code);
  expect(res.statusCode, what).toBe(statusOf[body.code as ErrorCode]);
  expect(body.status, what).toBe(res.statusCode);
  expect(body.type, what).toBe(`https://troupe.dev/problems/${body.code.replace(/_/g, '-')}`);
  expect(typeof body.title, what).toBe('string');
  expect(typeof body.detail, what).toBe('string');
  expect(body.requestId, what).toBe(res.headers['x-request-id']);
  if (code) expect(body.code, what).toBe(code);
  return body as { code: string; detail: string; errors?: Array<{ path: string; message: string }> };
}
