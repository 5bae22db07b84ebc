/**
 * Local cron for `npm start`: `wrangler dev` never fires a Worker's cron triggers by itself, so
 * the outbox sweep (events whose Queue send was lost) would run only when called by hand. This
 * fires each `[triggers] crons` schedule of the config at its minute, as Cloudflare does in
 * production (UTC), through the scheduled-event endpoint every local `wrangler dev` serves
 * (`/cdn-cgi/local/scheduled`, the one `wrangler dev`'s own `s` shortcut uses; no
 * `--test-scheduled` needed).
 *
 * Our own small matcher rather than a dependency: wrangler.toml uses the five standard fields
 * with `*`, lists, ranges and steps, which is all Cloudflare's own syntax adds up to here.
 */

/** `crons = ["* * * * *", ...]` of the `[triggers]` table of a wrangler.toml (not a TOML parser). */
export function cronsOf(configText: string): string[] {
  const table = /^\s*\[triggers\]\s*$([\s\S]*?)(?=^\s*\[|(?![\s\S]))/m.exec(configText)?.[1] ?? "";
  const list = /^\s*crons\s*=\s*\[([^\]]*)\]/m.exec(table)?.[1] ?? "";
  return [...list.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => (m[1] ?? m[2]).trim()).filter(Boolean);
}

/** Field bounds: minute, hour, day of month, month, day of week (0 and 7 are Sunday). */
const FIELDS = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
] as const;

function fieldMatches(field: string, value: number, [min, max]: readonly [number, number]): boolean {
  return field.split(",").some((part) => {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    let [lo, hi] = [min, max];
    if (range !== "*") {
      const [a, b] = range.split("-").map(Number);
      [lo, hi] = [a, b ?? (stepText === undefined ? a : max)];
    }
    if (![lo, hi, step].every(Number.isInteger) || step < 1 || lo < min || hi > max)
      throw new Error(`unsupported cron field "${field}"`);
    return value >= lo && value <= hi && (value - lo) % step === 0;
  });
}

/** Whether `cron` (five fields, UTC) fires at the minute of `at`. */
export function cronMatches(cron: string, at: Date): boolean {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`unsupported cron "${cron}": five fields expected`);
  const [, , dom, , dow] = fields;
  const day = at.getUTCDay();
  const values = [at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1];
  if (![0, 1, 3].every((i) => fieldMatches(fields[i], values[i], FIELDS[i]))) return false;
  const domOk = fieldMatches(dom, values[2], FIELDS[2]);
  const dowOk = fieldMatches(dow, day, FIELDS[4]) || (day === 0 && fieldMatches(dow, 7, FIELDS[4]));
  // Standard cron: with both day fields restricted, either one matching is enough.
  return dom !== "*" && dow !== "*" ? domOk || dowOk : domOk && dowOk;
}

export interface LocalCron {
  stop(): void;
}

/**
 * Fires every matching cron at the start of each minute against `baseUrl`. `onFire` reports each
 * firing (for logs and tests); a failed firing is reported and the next minute tries again, as
 * production would.
 */
export function startLocalCron(
  baseUrl: string,
  crons: string[],
  onFire: (cron: string, outcome: string) => void = () => {},
): LocalCron {
  for (const c of crons) cronMatches(c, new Date()); // refuse an unsupported expression at start
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    const now = Date.now();
    timer = setTimeout(tick, 60_000 - (now % 60_000) + 50);
    timer.unref();
  };
  const tick = async () => {
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    schedule();
    for (const cron of crons.filter((c) => cronMatches(c, at))) {
      const url = `${baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}&time=${at.getTime()}&format=json`;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
        const body = (await res.json().catch(() => ({}))) as { outcome?: string };
        onFire(cron, body.outcome ?? `HTTP ${res.status}`);
      } catch (error) {
        onFire(cron, `failed: ${(error as Error).message}`);
      }
    }
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
