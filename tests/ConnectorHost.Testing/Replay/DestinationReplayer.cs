using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ConnectorHost.Abstractions;
using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Testing.BatchFiles;
using FivetranSdk.V2;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ConnectorHost.Testing.Replay;

/// <summary>
/// Replays Fivetran destination-tester input files against any <see cref="IDestinationConnector"/> (a plugin in
/// process, or a destination over gRPC through <see cref="Grpc.GrpcDestinationConnector"/>), the way the tester does:
/// CreateTable / AlterTable with Fivetran's system columns added, every record operation as real batch files
/// (CSV in table column order or Parquet per <see cref="ReplayOptions.BatchFileFormat"/>, null and unmodified
/// markers, zstd/gzip, AES-256-CBC with a fresh key per file),
/// history-mode tables through WriteHistoryBatch with earliest-start files, truncates with the sync time as
/// cut-off, schema migrations through AlterTable (DDL) or Migrate, then DescribeTable. Every call lands in the
/// returned <see cref="ReplayReport"/>; a failing call does not stop the replay.
/// </summary>
public sealed class DestinationReplayer
{
    public const string SyncedColumn = "_fivetran_synced";
    public const string DeletedColumn = "_fivetran_deleted";
    public const string IdColumn = "_fivetran_id";
    public const string StartColumn = "_fivetran_start";
    public const string EndColumn = "_fivetran_end";
    public const string ActiveColumn = "_fivetran_active";
    private const string OpTimeField = "op_time";

    /// <summary>The end of an active history version.</summary>
    public static readonly DateTimeOffset MaxTimestamp = new(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero);

    private readonly IDestinationConnector _destination;
    private readonly ReplayOptions _options;
    private readonly FileParams _fileParams;
    private readonly Dictionary<string, ReplayTable> _tables = new(StringComparer.Ordinal);
    private DateTimeOffset _clock;
    private int _fileCounter;
    private int _generatedIds;

    public DestinationReplayer(IDestinationConnector destination, ReplayOptions? options = null)
    {
        _destination = destination;
        _options = options ?? new ReplayOptions();
        _fileParams = BatchFileWriter.Params(_options.Compression, _options.Encryption);
        var start = _options.SyncStart ?? DateTimeOffset.UtcNow;
        _clock = new DateTimeOffset(start.UtcTicks - start.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    /// <summary>The sync time the last operation used.</summary>
    public DateTimeOffset Clock => _clock;

    /// <summary>Replays a file, or every *.json file of a folder in alphabetical order (as the tester does).</summary>
    public async Task<ReplayReport> ReplayPathAsync(string path, CancellationToken cancellationToken = default)
    {
        var files = Directory.Exists(path)
            ? Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal).ToArray()
            : [path];
        var report = new ReplayReport();
        foreach (var file in files)
        {
            TesterInput input;
            try
            {
                input = TesterInput.Load(file);
            }
            catch (Exception e) when (e is TesterInputException or IOException or InvalidOperationException or FormatException)
            {
                report.InputErrors[Path.GetFileName(file)] = e.Message;
                continue;
            }

            await ReplayAsync(input, report, cancellationToken).ConfigureAwait(false);
        }

        return report;
    }

    /// <summary>Replays one parsed input file, adding its calls to <paramref name="report"/> (a new one when null).</summary>
    public async Task<ReplayReport> ReplayAsync(TesterInput input, ReplayReport? report = null, CancellationToken cancellationToken = default)
    {
        report ??= new ReplayReport();
        var ownsDirectory = _options.WorkingDirectory is null;
        var directory = _options.WorkingDirectory ?? Path.Combine(Path.GetTempPath(), "connectorhost-replay-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var run = new Run(this, input.Name, directory, report, cancellationToken);
        try
        {
            foreach (var spec in input.CreateTables)
            {
                await run.CreateTableAsync(spec).ConfigureAwait(false);
            }

            foreach (var spec in input.AlterTables)
            {
                await run.AlterTableAsync(spec).ConfigureAwait(false);
            }

            for (var i = 0; i < input.Operations.Count; i++)
            {
                Tick();
                foreach (var (kind, body) in input.Operations[i])
                {
                    await run.OperationAsync(kind, body, $"ops[{i}]").ConfigureAwait(false);
                }
            }

            foreach (var migrations in input.SchemaMigrations)
            {
                foreach (var (kind, items) in migrations)
                {
                    foreach (var item in items as JsonArray ?? throw new TesterInputException(input.Name, $"schema_migration.{kind} is not an array"))
                    {
                        await run.MigrationAsync(kind, item as JsonObject ?? throw new TesterInputException(input.Name, $"schema_migration.{kind} holds a non-object")).ConfigureAwait(false);
                    }
                }
            }

            foreach (var table in input.DescribeTables)
            {
                await run.DescribeAsync("describe_table", table).ConfigureAwait(false);
            }
        }
        catch (TesterInputException e)
        {
            report.InputErrors[input.Name] = e.Message;
        }
        finally
        {
            if (ownsDirectory && !_options.KeepBatchFiles)
            {
                TryDeleteDirectory(directory);
            }
        }

        return report;
    }

    private void Tick() => _clock = _clock.AddSeconds(1);

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The columns Fivetran sends for a table: the declared ones plus the sync mode's system columns.</summary>
    public static Table WithSystemColumns(TableSpec spec)
    {
        var table = new Table { Name = spec.Name };
        if (!spec.Columns.Any(c => c.PrimaryKey))
        {
            table.Columns.Add(new Column { Name = IdColumn, Type = DataType.String, PrimaryKey = true });
        }

        table.Columns.AddRange(spec.Columns.Select(c => c.Clone()));
        if (spec.HistoryMode)
        {
            table.Columns.Add(new Column { Name = StartColumn, Type = DataType.UtcDatetime, PrimaryKey = true });
            table.Columns.Add(new Column { Name = EndColumn, Type = DataType.UtcDatetime });
            table.Columns.Add(new Column { Name = ActiveColumn, Type = DataType.Boolean });
            table.Columns.Add(new Column { Name = SyncedColumn, Type = DataType.UtcDatetime });
        }
        else
        {
            table.Columns.Add(new Column { Name = SyncedColumn, Type = DataType.UtcDatetime });
            table.Columns.Add(new Column { Name = DeletedColumn, Type = DataType.Boolean });
        }

        return table;
    }

    public static string FormatUtc(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static bool IsSystemColumn(string name) => name is SyncedColumn or DeletedColumn or IdColumn or StartColumn or EndColumn or ActiveColumn;

    /// <summary>What the replayer knows about a table: the columns it last sent, and its sync mode.</summary>
    private sealed class ReplayTable(Table table, bool historyMode)
    {
        public Table Table { get; set; } = table;

        public bool HistoryMode { get; set; } = historyMode;

        public IEnumerable<Column> Keys => Table.Columns.Where(c => c.PrimaryKey && c.Name != StartColumn);

        /// <summary>Inserts a user column before the system columns.</summary>
        public void AddColumn(Column column)
        {
            var index = Table.Columns.Count;
            while (index > 0 && IsSystemColumn(Table.Columns[index - 1].Name) && Table.Columns[index - 1].Name != IdColumn)
            {
                index--;
            }

            Table.Columns.Insert(index, column);
        }
    }

    /// <summary>The replay of one input file.</summary>
    private sealed class Run(DestinationReplayer owner, string inputName, string directory, ReplayReport report, CancellationToken cancellationToken)
    {
        private ReplayOptions Options => owner._options;

        private string Schema => Options.Schema;

        private DateTimeOffset Now => owner._clock;

        public async Task CreateTableAsync(TableSpec spec)
        {
            var table = WithSystemColumns(spec);
            var request = new CreateTableRequest { SchemaName = Schema, Table = table };
            request.Configuration.Add(Options.Configuration);
            var ok = await CallAsync("create_table", "CreateTable", spec.Name, Describe(table), async () =>
            {
                var response = await owner._destination.CreateTableAsync(request, cancellationToken).ConfigureAwait(false);
                return Outcome(response.ResponseCase.ToString(), response.Warning, response.Task);
            }).ConfigureAwait(false);
            owner._tables[spec.Name] = new ReplayTable(table, spec.HistoryMode);
            _ = ok;
        }

        public async Task AlterTableAsync(TableSpec spec)
        {
            var table = WithSystemColumns(spec);
            await AlterAsync("alter_table", table, dropColumns: false).ConfigureAwait(false);
            owner._tables[spec.Name] = new ReplayTable(table, spec.HistoryMode);
        }

        private Task<bool> AlterAsync(string operation, Table table, bool dropColumns, string? detail = null)
        {
            var request = new AlterTableRequest { SchemaName = Schema, Table = table.Clone(), DropColumns = dropColumns };
            request.Configuration.Add(Options.Configuration);
            return CallAsync(operation, "AlterTable", table.Name, (detail is null ? "" : detail + "; ") + Describe(table) + (dropColumns ? "; drop_columns" : ""), async () =>
            {
                var response = await owner._destination.AlterTableAsync(request, cancellationToken).ConfigureAwait(false);
                return Outcome(response.ResponseCase.ToString(), response.Warning, response.Task);
            });
        }

        public async Task DescribeAsync(string operation, string tableName)
        {
            var request = new DescribeTableRequest { SchemaName = Schema, TableName = tableName };
            request.Configuration.Add(Options.Configuration);
            await CallAsync(operation, "DescribeTable", tableName, $"{Schema}.{tableName}", async () =>
            {
                var response = await owner._destination.DescribeTableAsync(request, cancellationToken).ConfigureAwait(false);
                return response.ResponseCase switch
                {
                    DescribeTableResponse.ResponseOneofCase.NotFound => (ReplayOutcome.Success, "not_found"),
                    DescribeTableResponse.ResponseOneofCase.Table => (ReplayOutcome.Success, Describe(response.Table)),
                    _ => Outcome(response.ResponseCase.ToString(), response.Warning, response.Task),
                };
            }).ConfigureAwait(false);
        }

        public async Task OperationAsync(string kind, JsonNode? body, string where)
        {
            switch (kind)
            {
                case "upsert" or "update" or "delete" or "soft_delete":
                    if (body is not JsonObject tables)
                    {
                        throw new TesterInputException(inputName, $"{where}.{kind} is not an object of table → records");
                    }

                    foreach (var (tableName, records) in tables)
                    {
                        var rows = (records as JsonArray ?? throw new TesterInputException(inputName, $"{where}.{kind}.{tableName} is not an array"))
                            .Select((r, i) => r as JsonObject ?? throw new TesterInputException(inputName, $"{where}.{kind}.{tableName}[{i}] is not an object"))
                            .ToList();
                        await WriteAsync(kind, tableName, rows, $"{where}.{kind}.{tableName}").ConfigureAwait(false);
                    }

                    break;
                case "truncate_before" or "soft_truncate_before":
                    foreach (var table in Names(body, $"{where}.{kind}"))
                    {
                        await TruncateAsync(kind, table).ConfigureAwait(false);
                    }

                    break;
                case "describe_table":
                    foreach (var table in Names(body, $"{where}.{kind}"))
                    {
                        await DescribeAsync(kind, table).ConfigureAwait(false);
                    }

                    break;
                default:
                    throw new TesterInputException(inputName, $"{where}: unknown operation '{kind}'");
            }
        }

        private List<string> Names(JsonNode? body, string where) =>
            (body as JsonArray ?? throw new TesterInputException(inputName, $"{where} is not an array of table names"))
            .Select(n => n?.GetValue<string>() ?? throw new TesterInputException(inputName, $"{where} holds a null"))
            .ToList();

        private async Task TruncateAsync(string kind, string tableName)
        {
            var request = new TruncateRequest
            {
                SchemaName = Schema,
                TableName = tableName,
                SyncedColumn = SyncedColumn,
                UtcDeleteBefore = Timestamp.FromDateTimeOffset(Now),
            };
            if (kind == "soft_truncate_before")
            {
                request.Soft = new SoftTruncate { DeletedColumn = DeletedColumn };
            }

            request.Configuration.Add(Options.Configuration);
            await CallAsync(kind, "Truncate", tableName, $"{(request.Soft is null ? "hard" : "soft")}, synced before {FormatUtc(Now)}", async () =>
            {
                var response = await owner._destination.TruncateAsync(request, cancellationToken).ConfigureAwait(false);
                return Outcome(response.ResponseCase.ToString(), response.Warning, response.Task);
            }).ConfigureAwait(false);
        }

        /// <summary>A table the file never created: its columns are inferred from the records (the destination should ignore the call).</summary>
        private ReplayTable InferTable(string tableName, IReadOnlyList<JsonObject> records)
        {
            var columns = new List<Column>();
            foreach (var record in records)
            {
                foreach (var (name, value) in record)
                {
                    if (name == OpTimeField || columns.Any(c => c.Name == name))
                    {
                        continue;
                    }

                    var type = value switch
                    {
                        JsonValue v when v.TryGetValue<bool>(out _) => DataType.Boolean,
                        JsonValue v when v.TryGetValue<long>(out _) => DataType.Long,
                        JsonValue v when v.TryGetValue<double>(out _) => DataType.Double,
                        _ => DataType.String,
                    };
                    columns.Add(new Column { Name = name, Type = type, PrimaryKey = name == "id" });
                }
            }

            return new ReplayTable(WithSystemColumns(new TableSpec(tableName, columns.Where(c => !IsSystemColumn(c.Name)).ToList(), false)), false);
        }

        private async Task WriteAsync(string kind, string tableName, IReadOnlyList<JsonObject> records, string where)
        {
            var table = owner._tables.GetValueOrDefault(tableName) ?? InferTable(tableName, records);
            foreach (var record in records)
            {
                foreach (var (name, _) in record)
                {
                    if (name != OpTimeField && table.Table.Columns.All(c => c.Name != name))
                    {
                        throw new TesterInputException(inputName, $"{where}: a record names column '{name}', which table '{tableName}' does not have");
                    }
                }
            }

            var files = new List<(string Role, string Path, int Rows)>();
            var keys = new Dictionary<string, ByteString>(StringComparer.Ordinal);
            try
            {
                if (table.HistoryMode)
                {
                    await WriteHistoryAsync(kind, table, records, files, keys).ConfigureAwait(false);
                }
                else
                {
                    await WriteLiveAsync(kind, table, records, files, keys).ConfigureAwait(false);
                }
            }
            finally
            {
                if (!Options.KeepBatchFiles)
                {
                    foreach (var file in files)
                    {
                        File.Delete(file.Path);
                    }
                }
            }
        }

        private async Task WriteLiveAsync(string kind, ReplayTable table, IReadOnlyList<JsonObject> records, List<(string Role, string Path, int Rows)> files, Dictionary<string, ByteString> keys)
        {
            var columns = table.Table.Columns;
            string role;
            string path;
            switch (kind)
            {
                case "upsert":
                    role = "replace";
                    path = WriteFile(columns, records.Select(r => columns.Select(c => c.Name switch
                    {
                        SyncedColumn => FormatUtc(Now),
                        DeletedColumn => "false",
                        IdColumn when !r.ContainsKey(IdColumn) => $"replay-{Interlocked.Increment(ref owner._generatedIds)}",
                        _ => Cell(c, r, missingIsUnmodified: false),
                    }).ToList()), keys);
                    break;
                case "update" or "soft_delete":
                    role = "update";
                    path = WriteFile(columns, records.Select(r => columns.Select(c => c.Name switch
                    {
                        SyncedColumn => FormatUtc(Now),
                        DeletedColumn => kind == "soft_delete" ? "true" : "false",
                        _ when kind == "soft_delete" && !c.PrimaryKey => owner._fileParams.UnmodifiedString,
                        _ => Cell(c, r, missingIsUnmodified: true),
                    }).ToList()), keys);
                    break;
                default:
                    role = "delete";
                    var deleteColumns = columns.Where(c => c.PrimaryKey || c.Name == SyncedColumn).ToList();
                    path = WriteFile(deleteColumns, records.Select(r => deleteColumns.Select(c => c.Name == SyncedColumn ? FormatUtc(Now) : Cell(c, r, missingIsUnmodified: false)).ToList()), keys);
                    break;
            }

            files.Add((role, path, records.Count));
            var request = new WriteBatchRequest { SchemaName = Schema, Table = table.Table.Clone(), FileParams = owner._fileParams.Clone() };
            request.Configuration.Add(Options.Configuration);
            request.Keys.Add(keys);
            (role switch { "replace" => request.ReplaceFiles, "update" => request.UpdateFiles, _ => request.DeleteFiles }).Add(path);
            await CallAsync(kind, "WriteBatch", table.Table.Name, Summary(files), async () =>
            {
                var response = await owner._destination.WriteBatchAsync(request, cancellationToken).ConfigureAwait(false);
                return Outcome(response.ResponseCase.ToString(), response.Warning, response.Task);
            }).ConfigureAwait(false);
        }

        private async Task WriteHistoryAsync(string kind, ReplayTable table, IReadOnlyList<JsonObject> records, List<(string Role, string Path, int Rows)> files, Dictionary<string, ByteString> keys)
        {
            var columns = table.Table.Columns;
            var keyColumns = table.Keys.ToList();
            var versions = records
                .Select((r, index) => (Record: r, Index: index, Start: OpTime(r), Key: string.Join('\u001f', keyColumns.Select(k => Cell(k, r, false)))))
                .ToList();
            var request = new WriteHistoryBatchRequest { SchemaName = Schema, Table = table.Table.Clone(), FileParams = owner._fileParams.Clone() };
            request.Configuration.Add(Options.Configuration);
            if (kind is "upsert" or "update")
            {
                // Versions of one key in time order: each ends 1 ms before the next starts; the last is active.
                var ordered = versions.OrderBy(v => v.Key, StringComparer.Ordinal).ThenBy(v => v.Start).ThenBy(v => v.Index).ToList();
                var earliestColumns = keyColumns.Append(columns.Single(c => c.Name == StartColumn)).ToList();
                var earliest = WriteFile(earliestColumns,
                    ordered.GroupBy(v => v.Key).Select(g => g.First()).Select(v => keyColumns.Select(k => Cell(k, v.Record, false)).Append(FormatUtc(v.Start)).ToList()),
                    keys);
                files.Add(("earliest_start", earliest, ordered.Select(v => v.Key).Distinct().Count()));
                request.EarliestStartFiles.Add(earliest);
                var rows = new List<List<string>>();
                for (var i = 0; i < ordered.Count; i++)
                {
                    var next = i + 1 < ordered.Count && ordered[i + 1].Key == ordered[i].Key ? ordered[i + 1].Start : (DateTimeOffset?)null;
                    var version = ordered[i];
                    rows.Add(columns.Select(c => c.Name switch
                    {
                        StartColumn => FormatUtc(version.Start),
                        EndColumn => FormatUtc(next?.AddMilliseconds(-1) ?? MaxTimestamp),
                        ActiveColumn => next is null ? "true" : "false",
                        SyncedColumn => FormatUtc(Now),
                        _ => Cell(c, version.Record, missingIsUnmodified: kind == "update"),
                    }).ToList());
                }

                var path = WriteFile(columns, rows, keys);
                var role = kind == "upsert" ? "replace" : "update";
                files.Add((role, path, rows.Count));
                (kind == "upsert" ? request.ReplaceFiles : request.UpdateFiles).Add(path);
            }
            else
            {
                // delete and soft_delete both close the active version at the operation time.
                var deleteColumns = columns.Where(c => c.PrimaryKey || c.Name is EndColumn or ActiveColumn or SyncedColumn).ToList();
                var path = WriteFile(deleteColumns, versions.Select(v => deleteColumns.Select(c => c.Name switch
                {
                    StartColumn => owner._fileParams.NullString,
                    EndColumn => FormatUtc(v.Start),
                    ActiveColumn => "false",
                    SyncedColumn => FormatUtc(Now),
                    _ => Cell(c, v.Record, false),
                }).ToList()), keys);
                files.Add(("delete", path, versions.Count));
                request.DeleteFiles.Add(path);
            }

            request.Keys.Add(keys);
            await CallAsync(kind, "WriteHistoryBatch", table.Table.Name, Summary(files), async () =>
            {
                var response = await owner._destination.WriteHistoryBatchAsync(request, cancellationToken).ConfigureAwait(false);
                return Outcome(response.ResponseCase.ToString(), response.Warning, response.Task);
            }).ConfigureAwait(false);
        }

        private DateTimeOffset OpTime(JsonObject record)
        {
            if (record[OpTimeField] is not { } node)
            {
                return Now;
            }

            return DateTimeOffset.TryParse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
                ? value
                : throw new TesterInputException(inputName, $"op_time '{node}' is not a timestamp");
        }

        /// <summary>A record's value for a column as the platform writes it in a CSV cell (<see cref="WriteFile"/> turns it into a Parquet value).</summary>
        private string Cell(Column column, JsonObject record, bool missingIsUnmodified)
        {
            if (!record.TryGetPropertyValue(column.Name, out var node))
            {
                return missingIsUnmodified && !column.PrimaryKey ? owner._fileParams.UnmodifiedString : owner._fileParams.NullString;
            }

            return node switch
            {
                null => owner._fileParams.NullString,
                JsonValue v when v.TryGetValue<string>(out var text) => column.Type == DataType.Binary ? Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) : text,
                JsonValue v when v.TryGetValue<bool>(out var flag) => flag ? "true" : "false",
                _ => node.ToJsonString(),
            };
        }

        /// <summary>
        /// One batch file in the format the options ask for, its key added to <paramref name="keys"/>. Cells are CSV
        /// text; for Parquet the null marker becomes a native null, the unmodified marker stays a marker (typed
        /// columns holding it become string columns, as the abstractions' Parquet reader documents) and every other
        /// cell becomes a value of the column's Parquet type.
        /// </summary>
        private string WriteFile(IReadOnlyList<Column> columns, IEnumerable<IReadOnlyList<string>> rows, Dictionary<string, ByteString> keys)
        {
            var number = Interlocked.Increment(ref owner._fileCounter);
            var encryption = Options.Encryption == Encryption.Aes ? ".aes" : "";
            string path;
            if (Options.BatchFileFormat == BatchFileFormat.Parquet)
            {
                // Parquet compresses its own pages with the codec file_params names: no outer compression layer.
                path = Path.Combine(directory, $"batch-{number:D5}.parquet{encryption}");
                var fileParams = owner._fileParams;
                var values = rows.Select(row => row.Select(cell =>
                    cell == fileParams.NullString ? null
                    : cell == fileParams.UnmodifiedString ? ParquetBatchFileWriter.Unmodified
                    : (object)cell).ToArray());
                keys[path] = ParquetBatchFileWriter.Write(path, fileParams, columns, values).Key;
                return path;
            }

            var compression = Options.Compression switch { Compression.Zstd => ".zst", Compression.Gzip => ".gz", _ => "" };
            path = Path.Combine(directory, $"batch-{number:D5}.csv{compression}{encryption}");
            using var writer = BatchFileWriter.Create(path, owner._fileParams, columns.Select(c => c.Name).ToList());
            foreach (var row in rows)
            {
                writer.WriteRawRow(row);
            }

            keys[path] = writer.KeyBytes;
            return path;
        }

        private static string Summary(IEnumerable<(string Role, string Path, int Rows)> files) =>
            string.Join(", ", files.Select(f => $"{f.Role} {Path.GetFileName(f.Path)} ({f.Rows} row{(f.Rows == 1 ? "" : "s")})"));

        public async Task MigrationAsync(string kind, JsonObject item)
        {
            string Field(string name) => item[name]?.GetValue<string>() ?? throw new TesterInputException(inputName, $"schema_migration.{kind} needs '{name}'");
            string? Optional(string name) => item[name]?.GetValue<string>();
            DataType TypeField(string name) => TesterInput.ParseDataType(inputName, $"schema_migration.{kind}.{name}", Field(name));

            switch (kind)
            {
                case "add_column":
                {
                    var table = Known(Field("table"));
                    var altered = table.Table.Clone();
                    var probe = new ReplayTable(altered, table.HistoryMode);
                    probe.AddColumn(new Column { Name = Field("column"), Type = TypeField("data_type") });
                    if (await AlterAsync(kind, altered, dropColumns: false, $"add {Field("column")}").ConfigureAwait(false))
                    {
                        table.Table = altered;
                    }

                    return;
                }

                case "change_column_data_type":
                {
                    var table = Known(Field("table"));
                    var altered = table.Table.Clone();
                    var column = altered.Columns.FirstOrDefault(c => c.Name == Field("column"))
                        ?? throw new TesterInputException(inputName, $"schema_migration.{kind}: table '{table.Table.Name}' has no column '{Field("column")}'");
                    column.Type = TypeField("data_type");
                    column.Params = null;
                    if (await AlterAsync(kind, altered, dropColumns: false, $"{column.Name} → {column.Type}").ConfigureAwait(false))
                    {
                        table.Table = altered;
                    }

                    return;
                }

                case "drop_column":
                {
                    var table = Known(Field("table"));
                    var altered = table.Table.Clone();
                    var column = altered.Columns.FirstOrDefault(c => c.Name == Field("column"))
                        ?? throw new TesterInputException(inputName, $"schema_migration.{kind}: table '{table.Table.Name}' has no column '{Field("column")}'");
                    altered.Columns.Remove(column);
                    if (await AlterAsync(kind, altered, dropColumns: true, $"drop {column.Name}").ConfigureAwait(false))
                    {
                        table.Table = altered;
                    }

                    return;
                }
            }

            var details = new MigrationDetails { Schema = Schema };
            var unsupportedExpected = false;
            Action? onSuccess = null;
            switch (kind)
            {
                case "copy_column":
                {
                    details.Table = Field("table");
                    details.Copy = new CopyOperation { CopyColumn = new CopyColumn { FromColumn = Field("from_column"), ToColumn = Field("to_column") } };
                    onSuccess = () =>
                    {
                        if (owner._tables.GetValueOrDefault(details.Table) is { } t && t.Table.Columns.FirstOrDefault(c => c.Name == details.Copy.CopyColumn.FromColumn) is { } from)
                        {
                            var copy = from.Clone();
                            copy.Name = details.Copy.CopyColumn.ToColumn;
                            copy.PrimaryKey = false;
                            t.AddColumn(copy);
                        }
                    };
                    break;
                }

                case "update_column_value":
                    details.Table = Field("table");
                    details.UpdateColumnValue = new UpdateColumnValueOperation { Column = Field("column"), Value = item["value"]?.ToString() ?? "NULL" };
                    break;
                case "set_column_to_null":
                    details.Table = Field("table");
                    details.UpdateColumnValue = new UpdateColumnValueOperation { Column = Field("column"), Value = "NULL" };
                    break;
                case "add_column_with_default_value":
                    details.Table = Field("table");
                    details.Add = new AddOperation { AddColumnWithDefaultValue = new AddColumnWithDefaultValue { Column = Field("column"), ColumnType = TypeField("data_type"), DefaultValue = item["default_value"]?.ToString() ?? "" } };
                    onSuccess = () => AddKnownColumn(details.Table, details.Add.AddColumnWithDefaultValue.Column, details.Add.AddColumnWithDefaultValue.ColumnType);
                    break;
                case "add_column_in_history_mode":
                    details.Table = Field("table");
                    details.Add = new AddOperation
                    {
                        AddColumnInHistoryMode = new AddColumnInHistoryMode
                        {
                            Column = Field("column"), ColumnType = TypeField("data_type"), DefaultValue = item["default_value"]?.ToString() ?? "", OperationTimestamp = Field("operation_timestamp"),
                        },
                    };
                    onSuccess = () => AddKnownColumn(details.Table, details.Add.AddColumnInHistoryMode.Column, details.Add.AddColumnInHistoryMode.ColumnType);
                    break;
                case "drop_column_in_history_mode":
                    details.Table = Field("table");
                    details.Drop = new DropOperation { DropColumnInHistoryMode = new DropColumnInHistoryMode { Column = Field("column"), OperationTimestamp = Field("operation_timestamp") } };
                    break;
                case "copy_table":
                    details.Table = Field("from_table");
                    details.Copy = new CopyOperation { CopyTable = new CopyTable { FromTable = Field("from_table"), ToTable = Field("to_table") } };
                    onSuccess = () => CopyKnownTable(details.Table, details.Copy.CopyTable.ToTable, null);
                    break;
                case "copy_table_to_history_mode":
                    details.Table = Field("from_table");
                    details.Copy = new CopyOperation { CopyTableToHistoryMode = new CopyTableToHistoryMode { FromTable = Field("from_table"), ToTable = Field("to_table"), SoftDeletedColumn = Optional("deleted_column") ?? Optional("soft_deleted_column") ?? "" } };
                    onSuccess = () => CopyKnownTable(details.Table, details.Copy.CopyTableToHistoryMode.ToTable, historyMode: true);
                    break;
                case "rename_column":
                    details.Table = Field("table");
                    details.Rename = new RenameOperation { RenameColumn = new RenameColumn { FromColumn = Field("from_column"), ToColumn = Field("to_column") } };
                    onSuccess = () =>
                    {
                        if (owner._tables.GetValueOrDefault(details.Table)?.Table.Columns.FirstOrDefault(c => c.Name == details.Rename.RenameColumn.FromColumn) is { } column)
                        {
                            column.Name = details.Rename.RenameColumn.ToColumn;
                        }
                    };
                    break;
                case "rename_table":
                    details.Table = Field("from_table");
                    details.Rename = new RenameOperation { RenameTable = new RenameTable { FromTable = Field("from_table"), ToTable = Field("to_table") } };
                    onSuccess = () =>
                    {
                        if (owner._tables.Remove(details.Table, out var t))
                        {
                            t.Table.Name = details.Rename.RenameTable.ToTable;
                            owner._tables[t.Table.Name] = t;
                        }
                    };
                    break;
                case "drop_table":
                    details.Table = Field("table");
                    details.Drop = new DropOperation { DropTable = true };
                    onSuccess = () => owner._tables.Remove(details.Table);
                    break;
                case "migrate_soft_delete_to_history" or "migrate_history_to_soft_delete"
                    or "migrate_soft_delete_to_live" or "migrate_history_to_live" or "migrate_live_to_soft_delete" or "migrate_live_to_history":
                {
                    details.Table = Field("table");
                    var type = kind switch
                    {
                        "migrate_soft_delete_to_history" => TableSyncModeMigrationType.SoftDeleteToHistory,
                        "migrate_history_to_soft_delete" => TableSyncModeMigrationType.HistoryToSoftDelete,
                        "migrate_soft_delete_to_live" => TableSyncModeMigrationType.SoftDeleteToLive,
                        "migrate_history_to_live" => TableSyncModeMigrationType.HistoryToLive,
                        "migrate_live_to_soft_delete" => TableSyncModeMigrationType.LiveToSoftDelete,
                        _ => TableSyncModeMigrationType.LiveToHistory,
                    };
                    details.TableSyncModeMigration = new TableSyncModeMigrationOperation { Type = type };
                    if ((Optional("deleted_column") ?? Optional("soft_deleted_column")) is { } deleted)
                    {
                        details.TableSyncModeMigration.SoftDeletedColumn = deleted;
                    }

                    if (item["keep_deleted_rows"] is { } keep)
                    {
                        details.TableSyncModeMigration.KeepDeletedRows = keep.GetValue<bool>();
                    }

                    // The Partner SDK has no LIVE mode yet: the guide asks destinations to answer unsupported.
                    unsupportedExpected = kind.Contains("live", StringComparison.Ordinal);
                    onSuccess = type switch
                    {
                        TableSyncModeMigrationType.SoftDeleteToHistory => () => SwitchKnownSyncMode(details.Table, historyMode: true),
                        TableSyncModeMigrationType.HistoryToSoftDelete => () => SwitchKnownSyncMode(details.Table, historyMode: false),
                        _ => null,
                    };
                    break;
                }

                default:
                    throw new TesterInputException(inputName, $"schema_migration: unknown operation '{kind}'");
            }

            var request = new MigrateRequest { Details = details };
            request.Configuration.Add(Options.Configuration);
            var succeeded = await CallAsync(kind, "Migrate", details.Table, $"{details.OperationCase}: {details}", async () =>
            {
                var response = await owner._destination.MigrateAsync(request, cancellationToken).ConfigureAwait(false);
                return response.ResponseCase == MigrateResponse.ResponseOneofCase.Unsupported
                    ? (ReplayOutcome.Unsupported, "unsupported")
                    : Outcome(response.ResponseCase.ToString(), response.Warning, response.Task);
            }, unsupportedExpected).ConfigureAwait(false);
            if (succeeded)
            {
                onSuccess?.Invoke();
            }
        }

        private ReplayTable Known(string name) =>
            owner._tables.GetValueOrDefault(name) ?? throw new TesterInputException(inputName, $"schema_migration names table '{name}', which the file never created");

        private void AddKnownColumn(string table, string column, DataType type)
        {
            if (owner._tables.GetValueOrDefault(table) is { } t && t.Table.Columns.All(c => c.Name != column))
            {
                t.AddColumn(new Column { Name = column, Type = type });
            }
        }

        private void CopyKnownTable(string from, string to, bool? historyMode)
        {
            if (owner._tables.GetValueOrDefault(from) is not { } source)
            {
                return;
            }

            var copy = source.Table.Clone();
            copy.Name = to;
            var table = new ReplayTable(copy, source.HistoryMode);
            owner._tables[to] = table;
            if (historyMode == true)
            {
                SwitchKnownSyncMode(to, historyMode: true);
            }
        }

        private void SwitchKnownSyncMode(string name, bool historyMode)
        {
            if (owner._tables.GetValueOrDefault(name) is not { } table)
            {
                return;
            }

            var user = table.Table.Columns.Where(c => !IsSystemColumn(c.Name) || c.Name == IdColumn).Where(c => c.Name != IdColumn).ToList();
            table.Table = WithSystemColumns(new TableSpec(name, user, historyMode));
            table.HistoryMode = historyMode;
        }

        private static (ReplayOutcome, string?) Outcome(string responseCase, Warning? warning, FivetranSdk.V2.Task? task) =>
            warning is not null ? (ReplayOutcome.Warning, "warning: " + warning.Message)
            : task is not null ? (ReplayOutcome.Task, "task: " + task.Message)
            : (ReplayOutcome.Success, responseCase == "Success" ? "success" : responseCase);

        /// <summary>Makes one call, times it, and records it; true when it succeeded.</summary>
        private async Task<bool> CallAsync(string operation, string rpc, string table, string requestSummary, Func<Task<(ReplayOutcome Outcome, string? Response)>> call, bool unsupportedExpected = false)
        {
            var watch = Stopwatch.StartNew();
            ReplayCall record;
            try
            {
                var (outcome, response) = await call().ConfigureAwait(false);
                record = new ReplayCall(inputName, operation, rpc, table, requestSummary, outcome, outcome == ReplayOutcome.Success ? "OK" : null, null, response, watch.Elapsed, unsupportedExpected);
            }
            catch (ConnectorException e)
            {
                record = new ReplayCall(inputName, operation, rpc, table, requestSummary, ReplayOutcome.Failed, StatusName(e.Kind), e.Message, null, watch.Elapsed, unsupportedExpected);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                record = new ReplayCall(inputName, operation, rpc, table, requestSummary, ReplayOutcome.Failed, "UNKNOWN", $"{e.GetType().Name}: {e.Message}", null, watch.Elapsed, unsupportedExpected);
            }

            report.Completed(record);
            return record.Outcome == ReplayOutcome.Success;
        }

        private static string StatusName(ConnectorErrorKind kind) => kind switch
        {
            ConnectorErrorKind.InvalidArgument => "INVALID_ARGUMENT",
            ConnectorErrorKind.NotFound => "NOT_FOUND",
            ConnectorErrorKind.AlreadyExists => "ALREADY_EXISTS",
            ConnectorErrorKind.FailedPrecondition => "FAILED_PRECONDITION",
            ConnectorErrorKind.Unimplemented => "UNIMPLEMENTED",
            ConnectorErrorKind.Unavailable => "UNAVAILABLE",
            _ => "INTERNAL",
        };
    }

    /// <summary>The enum value as common.proto spells it (UTC_DATETIME, not UtcDatetime).</summary>
    public static string ProtoName(DataType type) =>
        System.Text.RegularExpressions.Regex.Replace(type.ToString(), "(?<=[a-z])(?=[A-Z])", "_").ToUpperInvariant();

    /// <summary>"name TYPE[(p,s)] [key], ..." for reports.</summary>
    public static string Describe(Table table) =>
        string.Join(", ", table.Columns.Select(c =>
            $"{c.Name} {ProtoName(c.Type)}"
            + (c.Params?.Decimal is { } d ? $"({d.Precision},{d.Scale})" : "")
            + (c.Params?.ParamsCase == DataTypeParams.ParamsOneofCase.StringByteLength ? $"({c.Params.StringByteLength} bytes)" : "")
            + (c.PrimaryKey ? " key" : "")));
}
