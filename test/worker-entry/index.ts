import worker from "../../src/index";
import { withTestClock } from "./clock";

/**
 * The Worker the test suites run (vitest.config.ts `main`; the OAuth black-box suite's config
 * copy): the production Worker, its Durable Object classes included, with the test-only clock
 * route in front. The deployed Worker has no such route, so no variable can turn it on there.
 */
export * from "../../src/index";
export default withTestClock(worker);
