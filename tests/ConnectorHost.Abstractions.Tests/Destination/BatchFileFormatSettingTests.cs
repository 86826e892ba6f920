using ConnectorHost.Abstractions.Destination;
using ConnectorHost.Abstractions.Plugins;
using FivetranSdk.V2;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ConnectorHost.Abstractions.Tests.Destination;

public sealed class BatchFileFormatSettingTests
{
    private static PluginContext Context(string? value) => new("SomeDestination", "/plugins/SomeDestination", "/data/SomeDestination", NullLoggerFactory.Instance,
        value is null ? null : new Dictionary<string, string> { ["BatchFileFormat"] = value });

    [Theory]
    [InlineData(null, BatchFileFormat.Csv)]
    [InlineData("", BatchFileFormat.Csv)]
    [InlineData("CSV", BatchFileFormat.Csv)]
    [InlineData("csv", BatchFileFormat.Csv)]
    [InlineData("PARQUET", BatchFileFormat.Parquet)]
    [InlineData(" Parquet ", BatchFileFormat.Parquet)]
    public void The_setting_is_read_case_insensitively_and_defaults_to_csv(string? value, BatchFileFormat expected) =>
        Assert.Equal(expected, BatchFileFormatSetting.Read(Context(value)));

    [Fact]
    public void Any_other_value_is_refused_naming_the_plugin_the_setting_and_the_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => BatchFileFormatSetting.Read(Context("avro")));
        Assert.Equal("SomeDestination setting 'batchFileFormat' must be CSV or PARQUET (the batch-file format the destination asks for in Capabilities), not 'avro'.", error.Message);
    }
}
