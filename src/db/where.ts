/** The `{sql, params}` a WHERE clause compiles to; the SCIM filter compiler produces the same. */
export interface SqlWhere {
  sql: string;
  params: unknown[];
}

/**
 * The one WHERE builder for admin reads: clauses joined with AND, values bound as numbered
 * parameters (`?1`, `?2`, ...) in the order they are added, never spliced into the SQL text.
 */
export class Where implements SqlWhere {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  /** Binds a value and returns its placeholder. */
  bind(value: unknown): string {
    this.params.push(value);
    return `?${this.params.length}`;
  }

  /** Adds a clause built with `p` (binds a value, returns its placeholder) when `when` holds. */
  and(when: unknown, clause: (p: (value: unknown) => string) => string): this {
    if (when !== undefined && when !== null && when !== "" && when !== false)
      this.clauses.push(`(${clause((v) => this.bind(v))})`);
    return this;
  }

  get sql(): string {
    return this.clauses.join(" AND ") || "1";
  }
}
