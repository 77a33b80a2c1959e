// Cron schedules as the CronJob controller reads them: five fields or a macro, checked before they reach a cluster.
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names accepted for values (months, weekdays), indexed from `min`. */
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

/**
 * Throws unless `schedule` is a standard five-field cron expression (`*`, values, ranges, steps, lists, month
 * and weekday names, `?` in the day fields) or a macro such as `@daily`. `TZ=` prefixes are refused: set the
 * CronJob's timeZone instead.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */
export function checkCronSchedule(scope: IConstruct, prop: string, schedule: string): void {
  const fail = (why: string): never => {
    throw PatternError.invalidProp(scope, prop, schedule,
      `is not a valid cron schedule (${why}): use five fields "minute hour day-of-month month day-of-week", e.g. "0 3 * * *", or a macro such as "@daily"`);
  };
  if (typeof schedule !== 'string') fail('not a string');
  const text = schedule.trim();
  if (MACROS.includes(text)) return;
  const fields = text.split(/\s+/);
  if (fields.length !== 5) fail(`${fields.length} field(s)`);
  fields.forEach((field, i) => {
    const rule = FIELDS[i];
    if ((field === '?') && (i === 2 || i === 4)) return;
    for (const part of field.split(',')) {
      const problem = checkPart(part, rule);
      if (problem) fail(`${rule.name} "${part}" ${problem}`);
    }
  });
}

function checkPart(part: string, rule: FieldRule): string | undefined {
  const [range, step, ...rest] = part.split('/');
  if (rest.length > 0) return 'has more than one "/"';
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return 'has a step that is not a positive whole number';
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return 'is not a value or a range';
  const values = bounds.map((b) => parseValue(b, rule));
  if (values.some((v) => v === undefined)) return `is outside ${rule.min}-${rule.max}`;
  if (values.length === 2 && values[0]! > values[1]!) return 'is a range that ends before it starts';
  return undefined;
}

function parseValue(text: string, rule: FieldRule): number | undefined {
  const named = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + rule.min;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= rule.min && n <= rule.max ? n : undefined;
}
