/**
 * The ERP order command contract without a broker: the checker accepts a well-formed command and
 * names every problem of a bad one in the operator's sentence; amounts are exact; the digest
 * tells equal commands from different ones; the Avro schema carries exactly the TypeScript fields.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import avsc from 'avsc';
import {
  checkErpOrderCommand,
  commandDigest,
  erpOrderKey,
  orderLabel,
  orderTotal,
  type ErpOrderCommand,
} from '../../streams/contracts/orders/index.ts';
import { lineOne, lineTwo, orderCommand } from '../helpers/order-commands.ts';

function problemsOf(value: unknown): readonly string[] {
  const check = checkErpOrderCommand(value);
  assert.equal(check.ok, false, 'expected the command to be refused');
  return check.ok ? [] : check.problems;
}

describe('checkErpOrderCommand', () => {
  test('accepts a well-formed command and gives it back unchanged', () => {
    const command = orderCommand();
    const check = checkErpOrderCommand(command);
    assert.ok(check.ok);
    assert.deepEqual(check.command, command);
  });

  test('names the order and every problem in one sentence', () => {
    const bad = {
      ...orderCommand(),
      lines: [
        { ...lineOne, quantity: 0 },
        { ...lineTwo, unitPrice: '5.055' },
      ],
      currency: 'eur',
    };
    const check = checkErpOrderCommand(bad);
    assert.equal(check.ok, false);
    assert.equal(
      !check.ok && check.message,
      'order 100000123 from webshop: the currency "eur" is not an ISO 4217 code; line 1 has quantity 0; ' +
        'the unit price of line 2 "5.055" is not an amount like "19.90"',
    );
  });

  test('refuses a command without lines, buyer or addresses', () => {
    const { buyer: _b, shippingAddress: _s, ...rest } = orderCommand({ lines: [] });
    assert.deepEqual(problemsOf(rest), [
      'the buyer is missing',
      'the shipping address is missing',
      'the order has no lines',
    ]);
  });

  test('refuses an unknown kind, a negative time and a float amount', () => {
    assert.deepEqual(
      problemsOf({ ...orderCommand(), kind: 'delete', orderedAtMs: -1, shippingAmount: 4.9 }),
      [
        'kind "delete" is not one of place, amend, cancel',
        'the order time is not a time in epoch milliseconds',
        'the shipping amount 4.9 is not an amount like "19.90"',
      ],
    );
  });

  test('refuses lines numbered out of order and a channel line id used twice', () => {
    const lines = [lineOne, { ...lineTwo, lineNo: 3, channelLineId: '501' }];
    assert.deepEqual(problemsOf(orderCommand({ lines })), [
      'line 2 is numbered 3',
      `the channel's line id "501" appears twice`,
    ]);
  });

  test('refuses values longer than the ERP columns and control characters', () => {
    const problems = problemsOf(
      orderCommand({
        channelOrderId: 'x'.repeat(65),
        buyer: { customerCode: null, name: 'a\u0000b', email: 'not-an-address', phone: null },
      }),
    );
    assert.deepEqual(problems, [
      "the channel's order id is longer than 64 characters",
      'the buyer\'s email "not-an-address" is not an address',
      "the buyer's name holds a control character",
    ]);
  });

  test('refuses a total numeric(12,2) cannot hold', () => {
    const lines = [{ ...lineOne, quantity: 1000, unitPrice: '9999999999.99' }];
    assert.deepEqual(problemsOf(orderCommand({ lines })), ['the order total is larger than 9999999999.99']);
  });

  test('allows an empty postcode and a guest', () => {
    const address = { ...orderCommand().billingAddress, postcode: '', country: 'IE' };
    assert.ok(checkErpOrderCommand(orderCommand({ billingAddress: address })).ok);
  });

  test('something that is not an object is refused without throwing', () => {
    const check = checkErpOrderCommand('{"kind":"place"}');
    assert.equal(!check.ok && check.message, 'order ? from an unnamed channel: the command is not an object');
  });
});

describe('order amounts, key and label', () => {
  test('the total adds lines and shipping in cents', () => {
    // 2 x 19.90 + 5.05 + 4.90 = 49.75; 0.1 + 0.2 in floats would not be 0.3.
    assert.equal(orderTotal(orderCommand()), '49.75');
    const cents = [
      { ...lineOne, quantity: 1, unitPrice: '0.1' },
      { ...lineTwo, quantity: 1, unitPrice: '0.2' },
    ];
    assert.equal(orderTotal({ lines: cents, shippingAmount: '0' }), '0.30');
  });

  test('the key and the label name channel and order', () => {
    assert.equal(erpOrderKey('webshop', '100000123'), 'webshop\u001f100000123');
    assert.equal(orderLabel(orderCommand()), 'order 100000123 from webshop');
  });
});

describe('commandDigest', () => {
  test('equal content, equal digest, whatever the field order', () => {
    const command = orderCommand();
    const reordered = Object.fromEntries(Object.entries(command).reverse()) as unknown as ErpOrderCommand;
    assert.equal(commandDigest(reordered), commandDigest(command));
    assert.match(commandDigest(command), /^[0-9a-f]{64}$/);
  });

  test('any change of content changes it', () => {
    const base = commandDigest(orderCommand());
    assert.notEqual(commandDigest(orderCommand({ kind: 'amend' })), base);
    assert.notEqual(commandDigest(orderCommand({ lines: [lineOne] })), base);
    const moved = { ...orderCommand().shippingAddress, city: 'Brno' };
    assert.notEqual(commandDigest(orderCommand({ shippingAddress: moved })), base);
  });
});

describe('the Avro schema of erp.order.command.v1', () => {
  const schema = JSON.parse(
    readFileSync(new URL('../../schemas/erp.order.command.v1.avsc', import.meta.url), 'utf8'),
  ) as avsc.Schema & { fields: { name: string; type: unknown; default?: unknown }[] };
  const type = avsc.Type.forSchema(schema);

  test('has exactly the fields of the TypeScript command, in dev.syncline.orders', () => {
    assert.equal(type.name, 'dev.syncline.orders.ErpOrderCommand');
    assert.deepEqual(schema.fields.map((f) => f.name).sort(), Object.keys(orderCommand()).sort());
  });

  test('round-trips a command, and what it decodes passes the checker', () => {
    for (const command of [orderCommand(), orderCommand({ kind: 'cancel', cancelReason: 'buyer asked' })]) {
      const decoded = type.fromBuffer(type.toBuffer(command)) as ErpOrderCommand;
      const check = checkErpOrderCommand(decoded);
      assert.ok(check.ok);
      assert.deepEqual(JSON.parse(JSON.stringify(check.command)), JSON.parse(JSON.stringify(command)));
    }
  });

  test('refuses a unit price that is a number: money is text', () => {
    const lines = [{ ...lineOne, unitPrice: 19.9 }];
    assert.equal(type.isValid({ ...orderCommand(), lines }), false);
  });

  test('gives every nullable field a null default, so adding fields stays BACKWARD compatible', () => {
    const nullable = (fields: { name: string; type: unknown; default?: unknown }[]): string[] =>
      fields.filter((f) => Array.isArray(f.type)).map((f) => `${f.name}=${JSON.stringify(f.default)}`);
    assert.deepEqual(nullable(schema.fields), ['cancelReason=null']);
  });
});
