// Cron schedule checks: what the CronJob controller accepts passes, everything else names the problem.
import { Testing } from 'cdk8s';
import { checkCronSchedule } from '../../lib/database/cron-schedule';

const scope = Testing.chart();
const check = (schedule: string) => () => checkCronSchedule(scope, 'backup.schedule', schedule);

describe('checkCronSchedule', () => {
  test.each([
    '0 3 * * *', '*/15 * * * *', '0 0 1 JAN,jul ?', '30 2 * * MON-FRI', '0 0-23/2 * * 0,7', '5,35 1 1-15 * *', '@daily', '@hourly', '  0 3 * * *  ',
  ])('accepts %p', (schedule) => {
    expect(check(schedule)).not.toThrow();
  });

  test.each([
    ['every night', '2 field(s)'],
    ['0 3 * *', '4 field(s)'],
    ['0 3 * * * *', '6 field(s)'],
    ['60 3 * * *', 'minute "60" is outside 0-59'],
    ['0 24 * * *', 'hour "24" is outside 0-23'],
    ['0 3 0 * *', 'day of month "0" is outside 1-31'],
    ['0 3 * 13 *', 'month "13" is outside 1-12'],
    ['0 3 * * 8', 'day of week "8" is outside 0-7'],
    ['0 3 * * FUNDAY', 'day of week "FUNDAY" is outside 0-7'],
    ['*/0 * * * *', 'minute "*/0" has a step that is not a positive whole number'],
    ['0 5-1 * * *', 'hour "5-1" is a range that ends before it starts'],
    ['? 3 * * *', 'minute "?" is outside 0-59'],
    ['@fortnightly', '1 field(s)'],
    ['TZ=UTC 0 3 * * *', '6 field(s)'],
  ])('refuses %p: %s', (schedule, why) => {
    expect(check(schedule)).toThrow(`backup.schedule (${JSON.stringify(schedule)}) is not a valid cron schedule (${why})`);
  });
});
