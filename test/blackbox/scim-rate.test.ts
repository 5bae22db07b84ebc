/**
 * Entra's pace never meets a tenant's SCIM rate ceiling: against the Worker under `wrangler dev`
 * with wrangler.toml's own limits, a tenant at the LOWEST ceiling (50 requests/s, counted per
 * 10 s window) is sent Entra's rate, 25 requests/s, paced, for 21 s (three windows at least
 * partly), and not one request is refused. The figures are printed; the assertion is on the
 * statuses, not on time.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { scimFetch, startBlackbox, type Blackbox } from "./harness.ts";

let box: Blackbox;

beforeAll(async () => {
  box = await startBlackbox();
  const res = await fetch(`${box.adminApiUrl}/settings`, {
    method: "PUT",
    headers: { authorization: `Bearer ${box.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ scimRateLimit: 50 }),
  });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await box?.stop();
});

const RATE = 25;
const SECONDS = 21;

it(`${RATE} requests/s (Entra's pace) never meet the lowest ceiling`, async () => {
  const started = performance.now();
  const statuses: number[] = [];
  const sent: Promise<void>[] = [];
  for (let i = 0; i < RATE * SECONDS; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sent.push(
      scimFetch(box, i % 2 ? "/Users?count=1" : "/ServiceProviderConfig").then(async (res) => {
        statuses.push(res.status);
        await res.body?.cancel();
      }),
    );
  }
  await Promise.all(sent);
  const seconds = (performance.now() - started) / 1000;
  const count = (s: number) => statuses.filter((x) => x === s).length;
  console.log(
    `scim rate: ${statuses.length} requests in ${seconds.toFixed(1)} s (${(statuses.length / seconds).toFixed(1)}/s) at the 50/s ceiling: ${count(200)} × 200, ${count(429)} × 429`,
  );
  expect(statuses).toHaveLength(RATE * SECONDS);
  expect(count(429)).toBe(0);
  expect(count(200)).toBe(RATE * SECONDS);
});
