using System.Diagnostics;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf.WellKnownTypes;
using ProtoValue = FivetranSdk.V2.ValueType;

namespace ConnectorHost.Testing.Sync;

/// <summary>
/// One sync from a source into a destination, the way the platform runs it: test both sides, read the schema,
/// stream Update, turn records into replace/update batch files per table, create or alter destination tables as
/// records need them, send WriteBatch at every checkpoint (and when a table's files grow past a bound), and save the
/// checkpoint's state only after the destination accepted everything before it.
/// </summary>
/// <remarks>
/// Deletes are soft (<c>_fivetran_deleted = true</c> in an update file), as in Fivetran's default live mode; a TRUNCATE
/// record is a soft truncate of the rows synced before it. Columns the source declares UNSPECIFIED, or sends without
/// declaring, take the type of the first value seen.
/// </remarks>
public sealed class SyncRunner(ISyncSource source, IDestinationConnector destination, SyncOptions options, ISyncObserver? observer = null)
{
    private readonly Dictionary<(string Schema, string Table), Table> _declared = [];
    private readonly Dictionary<(string Schema, string Table), PendingTable> _tables = [];
    private readonly SyncReport _report = new();
    private readonly FileParams _fileParams = new()
    {
        Compression = options.Compression,
        Encryption = Encryption.Aes,
        NullString = BatchFileWriter.DefaultNullString,
        UnmodifiedString = BatchFileWriter.DefaultUnmodifiedString,
    };

    private DateTimeOffset _syncStart;

    public async Task<SyncReport> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        _syncStart = TruncateToMilliseconds(options.SyncStart ?? DateTimeOffset.UtcNow);
        Directory.CreateDirectory(options.WorkDirectory);
        try
        {
            if (options.RunConnectionTests)
            {
                await TestSourceAsync(cancellationToken).ConfigureAwait(false);
                await TestDestinationAsync(cancellationToken).ConfigureAwait(false);
            }

            var selection = await ReadSchemaAsync(cancellationToken).ConfigureAwait(false);
            await StreamUpdateAsync(selection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var table in _tables.Values)
            {
                table.Dispose();
            }

            _report.Elapsed = clock.Elapsed;
        }

        return _report;
    }

    private async Task TestSourceAsync(CancellationToken cancellationToken)
    {
        var form = await Call("source ConfigurationForm", () => source.ConfigurationFormAsync(cancellationToken)).ConfigureAwait(false);
        foreach (var test in form.Tests)
        {
            observer?.Step($"source test {test.Name}");
            var request = new TestRequest { Name = test.Name };
            request.Configuration.Add(options.SourceConfiguration);
            var response = await Call($"source Test {test.Name}", () => source.TestAsync(request, cancellationToken)).ConfigureAwait(false);
            if (response.ResponseCase == TestResponse.ResponseOneofCase.Failure)
            {
                throw new SyncException($"The source's test '{test.Name}' failed: {response.Failure}");
            }
        }
    }

    private async Task TestDestinationAsync(CancellationToken cancellationToken)
    {
        var form = await Call("destination ConfigurationForm", () => destination.ConfigurationFormAsync(cancellationToken)).ConfigureAwait(false);
        foreach (var test in form.Tests)
        {
            observer?.Step($"destination test {test.Name}");
            var request = new TestRequest { Name = test.Name };
            request.Configuration.Add(options.DestinationConfiguration);
            var response = await Call($"destination Test {test.Name}", () => destination.TestAsync(request, cancellationToken)).ConfigureAwait(false);
            if (response.ResponseCase == TestResponse.ResponseOneofCase.Failure)
            {
                throw new SyncException($"The destination's test '{test.Name}' failed: {response.Failure}");
            }
        }
    }

    private async Task<Selection?> ReadSchemaAsync(CancellationToken cancellationToken)
    {
        observer?.Step("source Schema");
        var request = new SchemaRequest();
        request.Configuration.Add(options.SourceConfiguration);
        var schema = await Call("source Schema", () => source.SchemaAsync(request, cancellationToken)).ConfigureAwait(false);
        switch (schema.ResponseCase)
        {
            case SchemaResponse.ResponseOneofCase.WithoutSchema:
                Declare(options.DefaultSchema, schema.WithoutSchema.Tables);
                var tables = new TablesWithNoSchema { IncludeNewTables = true };
                tables.Tables.AddRange(schema.WithoutSchema.Tables.Select(SelectAll));
                return new Selection { WithoutSchema = tables };
            case SchemaResponse.ResponseOneofCase.WithSchema:
                var schemas = new TablesWithSchema { IncludeNewSchemas = true };
                foreach (var declared in schema.WithSchema.Schemas)
                {
                    Declare(declared.Name, declared.Tables);
                    var selected = new SchemaSelection { Included = true, SchemaName = declared.Name, IncludeNewTables = true };
                    selected.Tables.AddRange(declared.Tables.Select(SelectAll));
                    schemas.Schemas.Add(selected);
                }

                return new Selection { WithSchema = schemas };
            default:
                return null;
        }

        static TableSelection SelectAll(Table table)
        {
            var selected = new TableSelection { Included = true, TableName = table.Name, IncludeNewColumns = true };
            foreach (var column in table.Columns)
            {
                selected.Columns[column.Name] = true;
            }

            return selected;
        }
    }

    private void Declare(string schemaName, IEnumerable<Table> tables)
    {
        foreach (var table in tables)
        {
            _declared[(schemaName, table.Name)] = table;
        }
    }

    private async Task StreamUpdateAsync(Selection? selection, CancellationToken cancellationToken)
    {
        var request = new UpdateRequest();
        request.Configuration.Add(options.SourceConfiguration);
        if (selection is not null)
        {
            request.Selection = selection;
        }

        var state = new SyncState(options.StateFile).Load();
        if (state is not null)
        {
            request.StateJson = state;
        }

        observer?.Step(state is null ? "source Update (no saved state: a first sync)" : "source Update from the saved state");
        await using var responses = source.UpdateAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await responses.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new SyncException($"The source's Update failed: {Describe(e)}", e);
            }

            if (!more)
            {
                break;
            }

            var response = responses.Current;
            switch (response.OperationCase)
            {
                case UpdateResponse.OperationOneofCase.Records:
                    foreach (var record in response.Records.Records_)
                    {
                        await HandleAsync(record, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case UpdateResponse.OperationOneofCase.Record:
                    await HandleAsync(response.Record, cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateResponse.OperationOneofCase.SchemaChange:
                    await ApplySchemaChangeAsync(response.SchemaChange, cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateResponse.OperationOneofCase.Checkpoint:
                    await CheckpointAsync(response.Checkpoint.StateJson, cancellationToken).ConfigureAwait(false);
                    break;
                case UpdateResponse.OperationOneofCase.Warning:
                    Warn($"Source warning: {response.Warning.Message}");
                    break;
                case UpdateResponse.OperationOneofCase.Task:
                    _report.Task = $"The source raised a task: {response.Task.Message}";
                    return;
            }
        }

        if (_report.RecordsAfterLastCheckpoint > 0)
        {
            await FlushAllAsync(cancellationToken).ConfigureAwait(false);
            Warn($"The source sent {_report.RecordsAfterLastCheckpoint} record(s) after its last checkpoint: they landed, " +
                 "but the saved state is older, so the next sync will send them again.");
        }
    }

    private async Task HandleAsync(Record record, CancellationToken cancellationToken)
    {
        var schemaName = record.HasSchemaName && record.SchemaName.Length > 0 ? record.SchemaName : options.DefaultSchema;
        var table = await TableForAsync(schemaName, record, cancellationToken).ConfigureAwait(false);
        var progress = table.Progress;
        if (record.Type == RecordType.Truncate)
        {
            await FlushAsync(table, cancellationToken).ConfigureAwait(false);
            await TruncateAsync(table, cancellationToken).ConfigureAwait(false);
            progress.Truncates++;
            return;
        }

        if (!table.HasColumnsOf(record))
        {
            await FlushAsync(table, cancellationToken).ConfigureAwait(false);
            var altered = table.Table.Clone();
            altered.Columns.AddRange(record.Data.Keys.Where(name => !table.HasColumn(name))
                .Select(name => ColumnFor(name, DeclaredColumn(schemaName, record.TableName, name), record.Data[name])).ToList());
            await AlterAsync(table, altered, cancellationToken).ConfigureAwait(false);
            progress.SchemaChanges++;
        }

        var (kind, deleted) = record.Type switch
        {
            RecordType.Update => (FileKind.Update, false),
            RecordType.Delete => (FileKind.Update, true),
            _ => (FileKind.Replace, false),
        };
        switch (record.Type)
        {
            case RecordType.Upsert:
                progress.Upserts++;
                break;
            case RecordType.Update:
                progress.Updates++;
                break;
            case RecordType.Delete:
                progress.Deletes++;
                break;
        }

        if (kind < table.LastKind)
        {
            // Replace files are applied before update files: an upsert after an update or delete of possibly the same
            // row must go in a later batch to keep the source's order.
            await FlushAsync(table, cancellationToken).ConfigureAwait(false);
        }

        table.Write(kind, record, kind == FileKind.Replace ? null : BatchFileWriter.Unmodified, _syncStart, deleted,
            table.IsKeyless ? RecordValues.RowId(record) : null);
        _report.Records++;
        _report.RecordsAfterLastCheckpoint++;
        if (_report.Records % 10_000 == 0)
        {
            observer?.RecordsRead(_report.Records);
        }

        if (table.PendingRows >= options.MaxRowsPerBatch)
        {
            await FlushAsync(table, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<PendingTable> TableForAsync(string schemaName, Record record, CancellationToken cancellationToken)
    {
        if (_tables.TryGetValue((schemaName, record.TableName), out var known))
        {
            return known;
        }

        var describe = new DescribeTableRequest { SchemaName = schemaName, TableName = record.TableName };
        describe.Configuration.Add(options.DestinationConfiguration);
        var described = await Call($"DescribeTable {schemaName}.{record.TableName}", () => destination.DescribeTableAsync(describe, cancellationToken)).ConfigureAwait(false);
        Table table;
        switch (described.ResponseCase)
        {
            case DescribeTableResponse.ResponseOneofCase.Table:
                table = described.Table;
                break;
            case DescribeTableResponse.ResponseOneofCase.NotFound:
                table = NewTable(schemaName, record);
                var create = new CreateTableRequest { SchemaName = schemaName, Table = table };
                create.Configuration.Add(options.DestinationConfiguration);
                Accept($"CreateTable {schemaName}.{table.Name}", (await Call($"CreateTable {schemaName}.{table.Name}",
                    () => destination.CreateTableAsync(create, cancellationToken)).ConfigureAwait(false)) switch
                {
                    { ResponseCase: CreateTableResponse.ResponseOneofCase.Warning } r => r.Warning.Message,
                    { ResponseCase: CreateTableResponse.ResponseOneofCase.Task } r => throw TaskRaised(r.Task.Message),
                    _ => null,
                });
                _report.Table(schemaName, table.Name).SchemaChanges++;
                break;
            case DescribeTableResponse.ResponseOneofCase.Task:
                throw TaskRaised(described.Task.Message);
            default:
                throw new SyncException($"DescribeTable {schemaName}.{record.TableName} answered neither a table nor not_found ({described.ResponseCase}).");
        }

        var pending = new PendingTable(schemaName, table, options.WorkDirectory, _fileParams, _tables.Count + 1, _report.Table(schemaName, record.TableName));
        _tables.Add((schemaName, record.TableName), pending);
        return pending;
    }

    private Table NewTable(string schemaName, Record record)
    {
        var table = new Table { Name = record.TableName };
        var declared = _declared.GetValueOrDefault((schemaName, record.TableName));
        foreach (var column in declared?.Columns ?? [])
        {
            table.Columns.Add(ColumnFor(column.Name, column, record.Data.GetValueOrDefault(column.Name)));
        }

        foreach (var (name, value) in record.Data.Where(pair => table.Columns.All(c => c.Name != pair.Key)))
        {
            table.Columns.Add(ColumnFor(name, declared: null, value));
        }

        table.Columns.Add(new Column { Name = PendingTable.SyncedColumn, Type = DataType.UtcDatetime });
        table.Columns.Add(new Column { Name = PendingTable.DeletedColumn, Type = DataType.Boolean });
        if (!table.Columns.Any(c => c.PrimaryKey))
        {
            table.Columns.Add(new Column { Name = PendingTable.IdColumn, Type = DataType.String, PrimaryKey = true });
        }

        return table;
    }

    private Column? DeclaredColumn(string schemaName, string tableName, string columnName) =>
        _declared.GetValueOrDefault((schemaName, tableName))?.Columns.FirstOrDefault(c => c.Name == columnName);

    private static Column ColumnFor(string name, Column? declared, ProtoValue? value)
    {
        if (declared is not null && declared.Type != DataType.Unspecified)
        {
            return declared.Clone();
        }

        var type = (value is null ? null : RecordValues.TypeOf(value)) ?? DataType.String;
        var column = new Column { Name = name, Type = type, PrimaryKey = declared?.PrimaryKey ?? false };
        if (RecordValues.ParamsFor(type, value) is { } parameters)
        {
            column.Params = parameters;
        }

        return column;
    }

    private async Task ApplySchemaChangeAsync(SchemaChange change, CancellationToken cancellationToken)
    {
        var changed = change.ChangeCase switch
        {
            SchemaChange.ChangeOneofCase.WithoutSchema => change.WithoutSchema.Tables.Select(t => (options.DefaultSchema, t)),
            SchemaChange.ChangeOneofCase.WithSchema => change.WithSchema.Schemas.SelectMany(s => s.Tables.Select(t => (s.Name, t))),
            _ => [],
        };
        foreach (var (schemaName, table) in changed.ToList())
        {
            _declared[(schemaName, table.Name)] = table;
            _report.Table(schemaName, table.Name).SchemaChanges++;
            if (_tables.TryGetValue((schemaName, table.Name), out var pending))
            {
                var added = table.Columns.Where(c => !pending.HasColumn(c.Name) && c.Type != DataType.Unspecified).ToList();
                if (added.Count > 0)
                {
                    await FlushAsync(pending, cancellationToken).ConfigureAwait(false);
                    var altered = pending.Table.Clone();
                    altered.Columns.AddRange(added.Select(c => c.Clone()));
                    await AlterAsync(pending, altered, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task AlterAsync(PendingTable table, Table altered, CancellationToken cancellationToken)
    {
        var request = new AlterTableRequest { SchemaName = table.SchemaName, Table = altered };
        request.Configuration.Add(options.DestinationConfiguration);
        var response = await Call($"AlterTable {table.SchemaName}.{altered.Name}", () => destination.AlterTableAsync(request, cancellationToken)).ConfigureAwait(false);
        Accept($"AlterTable {table.SchemaName}.{altered.Name}", response.ResponseCase switch
        {
            AlterTableResponse.ResponseOneofCase.Warning => response.Warning.Message,
            AlterTableResponse.ResponseOneofCase.Task => throw TaskRaised(response.Task.Message),
            _ => null,
        });
        table.ChangeColumns(altered);
    }

    private async Task TruncateAsync(PendingTable table, CancellationToken cancellationToken)
    {
        var request = new TruncateRequest
        {
            SchemaName = table.SchemaName,
            TableName = table.Table.Name,
            SyncedColumn = PendingTable.SyncedColumn,
            UtcDeleteBefore = Timestamp.FromDateTimeOffset(_syncStart),
            Soft = new SoftTruncate { DeletedColumn = PendingTable.DeletedColumn },
        };
        request.Configuration.Add(options.DestinationConfiguration);
        var response = await Call($"Truncate {table.SchemaName}.{table.Table.Name}", () => destination.TruncateAsync(request, cancellationToken)).ConfigureAwait(false);
        Accept($"Truncate {table.SchemaName}.{table.Table.Name}", response.ResponseCase switch
        {
            TruncateResponse.ResponseOneofCase.Warning => response.Warning.Message,
            TruncateResponse.ResponseOneofCase.Task => throw TaskRaised(response.Task.Message),
            _ => null,
        });
    }

    private async Task CheckpointAsync(string stateJson, CancellationToken cancellationToken)
    {
        var flushed = await FlushAllAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in flushed)
        {
            table.Checkpoints++;
        }

        new SyncState(options.StateFile).Save(stateJson);
        _report.Checkpoints++;
        _report.SavedState = stateJson;
        _report.RecordsAfterLastCheckpoint = 0;
        observer?.CheckpointSaved(stateJson);
    }

    private async Task<List<TableProgress>> FlushAllAsync(CancellationToken cancellationToken)
    {
        var flushed = new List<TableProgress>();
        foreach (var table in _tables.Values)
        {
            if (await FlushAsync(table, cancellationToken).ConfigureAwait(false))
            {
                flushed.Add(_report.Table(table.SchemaName, table.Table.Name));
            }
        }

        return flushed;
    }

    private async Task<bool> FlushAsync(PendingTable table, CancellationToken cancellationToken)
    {
        var rows = table.PendingRows;
        var request = table.TakeBatch(options.DestinationConfiguration);
        if (request is null)
        {
            return false;
        }

        var clock = Stopwatch.StartNew();
        try
        {
            var response = await Call($"WriteBatch {table.SchemaName}.{table.Table.Name}", () => destination.WriteBatchAsync(request, cancellationToken)).ConfigureAwait(false);
            Accept($"WriteBatch {table.SchemaName}.{table.Table.Name}", response.ResponseCase switch
            {
                WriteBatchResponse.ResponseOneofCase.Warning => response.Warning.Message,
                WriteBatchResponse.ResponseOneofCase.Task => throw TaskRaised(response.Task.Message),
                _ => null,
            });
        }
        finally
        {
            PendingTable.DeleteFiles(request);
        }

        var progress = _report.Table(table.SchemaName, table.Table.Name);
        progress.RowsWritten += rows;
        observer?.BatchWritten(progress, rows, clock.Elapsed);
        return true;
    }

    private void Accept(string call, string? warning)
    {
        if (warning is not null)
        {
            Warn($"{call} answered a warning: {warning}");
        }
    }

    private void Warn(string message)
    {
        _report.Warnings.Add(message);
        observer?.Warning(message);
    }

    private static SyncException TaskRaised(string message) => new($"The destination raised a task: {message}");

    private static async Task<T> Call<T>(string call, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not SyncException)
        {
            throw new SyncException($"{call} failed: {Describe(e)}", e);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        Abstractions.ConnectorException c => $"{c.Kind}: {c.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
