/**
 * The connector definitions as files and the reading of Connect's answers, without Connect: the
 * shipped definitions follow the topic naming and settings the pipeline relies on, bad files are
 * refused with the file and key named, and a Java trace is cut to its reason.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  connectorsDir,
  defaultConnectorFiles,
  parseConnectorDefinition,
  readConnectorFile,
} from '../../connectors/connector-file.ts';
import { summarizeTrace } from '../../connectors/connector-trace.ts';
import { validationErrors } from '../../connectors/validate.ts';

const shipped = [
  ...defaultConnectorFiles(),
  join(connectorsDir, 'templates', 'erp-sqlserver.json'),
  join(connectorsDir, 'templates', 'erp-oracle.json'),
].map(readConnectorFile);

describe('shipped connector definitions', () => {
  test('the applied set is the PostgreSQL and MariaDB ERPs', () => {
    assert.deepEqual(
      defaultConnectorFiles().map((file) => readConnectorFile(file).name),
      ['erp-mariadb', 'erp-postgres'],
    );
  });

  for (const definition of shipped) {
    test(`${definition.name} names topics erp.<source>.* and keeps money exact`, () => {
      const source = definition.name.replace(/^erp-/, '');
      assert.equal(definition.config['topic.prefix'], `erp.${source}`);
      assert.equal(definition.config['decimal.handling.mode'], 'string');
      assert.equal(definition.config['snapshot.mode'], 'initial');
      assert.equal(definition.config['tombstones.on.delete'], 'true');
      assert.equal(definition.config['value.converter.schemas.enable'], 'false');
      assert.match(definition.config['table.include.list'] ?? '', /product.*stock_level.*price/i);
      const secrets = Object.entries(definition.config).filter(([key]) => /password/.test(key));
      for (const [key, value] of secrets)
        assert.match(value, /^\$\{env:[A-Z_]+\}$/, `${key} is not in the file`);
    });
  }

  test('PostgreSQL uses pgoutput with a filtered publication', () => {
    const pg = shipped.find((d) => d.name === 'erp-postgres')!.config;
    assert.equal(pg['plugin.name'], 'pgoutput');
    assert.equal(pg['publication.autocreate.mode'], 'filtered');
  });
});

describe('parseConnectorDefinition', () => {
  test('refuses a setting that is not text, naming it', () => {
    assert.throws(
      () =>
        parseConnectorDefinition({ name: 'a', config: { 'connector.class': 'X', 'tasks.max': 1 } }, 'a.json'),
      /a\.json: config\."tasks\.max" must be a string/,
    );
  });
  test('refuses a missing connector class and a bad name', () => {
    assert.throws(
      () => parseConnectorDefinition({ name: 'a', config: {} }, 'a.json'),
      /connector\.class" is missing/,
    );
    assert.throws(
      () => parseConnectorDefinition({ name: 'a b', config: { 'connector.class': 'X' } }, 'a.json'),
      /"name" must be a connector name/,
    );
    assert.throws(
      () => parseConnectorDefinition([], 'a.json'),
      /expected an object with "name" and "config"/,
    );
  });
});

describe('validationErrors', () => {
  test('names the setting and the value sent, but never a password', () => {
    const result = {
      error_count: 2,
      configs: [
        { value: { name: 'snapshot.mode', value: null, errors: ['Value must be one of initial, never'] } },
        { value: { name: 'database.password', value: null, errors: ['too short'] } },
        { value: { name: 'database.port', value: '5433', errors: [] } },
      ],
    };
    assert.deepEqual(
      validationErrors(result, { 'snapshot.mode': 'sometimes', 'database.password': 'hunter2' }),
      ['snapshot.mode = "sometimes": Value must be one of initial, never', 'database.password: too short'],
    );
  });
});

describe('summarizeTrace', () => {
  test('keeps the first line and the deepest cause, without frames', () => {
    const trace = [
      'org.apache.kafka.connect.errors.ConnectException: An exception occurred in the change event producer.',
      '\tat io.debezium.pipeline.ErrorHandler.setProducerThrowable(ErrorHandler.java:67)',
      'Caused by: io.debezium.jdbc.JdbcConnectionException: FATAL: connection refused',
      '\tat io.debezium.jdbc.JdbcConnection.connect(JdbcConnection.java:1)',
      'Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed for user "debezium"',
    ].join('\n');
    assert.equal(
      summarizeTrace(trace),
      'org.apache.kafka.connect.errors.ConnectException: An exception occurred in the change event producer. ... ' +
        'Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed for user "debezium"',
    );
    assert.equal(summarizeTrace(undefined), 'Connect gave no reason');
  });
});
