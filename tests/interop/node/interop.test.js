// Interop suite: Node @grpc/grpc-js (+ @grpc/proto-loader loading protos/ at run time) against a running ConnectorHost.
// Environment: INTEROP_SOURCE, INTEROP_DESTINATION, INTEROP_PROBE_SOURCE (host:port), INTEROP_PROTOS (protos/ folder),
// INTEROP_RESULT (JSON result file {case: {passed, detail}}), INTEROP_RUN (a name for this run: the slow probe calls
// carry "<run>/<case>" so the probe's "update cancelled for ..." line names its run and case). Run: node --test interop.test.js
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTOS = path.resolve(process.env.INTEROP_PROTOS || path.join(__dirname, '..', '..', '..', 'protos'));
const SOURCE = process.env.INTEROP_SOURCE || 'localhost:50051';
const DESTINATION = process.env.INTEROP_DESTINATION || 'localhost:50052';
const PROBE_SOURCE = process.env.INTEROP_PROBE_SOURCE;
const MiB = 1024 * 1024;
const RUN = process.env.INTEROP_RUN || 'manual';
const slowUpdate = (name) => ({ configuration: { behaviour: 'slow', caller: `${RUN}/${name}` } });
const CONFIG = { apiBaseURL: 'https://api.example.com/', authenticationMethod: 'None', apiVersion: 'v2' };

const definition = protoLoader.loadSync(
  ['connector_sdk.proto', 'destination_sdk.proto', 'grpc/health/v1/health.proto'],
  { includeDirs: [PROTOS], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const loaded = grpc.loadPackageDefinition(definition);
const sdk = loaded.fivetran_sdk.v2;
const health = loaded.grpc.health.v1;

const results = {};
const clients = [];
function client(Service, address, options = {}) {
  const c = new Service(address, grpc.credentials.createInsecure(), { 'grpc.enable_retries': 0, ...options });
  clients.push(c);
  return c;
}
const source = client(sdk.SourceConnector, SOURCE);
const destination = client(sdk.DestinationConnector, DESTINATION);
const large = { 'grpc.max_send_message_length': 200 * MiB, 'grpc.max_receive_message_length': 200 * MiB };
const sourceLarge = client(sdk.SourceConnector, SOURCE, large);
const probe = PROBE_SOURCE ? client(sdk.SourceConnector, PROBE_SOURCE, large) : null;
const sourceGzip = client(sdk.SourceConnector, SOURCE, { 'grpc.default_compression_algorithm': 2 });

const deadline = (seconds = 60) => new Date(Date.now() + seconds * 1000);
const unary = (c, method, request, options = {}) => new Promise((resolve, reject) => {
  c[method](request, options.metadata || new grpc.Metadata(), { deadline: deadline(), ...options.call },
    (error, response) => (error ? reject(error) : resolve(response)));
});
function stream(c, method, request, { seconds = 60, metadata = new grpc.Metadata() } = {}) {
  const call = c[method](request, metadata, { deadline: deadline(seconds) });
  const messages = [];
  const done = new Promise((resolve, reject) => {
    call.on('data', (m) => messages.push(m));
    call.on('error', reject);
    call.on('status', (s) => { if (s.code === grpc.status.OK) resolve({ messages, status: s }); });
  });
  return { call, messages, done };
}
async function expectStatus(promise, code, message) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.code, code, `status: expected ${code}, got ${error.code} (${error.details})`);
    if (message !== undefined) assert.equal(error.details, message, 'status message');
    return true;
  });
}
const values = (record) => Object.fromEntries(Object.entries(record.data).map(([k, v]) => [k, v[v.inner]]));
function probeClient() {
  assert.ok(probe, 'INTEROP_PROBE_SOURCE is not set: the probe host is needed for this case');
  return probe;
}

function interopCase(name, fn) {
  test(name, async () => {
    const started = Date.now();
    try {
      await fn();
      results[name] = { passed: true, detail: `${((Date.now() - started) / 1000).toFixed(2)}s` };
    } catch (error) {
      results[name] = { passed: false, detail: String(error && error.stack ? error.stack.split('\n').slice(0, 4).join('\n') : error) };
      throw error;
    }
  });
}

// ----------------------------------------------------------------------------------------------------------------
// Contract: every RPC of both services against the example plugins
// ----------------------------------------------------------------------------------------------------------------

interopCase('source_configuration_form', async () => {
  const form = await unary(source, 'ConfigurationForm', {});
  assert.equal(form.schema_selection_supported, true);
  assert.equal(form.table_selection_supported, true);
  assert.deepEqual(form.fields.map((f) => f.name), ['apiBaseURL', 'authenticationMethod', 'conditionalOAuthFields',
    'conditionalApiKeyFields', 'conditionalBasicAuthFields', 'apiVersion', 'shouldEnableMetrics']);
  const api = form.fields[0];
  assert.deepEqual([api.label, api.required, api.text_field, api.placeholder, api.description],
    ['API base URL', true, 'PlainText', 'api_base_url', "Enter the base URL for the API you're connecting to"]);
  assert.deepEqual(form.fields[1].dropdown_field.dropdown_field, ['OAuth2.0', 'API Key', 'Basic Auth', 'None']);
  assert.equal(form.fields[1].default_value, 'None');
  const oauth = form.fields[2].conditional_fields;
  assert.deepEqual([oauth.condition.condition_field, oauth.condition.string_value], ['authenticationMethod', 'OAuth2.0']);
  assert.deepEqual(oauth.fields.map((f) => [f.name, f.label, f.text_field, f.placeholder]),
    [['client_id', 'Client ID', 'Password', 'your_client_id_here'],
      ['client_secret', 'Client Secret', 'Password', 'your_client_secret_here']]);
  assert.deepEqual(form.fields[3].conditional_fields.fields.map((f) => f.name), ['api_key']);
  assert.deepEqual(form.fields[4].conditional_fields.fields.map((f) => [f.name, f.text_field]),
    [['username', 'PlainText'], ['password', 'Password']]);
  assert.deepEqual(form.fields[5].dropdown_field.dropdown_field, ['v1', 'v2', 'v3']);
  assert.equal(form.fields[5].default_value, 'v2');
  assert.equal(form.fields[6].type, 'toggle_field');
  assert.deepEqual(form.tests.map((t) => [t.name, t.label]), [['connect', 'Tests connection'], ['select', 'Tests selection']]);
});

interopCase('source_test', async () => {
  assert.equal((await unary(source, 'Test', { name: 'connect', configuration: CONFIG })).response, 'success');
  const bad = await unary(source, 'Test', { name: 'connect', configuration: { apiBaseURL: 'not a url' } });
  assert.equal(bad.response, 'failure');
  assert.match(bad.failure, /apiBaseURL/);
  const unknown = await unary(source, 'Test', { name: 'nope', configuration: CONFIG });
  assert.match(unknown.failure, /connect/);
  assert.match(unknown.failure, /select/);
});

interopCase('source_schema', async () => {
  const schema = await unary(source, 'Schema', { configuration: CONFIG });
  assert.equal(schema.response, 'without_schema');
  assert.deepEqual(schema.without_schema.tables.map((t) => [t.name, t.columns.map((c) => [c.name, c.type, c.primary_key])]), [
    ['table1', [['a1', 'UNSPECIFIED', true], ['a2', 'DOUBLE', false]]],
    ['table2', [['b1', 'UNSPECIFIED', true], ['b2', 'UNSPECIFIED', false]]]]);
});

interopCase('source_update_exact_stream', async () => {
  for (const [state, start] of [[undefined, 0], ['{"cursor": 10}', 10]]) {
    const request = { configuration: CONFIG };
    if (state !== undefined) request.state_json = state;
    const { messages } = await stream(source, 'Update', request).done;
    assert.deepEqual(messages.map((m) => m.operation), ['records', 'record', 'record', 'checkpoint']);
    assert.deepEqual(messages[0].records.records.map((r) => [r.table_name, r.type, values(r)]), [
      ['table1', 'UPSERT', { a1: 'a-0', a2: 0 }], ['table1', 'UPSERT', { a1: 'a-1', a2: 0.234 }],
      ['table1', 'UPSERT', { a1: 'a-2', a2: 0.468 }], ['table2', 'UPSERT', { b1: 'b1', b2: 'ben' }]]);
    const [update, del] = [messages[1].record, messages[2].record];
    assert.deepEqual([update.table_name, update.type, values(update)], ['table1', 'UPDATE', { a1: 'a-0', a2: 110.234 }]);
    assert.deepEqual([del.table_name, del.type, values(del)], ['table1', 'DELETE', { a1: 'a-2' }]);
    assert.equal(messages[3].checkpoint.state_json, `{"cursor": ${start + 6}}`);
  }
});

const table = (extra = []) => ({
  name: 'orders',
  columns: [
    { name: 'id', type: 'LONG', primary_key: true },
    { name: 'amount', type: 'DECIMAL', params: { decimal: { precision: 10, scale: 2 } } },
    { name: 'note', type: 'STRING' }, ...extra],
});

interopCase('destination_configuration_form', async () => {
  const form = await unary(destination, 'ConfigurationForm', {});
  assert.equal(form.schema_selection_supported, true);
  assert.equal(form.table_selection_supported, true);
  assert.deepEqual(form.fields.map((f) => f.name), ['writerType', 'conditional_field_for_file',
    'conditional_field_for_cloud', 'conditional_field_for_database', 'enableEncryption']);
  const writer = form.fields[0];
  assert.deepEqual([writer.label, writer.dropdown_field.dropdown_field, writer.default_value, writer.description],
    ['Writer Type', ['Database', 'File', 'Cloud'], 'Database', 'Choose the destination type']);
  assert.deepEqual(form.fields[1].conditional_fields.fields.map((f) => f.name), ['host', 'port', 'user', 'password', 'table', 'filePath']);
  assert.deepEqual(form.fields[2].conditional_fields.fields.map((f) => f.name), ['host', 'port', 'user', 'password', 'region']);
  assert.deepEqual(form.fields[3].conditional_fields.fields.map((f) => f.name), ['host', 'port', 'user', 'password', 'database', 'table']);
  const region = form.fields[2].conditional_fields.fields[4];
  assert.deepEqual([region.dropdown_field.dropdown_field, region.default_value], [['Azure', 'AWS', 'Google Cloud'], 'Azure']);
  assert.equal(form.fields[4].type, 'toggle_field');
  assert.deepEqual(form.tests.map((t) => [t.name, t.label]), [['connect', 'Tests connection'], ['select', 'Tests selection']]);
});

interopCase('destination_capabilities', async () => {
  assert.equal((await unary(destination, 'Capabilities', {})).batch_file_format, 'CSV');
});

interopCase('destination_test', async () => {
  assert.equal((await unary(destination, 'Test', { name: 'connect', configuration: { writerType: 'Database' } })).response, 'success');
});

interopCase('destination_table_lifecycle', async () => {
  const schema = `node_${process.pid}_${Date.now()}`;
  const missing = await unary(destination, 'DescribeTable', { schema_name: schema, table_name: 'orders' });
  assert.deepEqual([missing.response, missing.not_found], ['not_found', true]);
  assert.equal((await unary(destination, 'CreateTable', { schema_name: schema, table: table() })).response, 'success');
  const described = await unary(destination, 'DescribeTable', { schema_name: schema, table_name: 'orders' });
  assert.equal(described.response, 'table');
  assert.deepEqual(described.table.columns.map((c) => [c.name, c.type, c.primary_key]),
    [['id', 'LONG', true], ['amount', 'DECIMAL', false], ['note', 'STRING', false]]);
  assert.deepEqual(described.table.columns[1].params.decimal, { precision: 10, scale: 2 });
  assert.equal((await unary(destination, 'AlterTable', { schema_name: schema, table: table([{ name: 'shipped', type: 'BOOLEAN' }]) })).response, 'success');
  const altered = await unary(destination, 'DescribeTable', { schema_name: schema, table_name: 'orders' });
  assert.deepEqual(altered.table.columns.map((c) => c.name), ['id', 'amount', 'note', 'shipped']);
  assert.equal((await unary(destination, 'Truncate', { schema_name: schema, table_name: 'orders', synced_column: '_fivetran_synced' })).response, 'success');
  assert.equal((await unary(destination, 'Truncate', { schema_name: schema, table_name: 'never_created' })).response, 'success');
});

interopCase('destination_migrate', async () => {
  const response = await unary(destination, 'Migrate', { details: { schema: 's', table: 't', drop: { drop_table: true } } });
  assert.deepEqual([response.response, response.unsupported], ['unsupported', true]);
});

// ----------------------------------------------------------------------------------------------------------------
// Protocol cases adapted from gRPC's interop test descriptions
// ----------------------------------------------------------------------------------------------------------------

interopCase('empty_unary', async () => {
  const form = await unary(source, 'ConfigurationForm', {});
  assert.ok(form.fields.length > 0);
});

interopCase('large_unary', async () => {
  const padded = { ...CONFIG, padding: 'p'.repeat(40 * MiB) };
  assert.equal((await unary(sourceLarge, 'Test', { name: 'connect', configuration: padded })).response, 'success');
  const size = 40 * MiB;
  const response = await unary(probeClient(), 'Test', { name: 'connect', configuration: { responseBytes: String(size) } });
  assert.equal(response.failure.length, size);
  assert.ok(response.failure === 'x'.repeat(size), 'large response content');
});

interopCase('request_above_limit', async () => {
  const padded = { ...CONFIG, padding: 'p'.repeat(129 * MiB) };
  await expectStatus(unary(sourceLarge, 'Test', { name: 'connect', configuration: padded }), grpc.status.RESOURCE_EXHAUSTED);
  assert.equal((await unary(sourceLarge, 'Test', { name: 'connect', configuration: CONFIG })).response, 'success');
});

interopCase('server_streaming_many', async () => {
  const count = 200000;
  const { messages } = await stream(source, 'Update', { configuration: { ...CONFIG, recordCount: String(count) } }, { seconds: 120 }).done;
  const upserts = messages.filter((m) => m.operation === 'records').flatMap((m) => m.records.records);
  assert.equal(upserts.length, count + 1);
  for (const index of [0, 1, count / 2, count - 1]) assert.equal(values(upserts[index]).a1, `a-${index}`);
  assert.ok(messages.every((m) => m.operation !== 'records' || m.records.records.length <= 100));
  assert.equal(messages[messages.length - 1].checkpoint.state_json, `{"cursor": ${count + 3}}`);
});

const SPECIAL_MESSAGE = 'tab\there\nnew line\r\nper%cent %41 ünïcödé 中文 emoji 😀🚀 "quotes" \\ end';

interopCase('status_code_and_message', async () => {
  const config = { behaviour: 'connector-error', kind: 'InvalidArgument', message: SPECIAL_MESSAGE };
  await expectStatus(unary(probeClient(), 'Test', { name: 'connect', configuration: config }), grpc.status.INVALID_ARGUMENT, SPECIAL_MESSAGE);
  await expectStatus(stream(probeClient(), 'Update', { configuration: config }).done, grpc.status.INVALID_ARGUMENT, SPECIAL_MESSAGE);
  await expectStatus(unary(probeClient(), 'Test', { name: 'connect', configuration: { ...config, kind: 'NotFound' } }), grpc.status.NOT_FOUND, SPECIAL_MESSAGE);
});

function rawUnary(address, method) {
  const c = new grpc.Client(address, grpc.credentials.createInsecure());
  clients.push(c);
  return new Promise((resolve, reject) => {
    c.makeUnaryRequest(method, () => Buffer.alloc(0), (b) => b, {}, new grpc.Metadata(), { deadline: deadline() },
      (error, response) => (error ? reject(error) : resolve(response)));
  });
}

interopCase('unimplemented_method', async () => {
  await expectStatus(rawUnary(SOURCE, '/fivetran_sdk.v2.SourceConnector/NoSuchMethod'), grpc.status.UNIMPLEMENTED);
  if (SOURCE !== DESTINATION) {
    await expectStatus(rawUnary(SOURCE, '/fivetran_sdk.v2.DestinationConnector/Capabilities'), grpc.status.UNIMPLEMENTED);
  }
});

interopCase('unimplemented_service', async () => {
  await expectStatus(rawUnary(SOURCE, '/grpc.testing.UnimplementedService/UnimplementedCall'), grpc.status.UNIMPLEMENTED);
});

interopCase('deadline_exceeded_on_slow_stream', async () => {
  const started = Date.now();
  // 3 s: the first record must reach the client before the deadline even on a loaded 2-core machine.
  const s = stream(probeClient(), 'Update', slowUpdate('deadline_exceeded_on_slow_stream'), { seconds: 3 });
  await expectStatus(s.done, grpc.status.DEADLINE_EXCEEDED);
  assert.ok(s.messages.length >= 1, 'the first record must arrive before the deadline');
  assert.ok(Date.now() - started < 30000, 'deadline must end the call promptly');
});

interopCase('cancel_mid_stream', async () => {
  const s = stream(probeClient(), 'Update', slowUpdate('cancel_mid_stream'));
  await new Promise((resolve) => s.call.once('data', resolve));
  s.call.cancel();
  await expectStatus(s.done, grpc.status.CANCELLED);
  // That the plugin saw its token cancelled is checked by the xunit fixture in the probe host's log.
});

interopCase('gzip_request_and_response', async () => {
  const padded = { ...CONFIG, padding: 'compressible '.repeat(100000) };
  assert.equal((await unary(sourceGzip, 'Test', { name: 'connect', configuration: padded })).response, 'success');
  const { messages } = await stream(sourceGzip, 'Update', { configuration: { ...CONFIG, recordCount: '5000' } }).done;
  assert.equal(messages[messages.length - 1].checkpoint.state_json, '{"cursor": 5003}');
});

interopCase('custom_metadata', async () => {
  const metadata = new grpc.Metadata();
  metadata.set('x-interop-initial', 'test_initial_metadata_value');
  metadata.set('x-interop-trailing-bin', Buffer.from([0x0a, 0x0b, 0x0a, 0x0b, 0x0a, 0x0b]));
  let headers = null;
  const form = await new Promise((resolve, reject) => {
    const call = source.ConfigurationForm({}, metadata, { deadline: deadline() }, (e, r) => (e ? reject(e) : resolve(r)));
    call.on('metadata', (m) => { headers = m; });
  });
  assert.equal(form.fields.length, 7);
  assert.ok(headers, 'response headers must arrive');
  assert.deepEqual(headers.get('x-interop-initial'), [], 'the host echoes no metadata');
  const { messages, status } = await stream(source, 'Update', { configuration: CONFIG }, { metadata }).done;
  assert.equal(messages.length, 4);
  assert.equal(status.code, grpc.status.OK);
});

// ----------------------------------------------------------------------------------------------------------------
// Health
// ----------------------------------------------------------------------------------------------------------------

interopCase('health_check', async () => {
  for (const [address, service] of [[SOURCE, 'fivetran_sdk.v2.SourceConnector'], [DESTINATION, 'fivetran_sdk.v2.DestinationConnector']]) {
    const h = client(health.Health, address);
    for (const name of ['', service]) {
      assert.equal((await unary(h, 'Check', { service: name })).status, 'SERVING', `health of '${name}' on ${address}`);
    }
    await expectStatus(unary(h, 'Check', { service: 'no.such.Service' }), grpc.status.NOT_FOUND);
  }
});

// ----------------------------------------------------------------------------------------------------------------
// Reflection through a real reflection client: buf curl (from npm's @bufbuild/buf), v1 and v1alpha
// ----------------------------------------------------------------------------------------------------------------

const { execFileSync } = require('node:child_process');
function bufCurl(...args) {
  const buf = path.join(__dirname, 'node_modules', '.bin', 'buf');
  return execFileSync(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args],
    { encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'] });
}

interopCase('reflection_buf_curl', async () => {
  const listed = bufCurl('--list-methods', `http://${SOURCE}`).trim().split('\n');
  for (const method of ['fivetran_sdk.v2.SourceConnector/ConfigurationForm', 'fivetran_sdk.v2.SourceConnector/Update',
    'grpc.health.v1.Health/Check', 'grpc.reflection.v1.ServerReflection/ServerReflectionInfo']) {
    assert.ok(listed.includes(method), `${method} missing from ${listed}`);
  }
  const test = JSON.parse(bufCurl('-d', JSON.stringify({ name: 'connect', configuration: CONFIG }),
    `http://${SOURCE}/fivetran_sdk.v2.SourceConnector/Test`));
  assert.deepEqual(test, { success: true });
  const migrate = JSON.parse(bufCurl('--reflect-protocol', 'grpc-v1alpha', '-d', '{"details":{"schema":"s","table":"t","drop":{"dropTable":true}}}',
    `http://${DESTINATION}/fivetran_sdk.v2.DestinationConnector/Migrate`));
  assert.deepEqual(migrate, { unsupported: true });
  const schema = JSON.parse(bufCurl('-d', JSON.stringify({ configuration: CONFIG }), `http://${SOURCE}/fivetran_sdk.v2.SourceConnector/Schema`));
  assert.deepEqual(schema.withoutSchema.tables.map((t) => t.name), ['table1', 'table2']);
});

after(() => {
  for (const c of clients) c.close();
  if (process.env.INTEROP_RESULT) {
    fs.writeFileSync(process.env.INTEROP_RESULT, JSON.stringify({
      client: `node ${process.version} @grpc/grpc-js ${require('@grpc/grpc-js/package.json').version}`,
      cases: results,
    }, null, 2));
  }
});
