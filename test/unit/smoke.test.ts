import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("serves health", async () => {
  const res = await SELF.fetch("http://x/healthz");
  expect(await res.text()).toBe("ok");
});
