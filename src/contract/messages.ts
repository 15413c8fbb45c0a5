import { z } from 'zod';

/**
 * Validation messages in words, for every schema that does not set its own: the API's problem+json
 * `errors[].message` and the web app's forms show these, never zod's defaults ("Too big: expected
 * number to be <=100000", "Invalid input: expected int, received number"). Installed once, on
 * import (text.ts, which every contract schema builds on, imports it).
 */
const count = (n: unknown) =>
  typeof n === 'number' || typeof n === 'bigint' ? n.toLocaleString('en-US') : String(n);
const plural = (n: unknown, word: string) => `${count(n)} ${word}${Number(n) === 1 ? '' : 's'}`;

export function messageFor(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Required';
      if (issue.expected === 'int') return 'Must be a whole number';
      if (issue.expected === 'number') return 'Must be a number';
      if (issue.expected === 'string') return 'Must be text';
      if (issue.expected === 'boolean') return 'Must be true or false';
      if (issue.expected === 'array') return 'Must be a list';
      if (issue.expected === 'object') return 'Must be an object';
      return `Must be a ${issue.expected}`;
    case 'too_big':
      if (issue.origin === 'string') return `At most ${plural(issue.maximum, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `At most ${plural(issue.maximum, 'item')}`;
      return issue.inclusive === false
        ? `Must be less than ${count(issue.maximum)}`
        : `Must be at most ${count(issue.maximum)}`;
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? 'Required' : `At least ${plural(issue.minimum, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `At least ${plural(issue.minimum, 'item')}`;
      return issue.inclusive === false
        ? `Must be more than ${count(issue.minimum)}`
        : `Must be at least ${count(issue.minimum)}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'Not a valid email address' : 'Not in the expected format';
    case 'invalid_value':
      return issue.values.length === 1
        ? `Must be ${String(issue.values[0])}`
        : `Must be one of: ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `Unknown field${issue.keys.length === 1 ? '' : 's'}: ${issue.keys.join(', ')}`;
    case 'not_multiple_of':
      return `Must be a multiple of ${count(issue.divisor)}`;
    default:
      return undefined;
  }
}

z.config({ customError: (issue) => messageFor(issue) });
