/**
 * Finds the source and table mapping of a CDC topic `<topicPrefix>.<schema-or-db>.<table>`. The
 * longest matching prefix wins, so prefixes such as `erp` and `erp.pg` can coexist.
 */
import type { IngestConfig, SourceConfig, TableMapping } from './source-config.ts';

export type Route =
  | {
      readonly mapped: true;
      readonly source: SourceConfig;
      readonly table: string;
      readonly mapping: TableMapping;
    }
  | { readonly mapped: false; readonly why: string };

export function routeTopic(config: IngestConfig, topic: string): Route {
  let source: SourceConfig | undefined;
  for (const candidate of config.sources) {
    const fits = topic.startsWith(`${candidate.topicPrefix}.`);
    if (fits && (source === undefined || candidate.topicPrefix.length > source.topicPrefix.length)) {
      source = candidate;
    }
  }
  if (source === undefined) return { mapped: false, why: `topic ${topic} belongs to no configured source` };
  const table = topic.slice(source.topicPrefix.length + 1);
  const mapping = Object.hasOwn(source.tables, table) ? source.tables[table] : undefined;
  if (mapping === undefined) {
    return {
      mapped: false,
      why: `table ${table} of source ${source.id} is not mapped to the canonical model`,
    };
  }
  return { mapped: true, source, table, mapping };
}
