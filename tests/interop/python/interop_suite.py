#!/usr/bin/python3
"""Interop suite: Python grpcio (C-core) against a running ConnectorHost.

Stubs are generated at test time from the repository's protos/ (grpc_tools.protoc when installed, otherwise
Debian's protoc + grpc_python_plugin). Addresses come from the environment:
  INTEROP_SOURCE, INTEROP_DESTINATION              host serving ExampleSource / ExampleDestination (host:port)
  INTEROP_PROBE_SOURCE                             host serving the ProbeSource test plugin
  INTEROP_PROTOS                                   the protos/ folder (default: ../../../protos)
  INTEROP_RESULT                                   where to write the JSON result {case: {"passed": bool, "detail": str}}
  INTEROP_ONLY                                     optional comma-separated case names to run
  INTEROP_RUN                                      a name for this run: the slow probe calls carry "<run>/<case>" so the
                                                   probe's "update cancelled for ..." log line names its own run and case
Run with /usr/bin/python3 (the interpreter Debian's python3-grpcio serves).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
PROTOS = os.path.abspath(os.environ.get("INTEROP_PROTOS", os.path.join(HERE, "..", "..", "..", "protos")))
MiB = 1024 * 1024


def generate_stubs(out_dir):
    """Compiles protos/ (contract, reflection, health) into out_dir and puts it on sys.path."""
    files = []
    for root, _, names in os.walk(PROTOS):
        for name in names:
            if name.endswith(".proto"):
                files.append(os.path.relpath(os.path.join(root, name), PROTOS))
    try:
        from grpc_tools import protoc  # noqa: F401
        command = [sys.executable, "-m", "grpc_tools.protoc"]
        plugin = []
    except ImportError:
        command = ["protoc"]
        # Debian's protoc finds the well-known types (google/protobuf/timestamp.proto) in libprotobuf-dev's /usr/include.
        plugin = ["--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", "-I", "/usr/include"]
    subprocess.run(command + plugin + ["-I", PROTOS, "--python_out", out_dir, "--grpc_python_out", out_dir] + files,
                   check=True)
    for root, _, _ in os.walk(out_dir):
        if root not in (out_dir, os.path.join(out_dir, "grpc")):
            open(os.path.join(root, "__init__.py"), "a").close()
    sys.path.append(out_dir)
    # The health and reflection stubs live under grpc/...: graft them onto the real grpc package.
    import grpc
    grpc.__path__.append(os.path.join(out_dir, "grpc"))


STUB_DIR = tempfile.mkdtemp(prefix="interop-py-stubs-")
generate_stubs(STUB_DIR)

import grpc  # noqa: E402
import common_pb2 as common  # noqa: E402
import connector_sdk_pb2 as source_pb  # noqa: E402
import connector_sdk_pb2_grpc as source_grpc  # noqa: E402
import destination_sdk_pb2 as dest_pb  # noqa: E402
import destination_sdk_pb2_grpc as dest_grpc  # noqa: E402
from grpc.health.v1 import health_pb2, health_pb2_grpc  # noqa: E402  (generated from protos/grpc/health/v1)
from grpc.reflection.v1 import reflection_pb2 as refl_v1, reflection_pb2_grpc as refl_v1_grpc  # noqa: E402
from grpc.reflection.v1alpha import reflection_pb2 as refl_v1a, reflection_pb2_grpc as refl_v1a_grpc  # noqa: E402
from google.protobuf import descriptor_pb2  # noqa: E402

SOURCE = os.environ.get("INTEROP_SOURCE", "localhost:50051")
DESTINATION = os.environ.get("INTEROP_DESTINATION", "localhost:50052")
PROBE_SOURCE = os.environ.get("INTEROP_PROBE_SOURCE")
CONFIG = {"apiBaseURL": "https://api.example.com/", "authenticationMethod": "None", "apiVersion": "v2"}
TIMEOUT = 60

_channels = {}


def channel(address, large=False, compression=None):
    key = (address, large, compression)
    if key not in _channels:
        options = [("grpc.enable_retries", 0)]
        if large:
            options += [("grpc.max_send_message_length", 200 * MiB), ("grpc.max_receive_message_length", 200 * MiB)]
        _channels[key] = grpc.insecure_channel(address, options=options, compression=compression)
    return _channels[key]


def source(**kw):
    return source_grpc.SourceConnectorStub(channel(SOURCE, **kw))


def destination(**kw):
    return dest_grpc.DestinationConnectorStub(channel(DESTINATION, **kw))


def probe_source(**kw):
    if not PROBE_SOURCE:
        raise AssertionError("INTEROP_PROBE_SOURCE is not set: the probe host is needed for this case")
    return source_grpc.SourceConnectorStub(channel(PROBE_SOURCE, **kw))


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def equal(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def expect_status(call, code, what, message=None):
    try:
        call()
    except grpc.RpcError as error:
        equal(error.code(), code, f"{what} status")
        if message is not None:
            equal(error.details(), message, f"{what} status message")
        return error
    raise AssertionError(f"{what}: expected {code}, but the call succeeded")


# ---------------------------------------------------------------------------------------------------------------
# Contract: every RPC of both services against the example plugins
# ---------------------------------------------------------------------------------------------------------------

def case_source_configuration_form():
    form = source().ConfigurationForm(common.ConfigurationFormRequest(), timeout=TIMEOUT)
    check(form.schema_selection_supported and form.table_selection_supported, "selection flags must be true")
    equal([f.name for f in form.fields],
          ["apiBaseURL", "authenticationMethod", "conditionalOAuthFields", "conditionalApiKeyFields",
           "conditionalBasicAuthFields", "apiVersion", "shouldEnableMetrics"], "field names")
    api = form.fields[0]
    equal((api.label, api.required, api.text_field, api.placeholder, api.description),
          ("API base URL", True, common.PlainText, "api_base_url",
           "Enter the base URL for the API you're connecting to"), "apiBaseURL field")
    auth = form.fields[1]
    equal(list(auth.dropdown_field.dropdown_field), ["OAuth2.0", "API Key", "Basic Auth", "None"], "auth options")
    equal(auth.default_value, "None", "auth default")
    oauth = form.fields[2].conditional_fields
    equal((oauth.condition.condition_field, oauth.condition.string_value), ("authenticationMethod", "OAuth2.0"),
          "OAuth condition")
    equal([(f.name, f.label, f.text_field, f.placeholder) for f in oauth.fields],
          [("client_id", "Client ID", common.Password, "your_client_id_here"),
           ("client_secret", "Client Secret", common.Password, "your_client_secret_here")], "OAuth fields")
    equal([f.name for f in form.fields[3].conditional_fields.fields], ["api_key"], "API key fields")
    equal([(f.name, f.text_field) for f in form.fields[4].conditional_fields.fields],
          [("username", common.PlainText), ("password", common.Password)], "basic auth fields")
    version = form.fields[5]
    equal((list(version.dropdown_field.dropdown_field), version.default_value), (["v1", "v2", "v3"], "v2"),
          "apiVersion")
    check(form.fields[6].HasField("toggle_field"), "shouldEnableMetrics must be a toggle")
    equal([(t.name, t.label) for t in form.tests], [("connect", "Tests connection"), ("select", "Tests selection")],
          "tests")


def case_source_test():
    ok = source().Test(common.TestRequest(name="connect", configuration=CONFIG), timeout=TIMEOUT)
    equal(ok.WhichOneof("response"), "success", "connect with a valid URL")
    bad = source().Test(common.TestRequest(name="connect", configuration={"apiBaseURL": "not a url"}), timeout=TIMEOUT)
    equal(bad.WhichOneof("response"), "failure", "connect with a relative URL")
    check("apiBaseURL" in bad.failure, f"failure should name apiBaseURL: {bad.failure!r}")
    unknown = source().Test(common.TestRequest(name="nope", configuration=CONFIG), timeout=TIMEOUT)
    check("connect" in unknown.failure and "select" in unknown.failure, f"unknown test: {unknown.failure!r}")


def case_source_schema():
    schema = source().Schema(source_pb.SchemaRequest(configuration=CONFIG), timeout=TIMEOUT)
    equal(schema.WhichOneof("response"), "without_schema", "schema form")
    tables = [(t.name, [(c.name, c.type, c.primary_key) for c in t.columns]) for t in schema.without_schema.tables]
    equal(tables, [("table1", [("a1", common.UNSPECIFIED, True), ("a2", common.DOUBLE, False)]),
                   ("table2", [("b1", common.UNSPECIFIED, True), ("b2", common.UNSPECIFIED, False)])], "tables")


def _values(record):
    out = {}
    for name, value in record.data.items():
        kind = value.WhichOneof("inner")
        out[name] = getattr(value, kind)
    return out


def _update(state_json=None, config=CONFIG, stub=None, timeout=TIMEOUT):
    request = source_pb.UpdateRequest(configuration=config)
    if state_json is not None:
        request.state_json = state_json
    return list((stub or source()).Update(request, timeout=timeout))


def case_source_update_exact_stream():
    for state, start in ((None, 0), ('{"cursor": 10}', 10)):
        responses = _update(state)
        equal([r.WhichOneof("operation") for r in responses], ["records", "record", "record", "checkpoint"],
              f"operations (state {state!r})")
        batch = [(r.table_name, r.type, _values(r)) for r in responses[0].records.records]
        equal(batch, [("table1", common.UPSERT, {"a1": "a-0", "a2": 0.0}),
                      ("table1", common.UPSERT, {"a1": "a-1", "a2": 0.234}),
                      ("table1", common.UPSERT, {"a1": "a-2", "a2": 0.468}),
                      ("table2", common.UPSERT, {"b1": "b1", "b2": "ben"})], "first batch")
        update = responses[1].record
        equal((update.table_name, update.type, _values(update)), ("table1", common.UPDATE,
                                                                   {"a1": "a-0", "a2": 110.234}), "update record")
        delete = responses[2].record
        equal((delete.table_name, delete.type, _values(delete)), ("table1", common.DELETE, {"a1": "a-2"}),
              "delete record")
        equal(responses[3].checkpoint.state_json, '{"cursor": %d}' % (start + 6), "checkpoint")


def _table(name="orders"):
    return common.Table(name=name, columns=[
        common.Column(name="id", type=common.LONG, primary_key=True),
        common.Column(name="amount", type=common.DECIMAL, params=common.DataTypeParams(
            decimal=common.DecimalParams(precision=10, scale=2))),
        common.Column(name="note", type=common.STRING)])


def case_destination_configuration_form():
    form = destination().ConfigurationForm(common.ConfigurationFormRequest(), timeout=TIMEOUT)
    check(form.schema_selection_supported and form.table_selection_supported, "selection flags must be true")
    equal([f.name for f in form.fields],
          ["writerType", "conditional_field_for_file", "conditional_field_for_cloud",
           "conditional_field_for_database", "enableEncryption"], "field names")
    writer = form.fields[0]
    equal((writer.label, list(writer.dropdown_field.dropdown_field), writer.default_value, writer.description),
          ("Writer Type", ["Database", "File", "Cloud"], "Database", "Choose the destination type"), "writerType")
    file_fields = form.fields[1].conditional_fields
    equal((file_fields.condition.condition_field, file_fields.condition.string_value), ("writerType", "File"),
          "file condition")
    equal([f.name for f in file_fields.fields], ["host", "port", "user", "password", "table", "filePath"],
          "file fields")
    equal([f.name for f in form.fields[2].conditional_fields.fields], ["host", "port", "user", "password", "region"],
          "cloud fields")
    region = form.fields[2].conditional_fields.fields[4]
    equal((list(region.dropdown_field.dropdown_field), region.default_value), (["Azure", "AWS", "Google Cloud"],
                                                                              "Azure"), "region")
    equal([f.name for f in form.fields[3].conditional_fields.fields],
          ["host", "port", "user", "password", "database", "table"], "database fields")
    password = form.fields[3].conditional_fields.fields[3]
    equal((password.label, password.text_field, password.placeholder), ("Password", common.Password,
                                                                         "your_password"), "password field")
    check(form.fields[4].HasField("toggle_field"), "enableEncryption must be a toggle")
    equal([(t.name, t.label) for t in form.tests], [("connect", "Tests connection"), ("select", "Tests selection")],
          "tests")


def case_destination_capabilities():
    capabilities = destination().Capabilities(dest_pb.CapabilitiesRequest(), timeout=TIMEOUT)
    equal(capabilities.batch_file_format, dest_pb.CSV, "batch file format")


def case_destination_test():
    response = destination().Test(common.TestRequest(name="connect", configuration={"writerType": "Database"}),
                                  timeout=TIMEOUT)
    equal(response.WhichOneof("response"), "success", "connect")


def case_destination_table_lifecycle():
    stub = destination()
    schema = f"py_{os.getpid()}_{int(time.time() * 1000)}"
    missing = stub.DescribeTable(dest_pb.DescribeTableRequest(schema_name=schema, table_name="orders"),
                                 timeout=TIMEOUT)
    equal(missing.WhichOneof("response"), "not_found", "describe before create")
    check(missing.not_found, "not_found must be true")
    created = stub.CreateTable(dest_pb.CreateTableRequest(schema_name=schema, table=_table()), timeout=TIMEOUT)
    equal(created.WhichOneof("response"), "success", "create")
    described = stub.DescribeTable(dest_pb.DescribeTableRequest(schema_name=schema, table_name="orders"),
                                   timeout=TIMEOUT)
    equal(described.table, _table(), "described table")
    altered_table = _table()
    altered_table.columns.append(common.Column(name="shipped", type=common.BOOLEAN))
    altered = stub.AlterTable(dest_pb.AlterTableRequest(schema_name=schema, table=altered_table), timeout=TIMEOUT)
    equal(altered.WhichOneof("response"), "success", "alter")
    described = stub.DescribeTable(dest_pb.DescribeTableRequest(schema_name=schema, table_name="orders"),
                                   timeout=TIMEOUT)
    equal([c.name for c in described.table.columns], ["id", "amount", "note", "shipped"], "columns after alter")
    truncated = stub.Truncate(dest_pb.TruncateRequest(schema_name=schema, table_name="orders",
                                                      synced_column="_fivetran_synced"), timeout=TIMEOUT)
    equal(truncated.WhichOneof("response"), "success", "truncate")
    unknown = stub.Truncate(dest_pb.TruncateRequest(schema_name=schema, table_name="never_created"), timeout=TIMEOUT)
    equal(unknown.WhichOneof("response"), "success", "truncate of an unknown table")


def case_destination_migrate():
    response = destination().Migrate(dest_pb.MigrateRequest(details=dest_pb.MigrationDetails(
        schema="s", table="t", drop=dest_pb.DropOperation(drop_table=True))), timeout=TIMEOUT)
    equal(response.WhichOneof("response"), "unsupported", "migrate")
    check(response.unsupported, "unsupported must be true")


# ---------------------------------------------------------------------------------------------------------------
# Protocol cases adapted from gRPC's interop test descriptions
# ---------------------------------------------------------------------------------------------------------------

def case_empty_unary():
    # ConfigurationFormRequest and CapabilitiesRequest have no fields: a zero-length request message.
    check(len(common.ConfigurationFormRequest().SerializeToString()) == 0, "request must be empty")
    form = source().ConfigurationForm(common.ConfigurationFormRequest(), timeout=TIMEOUT)
    check(len(form.fields) > 0, "form must have fields")


def case_large_unary():
    # ~40 MB request through the example source's Test (it ignores unknown configuration keys).
    big = dict(CONFIG, padding="p" * (40 * MiB))
    response = source(large=True).Test(common.TestRequest(name="connect", configuration=big), timeout=TIMEOUT)
    equal(response.WhichOneof("response"), "success", "large request")
    # ~40 MB response from the probe source's Test (failure text of responseBytes characters).
    size = 40 * MiB
    response = probe_source(large=True).Test(common.TestRequest(name="connect", configuration={
        "responseBytes": str(size)}), timeout=TIMEOUT)
    equal(len(response.failure), size, "large response length")
    check(response.failure == "x" * size, "large response content")


def case_request_above_limit():
    big = dict(CONFIG, padding="p" * (129 * MiB))
    expect_status(lambda: source(large=True).Test(common.TestRequest(name="connect", configuration=big),
                                                 timeout=TIMEOUT),
                  grpc.StatusCode.RESOURCE_EXHAUSTED, "129 MiB request")
    # The host keeps serving on the same channel.
    equal(source(large=True).Test(common.TestRequest(name="connect", configuration=CONFIG), timeout=TIMEOUT)
          .WhichOneof("response"), "success", "call after the rejected one")


def case_server_streaming_many():
    count = 200_000
    responses = _update(config=dict(CONFIG, recordCount=str(count)), timeout=120)
    upserts = [r for resp in responses if resp.WhichOneof("operation") == "records" for r in resp.records.records]
    equal(len(upserts), count + 1, "upserts received")
    for index in (0, 1, count // 2, count - 1):
        equal(_values(upserts[index])["a1"], f"a-{index}", f"upsert {index}")
    check(all(len(resp.records.records) <= 100 for resp in responses if resp.WhichOneof("operation") == "records"),
          "batches must hold at most 100 records")
    equal(responses[-1].checkpoint.state_json, '{"cursor": %d}' % (count + 3), "checkpoint")


SPECIAL_MESSAGE = "tab\there\nnew line\r\nper%cent %41 ünïcödé 中文 emoji 😀🚀 \"quotes\" \\ end"


def case_status_code_and_message():
    config = {"behaviour": "connector-error", "kind": "InvalidArgument", "message": SPECIAL_MESSAGE}
    expect_status(lambda: probe_source().Test(common.TestRequest(name="connect", configuration=config),
                                              timeout=TIMEOUT),
                  grpc.StatusCode.INVALID_ARGUMENT, "unary error", SPECIAL_MESSAGE)
    expect_status(lambda: list(probe_source().Update(source_pb.UpdateRequest(configuration=config),
                                                     timeout=TIMEOUT)),
                  grpc.StatusCode.INVALID_ARGUMENT, "streaming error", SPECIAL_MESSAGE)
    config = dict(config, kind="NotFound")
    expect_status(lambda: probe_source().Test(common.TestRequest(name="connect", configuration=config),
                                              timeout=TIMEOUT),
                  grpc.StatusCode.NOT_FOUND, "NotFound kind", SPECIAL_MESSAGE)


def case_unimplemented_method():
    method = channel(SOURCE).unary_unary("/fivetran_sdk.v2.SourceConnector/NoSuchMethod",
                                         request_serializer=lambda m: m.SerializeToString(),
                                         response_deserializer=common.TestResponse.FromString)
    expect_status(lambda: method(common.TestRequest(), timeout=TIMEOUT), grpc.StatusCode.UNIMPLEMENTED,
                  "unknown method")
    # The destination's methods are not served on the source port (separate ports per contract).
    if SOURCE != DESTINATION:
        stub = dest_grpc.DestinationConnectorStub(channel(SOURCE))
        expect_status(lambda: stub.Capabilities(dest_pb.CapabilitiesRequest(), timeout=TIMEOUT),
                      grpc.StatusCode.UNIMPLEMENTED, "destination method on the source port")


def case_unimplemented_service():
    method = channel(SOURCE).unary_unary("/grpc.testing.UnimplementedService/UnimplementedCall",
                                         request_serializer=lambda m: m.SerializeToString(),
                                         response_deserializer=common.TestResponse.FromString)
    expect_status(lambda: method(common.TestRequest(), timeout=TIMEOUT), grpc.StatusCode.UNIMPLEMENTED,
                  "unknown service")


RUN = os.environ.get("INTEROP_RUN", "manual")


def slow_update(case):
    return source_pb.UpdateRequest(configuration={"behaviour": "slow", "caller": f"{RUN}/{case}"})


def case_deadline_exceeded_on_slow_stream():
    started = time.monotonic()
    # 3 s: the first record must reach the client before the deadline even on a loaded 2-core machine.
    stream = probe_source().Update(slow_update("deadline_exceeded_on_slow_stream"), timeout=3.0)
    received = []

    def consume():
        for response in stream:
            received.append(response)

    expect_status(consume, grpc.StatusCode.DEADLINE_EXCEEDED, "slow stream with a 3 s deadline")
    check(len(received) >= 1, "the first record must arrive before the deadline")
    check(time.monotonic() - started < 30, "deadline must end the call promptly")


def case_cancel_mid_stream():
    stream = probe_source().Update(slow_update("cancel_mid_stream"), timeout=TIMEOUT)
    first = next(stream)
    check(first.WhichOneof("operation") in ("record", "records"), f"first message before cancelling: {first}")
    stream.cancel()
    expect_status(lambda: next(stream), grpc.StatusCode.CANCELLED, "after cancel")
    # That the plugin saw its token cancelled is checked by the xunit fixture in the probe host's log.


def case_gzip_request_and_response():
    stub = source(compression=grpc.Compression.Gzip)
    padded = dict(CONFIG, padding="compressible " * 100_000)
    response = stub.Test(common.TestRequest(name="connect", configuration=padded), timeout=TIMEOUT)
    equal(response.WhichOneof("response"), "success", "gzip request")
    responses = _update(stub=stub, config=dict(CONFIG, recordCount="5000"))
    equal(responses[-1].checkpoint.state_json, '{"cursor": 5003}', "gzip stream checkpoint")
    call = stub.Schema.with_call(source_pb.SchemaRequest(configuration=CONFIG), timeout=TIMEOUT,
                                 compression=grpc.Compression.Gzip)
    equal(len(call[0].without_schema.tables), 2, "gzip schema")


def case_custom_metadata():
    metadata = (("x-interop-initial", "test_initial_metadata_value"),
                ("x-interop-trailing-bin", b"\x0a\x0b\x0a\x0b\x0a\x0b"))
    response, call = source().ConfigurationForm.with_call(common.ConfigurationFormRequest(), metadata=metadata,
                                                          timeout=TIMEOUT)
    check(len(response.fields) == 7, "call with custom metadata must succeed")
    equal(call.code(), grpc.StatusCode.OK, "status")
    initial = dict(call.initial_metadata())
    check("x-interop-initial" not in initial, "the host echoes no metadata")
    stream = source().Update(source_pb.UpdateRequest(configuration=CONFIG), metadata=metadata, timeout=TIMEOUT)
    equal(len(list(stream)), 4, "stream with custom metadata")
    equal(stream.code(), grpc.StatusCode.OK, "stream status")


# ---------------------------------------------------------------------------------------------------------------
# Health and reflection
# ---------------------------------------------------------------------------------------------------------------

def case_health_check():
    for address, service in ((SOURCE, "fivetran_sdk.v2.SourceConnector"),
                             (DESTINATION, "fivetran_sdk.v2.DestinationConnector")):
        stub = health_pb2_grpc.HealthStub(channel(address))
        for name in ("", service):
            equal(stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=TIMEOUT).status,
                  health_pb2.HealthCheckResponse.SERVING, f"health of {name!r} on {address}")
        expect_status(lambda: stub.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=TIMEOUT),
                      grpc.StatusCode.NOT_FOUND, "health of an unknown service")


def _reflect(module, grpc_module, address, requests):
    stub = grpc_module.ServerReflectionStub(channel(address))
    return list(stub.ServerReflectionInfo(iter(requests), timeout=TIMEOUT))


def _files(response):
    files = {}
    for raw in response.file_descriptor_response.file_descriptor_proto:
        proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
        files[proto.name] = proto
    return files


def _reflection_case(module, grpc_module):
    # The same conversation grpcurl has for `list` then `describe`.
    responses = _reflect(module, grpc_module, SOURCE, [
        module.ServerReflectionRequest(list_services=""),
        module.ServerReflectionRequest(file_containing_symbol="fivetran_sdk.v2.SourceConnector"),
        module.ServerReflectionRequest(file_containing_symbol="fivetran_sdk.v2.SourceConnector.Update"),
        module.ServerReflectionRequest(file_containing_symbol="fivetran_sdk.v2.UpdateResponse"),
        module.ServerReflectionRequest(file_containing_symbol="fivetran_sdk.v2.RecordType"),
        module.ServerReflectionRequest(file_containing_symbol="fivetran_sdk.v2.Selection"),
        module.ServerReflectionRequest(file_by_filename="google/protobuf/timestamp.proto"),
        module.ServerReflectionRequest(file_containing_symbol="no.such.Symbol"),
        module.ServerReflectionRequest(file_by_filename="no/such/file.proto"),
        module.ServerReflectionRequest(file_containing_extension=module.ExtensionRequest(
            containing_type="fivetran_sdk.v2.Record", extension_number=100)),
        module.ServerReflectionRequest(all_extension_numbers_of_type="fivetran_sdk.v2.Record"),
    ])
    equal(len(responses), 11, "one response per request, in order")
    services = sorted(s.name for s in responses[0].list_services_response.service)
    for expected in ("fivetran_sdk.v2.SourceConnector", "grpc.health.v1.Health",
                     "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"):
        check(expected in services, f"{expected} missing from list_services: {services}")
    check("fivetran_sdk.v2.DestinationConnector" not in services, "the source port does not serve the destination")
    files = _files(responses[1])
    check("connector_sdk.proto" in files, f"connector_sdk.proto missing: {list(files)}")
    check("common.proto" in files and "google/protobuf/timestamp.proto" in files,
          f"dependencies must be included transitively: {list(files)}")
    service = [s for s in files["connector_sdk.proto"].service if s.name == "SourceConnector"][0]
    equal([m.name for m in service.method], ["ConfigurationForm", "Test", "Schema", "Update"], "methods")
    update = service.method[3]
    equal((update.input_type, update.output_type, update.server_streaming),
          (".fivetran_sdk.v2.UpdateRequest", ".fivetran_sdk.v2.UpdateResponse", True), "Update method")
    check("connector_sdk.proto" in _files(responses[2]), "method symbol")
    check("connector_sdk.proto" in _files(responses[3]), "message symbol")
    check("common.proto" in _files(responses[4]), "enum symbol")
    check("connector_sdk.proto" in _files(responses[5]), "nested/oneof message symbol")
    timestamp = _files(responses[6])
    equal(list(timestamp), ["google/protobuf/timestamp.proto"], "file_by_filename timestamp")
    equal(timestamp["google/protobuf/timestamp.proto"].message_type[0].name, "Timestamp", "Timestamp message")
    equal(responses[7].error_response.error_code, grpc.StatusCode.NOT_FOUND.value[0], "unknown symbol")
    equal(responses[8].error_response.error_code, grpc.StatusCode.NOT_FOUND.value[0], "unknown file")
    check(responses[9].HasField("error_response"), "file_containing_extension must answer an error")
    check(responses[10].HasField("error_response") or responses[10].HasField("all_extension_numbers_response"),
          "all_extension_numbers_of_type must answer")
    # Destination port: the nested type of a message in destination_sdk.proto.
    responses = _reflect(module, grpc_module, DESTINATION, [
        module.ServerReflectionRequest(list_services=""),
        module.ServerReflectionRequest(file_containing_symbol="fivetran_sdk.v2.DestinationConnector"),
    ])
    check("fivetran_sdk.v2.DestinationConnector" in [s.name for s in responses[0].list_services_response.service],
          "destination list_services")
    check("destination_sdk.proto" in _files(responses[1]), "destination service file")


def case_reflection_v1():
    _reflection_case(refl_v1, refl_v1_grpc)


def case_reflection_v1alpha():
    _reflection_case(refl_v1a, refl_v1a_grpc)


# ---------------------------------------------------------------------------------------------------------------

def main():
    only = set(filter(None, os.environ.get("INTEROP_ONLY", "").split(",")))
    cases = [(name[len("case_"):], fn) for name, fn in globals().items() if name.startswith("case_") and callable(fn)]
    results = {}
    for name, fn in cases:
        if only and name not in only:
            continue
        started = time.monotonic()
        try:
            fn()
            results[name] = {"passed": True, "detail": f"{time.monotonic() - started:.2f}s"}
            print(f"PASS {name}", flush=True)
        except Exception as error:  # noqa: BLE001 - every failure becomes a result line
            detail = "".join(traceback.format_exception_only(type(error), error)).strip()
            if not isinstance(error, AssertionError):
                detail += "\n" + traceback.format_exc(limit=3)
            results[name] = {"passed": False, "detail": detail}
            print(f"FAIL {name}: {detail}", flush=True)
    for ch in _channels.values():
        ch.close()
    shutil.rmtree(STUB_DIR, ignore_errors=True)
    path = os.environ.get("INTEROP_RESULT")
    document = json.dumps({"client": f"python grpcio {grpc.__version__}", "cases": results}, indent=2)
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(document)
    passed = sum(1 for r in results.values() if r["passed"])
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
