/** The part of newman's Node API the Postman suite uses (newman ships no type declarations). */
declare module "newman" {
  export interface NewmanItem {
    name: string;
    /** The folder (ItemGroup) holding the request; the collection itself at the top level. */
    parent(): { name?: string } | undefined;
  }

  export interface NewmanExecution {
    item: NewmanItem;
    request?: { method: string; url: { path?: string[]; toString(): string } };
    response?: { code: number; text(): string };
    requestError?: Error;
    assertions?: { assertion: string; skipped: boolean; error?: { name: string; message: string } }[];
    testScript?: { error: { name: string; message: string } }[];
    prerequestScript?: { error: { name: string; message: string } }[];
  }

  export interface NewmanRunSummary {
    run: { executions: NewmanExecution[]; failures: unknown[] };
    error?: Error;
  }

  export interface NewmanRunOptions {
    collection: string | object;
    envVar?: { key: string; value: string }[];
    reporters?: string | string[];
    timeoutRequest?: number;
  }

  export function run(
    options: NewmanRunOptions,
    callback: (error: Error | null, summary: NewmanRunSummary) => void,
  ): unknown;

  const newman: { run: typeof run };
  export default newman;
}
