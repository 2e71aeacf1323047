/**
 * A WHERE clause built one condition at a time with numbered parameters, so every value a caller
 * sends reaches PostgreSQL as a parameter, never as SQL text.
 */
export class SqlConditions {
  readonly values: unknown[] = [];
  private readonly parts: string[] = [];

  /** The next parameter's placeholder for `value`. */
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** Adds `sql`, in which each `?` is replaced by the placeholder of the next of `values`. */
  add(sql: string, ...values: unknown[]): this {
    let i = 0;
    this.parts.push(sql.replace(/\?/g, () => this.param(values[i++])));
    return this;
  }

  where(): string {
    return this.parts.length === 0 ? '' : `WHERE ${this.parts.join(' AND ')}`;
  }
}
