/** One schema change. Migrations are numbered files, applied in order, each in its own transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
