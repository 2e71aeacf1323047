/**
 * The offers processor as the engine runs it: canonical topics in (co-partitioned by SKU), one
 * compacted topic per channel out, parks to each channel's DLQ.
 *
 * Two stages in one processor, so one transaction covers both:
 *   1. Per SKU: a canonical record updates the SKU's joined state (sku-state.ts); each flat channel
 *      gets its offer at once.
 *   2. Per family, for channels that group variants: stage 1 writes the SKU's state to the
 *      repartition topic `syncline.offers.family.v1`, keyed `<family SKU>\u001f<SKU>`, so it is
 *      partitioned by the family SKU and lands on the task that owns the family (variants.ts says
 *      why the family cannot be had otherwise). The same processor reads that topic back, keeps
 *      the family's state and emits the family's offer. The topic is compacted on that key, so it
 *      holds each family's current members and the family state is rebuilt from it on restore.
 *
 * State tables: `sku` SkuState per SKU; `family` FamilyState per family; `last` what was last
 * written per `<channel>\u001f<key>`, for keys the channel has (suppress.ts); `parked` the sentence last parked per
 * `<channel>\u001f<key>`, or `<channel>\u001f<family>\u001f<variant>` for a variant parked inside
 * its family (one DLQ record per problem, not per change). All are rebuilt from the
 * input topics when a task's local store cannot be trusted, by running the same code with
 * emissions dropped.
 */
import { createHash } from 'node:crypto';
import { onlyLineage } from '../../runtime/lineage-headers.ts';
import type { Emission, InputRecord, Parked, Processor } from '../../runtime/processor.ts';
import type { StateView } from '../../runtime/state/task-state.ts';
import { canonicalTopics, skuOfKey, type CanonicalEntity } from '../../contracts/canonical.ts';
import { contentHashHeader } from '../../contracts/content-hash.ts';
import { topicNamesOfAll } from '../../contracts/topology-nodes.ts';
import { channelDlqTopicOf, offerTopicOf, topicNameOf } from '../../contracts/topics.ts';
import type { ChannelConfig, OffersConfig } from './channel-config.ts';
import { familyOffers, skuOffers, type OfferOutcome } from './offer.ts';
import { applyCanonical, isEmptySkuState, type CanonicalChange, type SkuState } from './sku-state.ts';
import { suppressOutcomes } from './suppress.ts';
import { familyTable, lastTable, offersTopology, parkedTable, skuTable } from './offers-topology.ts';
import { applyToFamily, familiesTouched, isEmptyFamily, type FamilyState } from './variants.ts';

export const familyRepartitionTopic = topicNameOf('offersFamily');
/** Parks that belong to no channel (a record that could not be decoded or processed). */
export const offersDlqTopic = topicNameOf('offersDlq');
export { channelDlqTopicOf };

const separator = '\u001f';

const entityOfTopic = new Map<string, CanonicalEntity>(
  Object.entries(canonicalTopics).map(([entity, topic]) => [topic, entity as CanonicalEntity]),
);

/** The channels split by how they treat variants, once per processor rather than per record. */
interface ChannelsByVariants {
  readonly flat: readonly ChannelConfig[];
  readonly grouped: readonly ChannelConfig[];
}

function byVariants(config: OffersConfig): ChannelsByVariants {
  return {
    flat: config.channels.filter((channel) => channel.variants === 'flat'),
    grouped: config.channels.filter((channel) => channel.variants === 'grouped'),
  };
}

/** What the processor reads under `config`, from its declaration (offers-topology.ts). */
export function offersInputTopics(config: OffersConfig): string[] {
  return topicNamesOfAll(offersTopology.reads, { sources: [], channels: config.channels });
}

/** What the processor writes under `config`: its outputs (all compacted) and its dead letters. */
export function offersOutputTopics(config: OffersConfig): { compacted: string[]; dlq: string[] } {
  const names = { sources: [], channels: config.channels };
  return {
    compacted: topicNamesOfAll(offersTopology.writes, names),
    dlq: topicNamesOfAll(offersTopology.parks, names),
  };
}

/**
 * What the family `familySku` should record of the SKU after its change: its state while it is a
 * member (the parent itself, or a variant naming the family), null once it is not. A variant's own
 * SKU is a family of its own too, without a parent, so its grouped key is a tombstone.
 */
export function memberState(familySku: string, after: SkuState): SkuState | null {
  if (isEmptySkuState(after)) return null;
  const parentSku = after.product?.parentSku ?? null;
  if (after.sku === familySku) return parentSku === null ? after : null;
  return parentSku === familySku ? after : null;
}

/** The family after one repartition record: the SKU's member state, or its departure. */
export function familyAfter(
  family: FamilyState | undefined,
  familySku: string,
  sku: string,
  member: SkuState | null,
): FamilyState {
  if (member !== null) return applyToFamily(family, familySku, member);
  const current: FamilyState = family ?? { sku: familySku, parent: null, variants: {} };
  if (sku === familySku) return { ...current, parent: null };
  const { [sku]: _gone, ...variants } = current.variants;
  return { ...current, variants };
}

/**
 * Parks the DLQ has not heard of: a product that stays parked is parked again on each change of
 * its stock or price, and the DLQ would fill with copies of one problem. The `parked` table keeps
 * the sentence last parked per channel and key; the same sentence again is dropped, a new one
 * (another field missing) is news. An offer, or a tombstone for another cause (deleted, filtered
 * out), ends the park, so a product that breaks again later is parked again.
 */
function stillNews(
  outcomes: readonly OfferOutcome[],
  memoryKey: (key: string) => string,
  state: StateView,
): OfferOutcome[] {
  return outcomes.filter((outcome) => {
    const key = memoryKey(outcome.key);
    if (outcome.kind === 'park') {
      if (state.get<string>(parkedTable, key) === outcome.reason.message) return false;
      state.put(parkedTable, key, outcome.reason.message);
    } else if (outcome.kind === 'offer' || outcome.cause !== 'parked') {
      if (state.get<string>(parkedTable, key) !== undefined) state.delete(parkedTable, key);
    }
    return true;
  });
}

function channelEmissions(
  channel: ChannelConfig,
  outcomes: readonly OfferOutcome[],
  record: InputRecord,
  state: StateView,
  parkedKey?: (key: string) => string,
): Emission[] {
  const memoryKey = (key: string) => `${channel.id}${separator}${key}`;
  const { emit, remember } = suppressOutcomes(stillNews(outcomes, parkedKey ?? memoryKey, state), (key) =>
    state.get<string | null>(lastTable, memoryKey(key)),
  );
  // A tombstone last written is not kept: suppress() decides after it exactly as for a key never
  // written, so the state holds the keys a channel has, not every key it ever had.
  for (const [key, last] of remember)
    if (last === null) state.delete(lastTable, memoryKey(key));
    else state.put(lastTable, memoryKey(key), last);
  const lineage = onlyLineage(record.headers);
  return emit.map((outcome): Emission => {
    switch (outcome.kind) {
      case 'offer':
        return {
          kind: 'record',
          record: {
            topic: offerTopicOf(channel.id),
            key: outcome.key,
            value: outcome.value,
            headers: { ...lineage, [contentHashHeader]: outcome.hash },
          },
        };
      case 'tombstone':
        return { kind: 'record', record: { topic: offerTopicOf(channel.id), key: outcome.key, value: null } };
      case 'park':
        return { kind: 'park', reason: outcome.reason };
    }
  });
}

function perSku(
  channels: ChannelsByVariants,
  entity: CanonicalEntity,
  record: InputRecord,
  state: StateView,
): Emission[] {
  if (record.key === null) {
    return [
      {
        kind: 'park',
        reason: {
          code: 'NO_KEY',
          message: `a ${record.topic} record has no key; canonical records are keyed by SKU`,
        },
      },
    ];
  }
  const sku = skuOfKey(record.key);
  const before = state.get<SkuState>(skuTable, sku);
  const after = applyCanonical(before, { entity, key: record.key, value: record.value } as CanonicalChange);
  if (isEmptySkuState(after)) state.delete(skuTable, sku);
  else state.put(skuTable, sku, after);

  const emissions: Emission[] = [];
  for (const channel of channels.flat) {
    emissions.push(...channelEmissions(channel, skuOffers(channel, after), record, state));
  }
  if (channels.grouped.length > 0) {
    for (const familySku of familiesTouched(before, after)) {
      emissions.push({
        kind: 'record',
        record: {
          topic: familyRepartitionTopic,
          key: `${familySku}${separator}${sku}`,
          value: memberState(familySku, after),
        },
      });
    }
  }
  return emissions;
}

function perFamily(channels: ChannelsByVariants, record: InputRecord, state: StateView): Emission[] {
  const at = record.key?.indexOf(separator) ?? -1;
  if (record.key === null || at <= 0) {
    return [
      {
        kind: 'park',
        reason: {
          code: 'BAD_FAMILY_KEY',
          message: `a ${familyRepartitionTopic} record has the key ${String(record.key)}, expected <family SKU>\\u001f<SKU>`,
        },
      },
    ];
  }
  const familySku = record.key.slice(0, at);
  const sku = record.key.slice(at + 1);
  const family = familyAfter(
    state.get<FamilyState>(familyTable, familySku),
    familySku,
    sku,
    (record.value ?? null) as SkuState | null,
  );
  if (isEmptyFamily(family)) state.delete(familyTable, familySku);
  else state.put(familyTable, familySku, family);
  return channels.grouped.flatMap((channel) => {
    const outcomes = familyOffers(channel, family);
    // A variant's park is the family's to remember, under a key of the family's: the variant's
    // own SKU is a family too (tombstoned as one, which would end the park), and may live on
    // another task. A variant neither offered nor tombstoned here ends its park by not being
    // parked: it is in the offer, left out for another cause, or gone from the family.
    const variantKey = (key: string) => `${channel.id}${separator}${familySku}${separator}${key}`;
    const parkedNow = new Set(outcomes.flatMap((o) => (o.kind === 'park' ? [o.key] : [])));
    for (const variant of new Set([...Object.keys(family.variants), sku])) {
      if (variant === familySku || parkedNow.has(variant)) continue;
      if (state.get<string>(parkedTable, variantKey(variant)) !== undefined)
        state.delete(parkedTable, variantKey(variant));
    }
    return channelEmissions(channel, outcomes, record, state, (key) =>
      key === familySku ? `${channel.id}${separator}${key}` : variantKey(key),
    );
  });
}

export function offersProcessor(config: OffersConfig): Processor {
  const signature = createHash('sha256').update(JSON.stringify(config.channels)).digest('hex').slice(0, 16);
  const channels = byVariants(config);
  return {
    name: 'offers',
    inputTopics: offersInputTopics(config),
    // A changed channel config wipes the local state, which is then rebuilt by replaying the
    // canonical topics under the new config. Offers already written under the old one are
    // rewritten when their SKU next changes (a full re-publication is an operator action).
    // v2: a variant's park in a grouped channel is remembered under its family's key.
    // v3: a tombstone last written is no longer stored (a v2 store keeps one per deleted key).
    stateSignature: `offers-v3|${signature}`,
    dlqTopic: (reason: Parked) =>
      reason.channel === undefined ? offersDlqTopic : channelDlqTopicOf(reason.channel),
    process(record, { state }) {
      if (record.topic === familyRepartitionTopic) return perFamily(channels, record, state);
      const entity = entityOfTopic.get(record.topic);
      if (entity === undefined) throw new Error(`the offers processor does not read ${record.topic}`);
      return perSku(channels, entity, record, state);
    },
  };
}
