/**
 * The sample's customers, about one per ten products: retail buyers, wholesale companies (with a
 * VAT id) and Polish retail buyers, one group per price list a customer can buy from. Like the
 * catalogue, each customer draws from its own random stream, so chunks and sizes do not matter.
 */
import { companyForms, companyWords, firstNames, lastNames } from './catalog-words.ts';
import { rngFor, streams } from './prng.ts';
import { dayMs, hourMs, sampleEpochMs, type CustomerRow } from './rows.ts';
import type { SampleSpec } from './generate.ts';

export const customerCount = (products: number): number => Math.max(5, Math.round(products / 10));

const ascii = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');

function customer(seed: number, index: number): CustomerRow {
  const rng = rngFor(seed, streams.customer, index);
  const code = `CUST-${String(index).padStart(6, '0')}`;
  // Groups by rule, so even the 5 customers of the tiny sample include each of them.
  const group = index % 4 === 2 ? 'wholesale' : index % 7 === 3 ? 'retail-pl' : 'retail';
  const first = rng.pick(firstNames);
  const last = rng.pick(lastNames);
  const created = sampleEpochMs + index * 613_000 + rng.int(0, hourMs);
  const times = { created_at: created, updated_at: created + rng.int(0, 90 * dayMs) };
  if (group === 'wholesale') {
    const country = rng.pick(['DE', 'AT', 'PL', 'CZ', 'NL']);
    const word = rng.pick(companyWords);
    const digits = String(rng.int(10_000_000, 99_999_999));
    const vat = {
      DE: `DE${digits}${rng.int(0, 9)}`,
      AT: `ATU${digits}`,
      PL: `PL${digits}${rng.int(10, 99)}`,
      CZ: `CZ${digits}`,
      NL: `NL${digits}${rng.int(0, 9)}B01`,
    }[country];
    return {
      code,
      name: `${last} ${word} ${companyForms[country] ?? ''}`.trim(),
      email: `orders+${index}@${ascii(last)}-${ascii(word)}.example.com`,
      customer_group: group,
      vat_id: vat ?? null,
      country,
      ...times,
    };
  }
  return {
    code,
    name: `${first} ${last}`,
    email: `${ascii(first)}.${ascii(last)}.${index}@example.com`,
    customer_group: group,
    vat_id: null,
    country: group === 'retail-pl' ? 'PL' : rng.pick(['DE', 'DE', 'AT', 'NL', 'FR']),
    ...times,
  };
}

export function* customerChunks(spec: SampleSpec, chunkSize = 2000): Generator<CustomerRow[]> {
  const total = customerCount(spec.products);
  for (let start = 1; start <= total; start += chunkSize) {
    const chunk: CustomerRow[] = [];
    for (let i = start; i < start + chunkSize && i <= total; i++) chunk.push(customer(spec.seed, i));
    yield chunk;
  }
}
