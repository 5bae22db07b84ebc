import { expect, it } from "vitest";
import { exports } from "cloudflare:workers";

it("serves health", async () => {
  const res = await exports.default.fetch("http://x/healthz");
  expect(await res.text()).toBe("ok");
});
