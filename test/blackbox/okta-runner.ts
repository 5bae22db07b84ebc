/**
 * A small runner for Runscope ("radar") test exports such as Okta's SCIM 2.0 SPEC Test: walks
 * `steps`, substitutes `{{var}}`, skips pauses, sends each request with fetch, evaluates the
 * assertion kinds that suite uses and captures the variables later steps read. newman cannot run
 * this format, and there is no offline runner to install.
 *
 * Runscope compares text: `equal` matches the value's string form (so `true` equals "true"),
 * `equal_number` compares numbers. A kind or source this runner does not know is reported as a
 * failed assertion, never skipped silently.
 */

export interface RunscopeAssertion {
  comparison: string;
  source: string;
  value: string | null;
  property?: string;
}

interface RunscopeVariable {
  name: string;
  source: string;
  property?: string;
}

interface RunscopeStep {
  step_type: string;
  note?: string;
  method?: string;
  url?: string;
  headers?: Record<string, string[]>;
  body?: string;
  assertions?: RunscopeAssertion[];
  variables?: RunscopeVariable[];
  scripts?: string[];
  before_scripts?: string[];
}

export interface RunscopeTest {
  name: string;
  steps: RunscopeStep[];
}

export interface AssertionResult {
  /** The step's note, e.g. "Required Test: Check status 401". */
  step: string;
  /** e.g. `response_json.totalResults equal "0"`. */
  assertion: string;
  passed: boolean;
  /** What the response held (the value compared), or why it could not be compared. */
  actual: string;
  /** Response status and the start of its body, to explain a failure. */
  response: string;
}

interface Response_ {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  isJson: boolean;
}

const BODY_EXCERPT_CHARS = 300;

export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** `Resources[0].name.familyName` -> the value at that path, or undefined. */
export function valueAtPath(data: unknown, property: string): unknown {
  const keys = property.match(/[^.[\]]+/g) ?? [];
  let current = data;
  for (const key of keys) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Runscope's string form of a JSON value. */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "undefined";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

/** Returns whether the assertion holds, or a string saying why it cannot be evaluated. */
export function compare(comparison: string, actual: unknown, expected: string | null): boolean | string {
  switch (comparison) {
    case "equal":
      return text(actual) === expected;
    case "not_equal":
      return text(actual) !== expected;
    case "equal_number":
      return (
        Number.isFinite(Number(expected)) && actual !== null && actual !== "" && Number(actual) === Number(expected)
      );
    case "contains":
      if (Array.isArray(actual)) return actual.some((item) => text(item).includes(expected ?? ""));
      return actual !== undefined && text(actual).includes(expected ?? "");
    case "has_value":
      return Array.isArray(actual) ? actual.some((item) => text(item) === expected) : text(actual) === expected;
    case "not_empty":
      return !isEmpty(actual);
    case "empty":
      return isEmpty(actual);
    case "is_a_number":
      return (
        (typeof actual === "number" && Number.isFinite(actual)) ||
        (typeof actual === "string" && actual.trim() !== "" && Number.isFinite(Number(actual)))
      );
    default:
      return `unsupported comparison "${comparison}"`;
  }
}

/** The value an assertion or variable reads from the response; a string result is an error. */
function read(source: string, property: string | undefined, response: Response_): { value: unknown } | string {
  switch (source) {
    case "response_status":
      return { value: response.status };
    case "response_text":
      return { value: response.text };
    case "response_header":
      return { value: response.headers.get(property ?? "") ?? undefined };
    case "response_json":
      if (!response.isJson) return "response body is not JSON";
      return { value: property ? valueAtPath(response.json, property) : response.json };
    default:
      return `unsupported source "${source}"`;
  }
}

function describe(a: RunscopeAssertion, vars: Record<string, string>): string {
  const subject = a.property ? `${a.source}.${a.property}` : a.source;
  return a.value === null
    ? `${subject} ${a.comparison}`
    : `${subject} ${a.comparison} ${JSON.stringify(substitute(a.value, vars))}`;
}

async function send(step: RunscopeStep, vars: Record<string, string>): Promise<Response_> {
  const headers = new Headers();
  for (const [name, values] of Object.entries(step.headers ?? {}))
    headers.set(name, substitute(values.join(", "), vars));
  // new URL() percent-encodes the spaces and quotes of filters the way an HTTP client does.
  const url = new URL(substitute(step.url ?? "", vars));
  const method = step.method ?? "GET";
  const body = step.body && method !== "GET" ? substitute(step.body, vars) : undefined;
  const response = await fetch(url, { method, headers, body, redirect: "manual" });
  const bodyText = await response.text();
  let json: unknown;
  let isJson = false;
  try {
    json = JSON.parse(bodyText);
    isJson = true;
  } catch {
    // assertions on response_json fail with a reason
  }
  return { status: response.status, headers: response.headers, text: bodyText, json, isJson };
}

/**
 * Runs every request step in order with the given variables (mutated: captured variables are
 * added) and returns one result per assertion. A request that cannot be sent fails its assertions.
 */
export async function runRunscopeTest(test: RunscopeTest, vars: Record<string, string>): Promise<AssertionResult[]> {
  const results: AssertionResult[] = [];
  for (const step of test.steps) {
    if (step.step_type === "pause") continue;
    const name = step.note ?? `${step.method} ${step.url}`;
    if (step.step_type !== "request") {
      results.push({
        step: name,
        assertion: `step type ${step.step_type}`,
        passed: false,
        actual: "unsupported step type",
        response: "",
      });
      continue;
    }
    for (const script of [...(step.before_scripts ?? []), ...(step.scripts ?? [])]) {
      if (script.trim() !== "") {
        results.push({
          step: name,
          assertion: "script",
          passed: false,
          actual: "scripts are not supported",
          response: "",
        });
      }
    }
    let response: Response_;
    try {
      response = await send(step, vars);
    } catch (error) {
      for (const a of step.assertions ?? []) {
        results.push({
          step: name,
          assertion: describe(a, vars),
          passed: false,
          actual: `request failed: ${(error as Error).message}`,
          response: "",
        });
      }
      continue;
    }
    const summary = `${response.status} ${response.text.slice(0, BODY_EXCERPT_CHARS)}`;
    for (const a of step.assertions ?? []) {
      const found = read(a.source, a.property, response);
      const outcome =
        typeof found === "string"
          ? found
          : compare(a.comparison, found.value, a.value === null ? null : substitute(a.value, vars));
      results.push({
        step: name,
        assertion: describe(a, vars),
        passed: outcome === true,
        actual: typeof found === "string" ? found : typeof outcome === "string" ? outcome : text(found.value),
        response: summary,
      });
    }
    for (const v of step.variables ?? []) {
      const found = read(v.source, v.property, response);
      if (typeof found !== "string" && found.value !== undefined) vars[v.name] = text(found.value);
    }
  }
  return results;
}
