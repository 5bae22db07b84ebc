import worker from "../../../src/index";
import { benchWorker } from "./wrap";

/**
 * The bench's own Worker entry, named as `main` only in the bench's config copy (../server.ts):
 * the production Worker, its Durable Object classes included, with the baseline routes in front.
 */
export * from "../../../src/index";
export default benchWorker(worker);
