using ConnectorHost.Abstractions;
using FivetranSdk.V2;
using Microsoft.Data.Sqlite;
using SqliteDestination.Storage;

namespace SqliteDestination.Configuration;

/// <summary>The configuration tests: failures are answered as a message for the user, never as an exception.</summary>
internal static class ConnectionTester
{
    public static async Task<TestResponse> RunAsync(string testName, SqliteSettings settings, SqliteDatabase database, CancellationToken cancellationToken)
    {
        try
        {
            switch (testName)
            {
                case ConfigurationFormFactory.ConnectTest:
                    CheckPathIsUsable(settings.DatabasePath);
                    using (var session = await database.BeginWriteAsync(settings, cancellationToken).ConfigureAwait(false))
                    {
                        session.Connection.Execute("CREATE TABLE _connectorhost_probe (x INTEGER); INSERT INTO _connectorhost_probe VALUES (1); DROP TABLE _connectorhost_probe;");
                        session.Commit();
                    }

                    return new TestResponse { Success = true };
                case ConfigurationFormFactory.SelectTest:
                    using (var connection = database.Open(settings))
                    {
                        connection.Scalar("SELECT count(*) FROM _connectorhost_tables");
                    }

                    return new TestResponse { Success = true };
                default:
                    return new TestResponse { Failure = $"Unknown test '{testName}'; this destination offers '{ConfigurationFormFactory.ConnectTest}' and '{ConfigurationFormFactory.SelectTest}'." };
            }
        }
        catch (ConnectorAlertException ex)
        {
            return new TestResponse { Failure = $"Database file '{settings.DatabasePath}' is not usable: {ex.Message}" };
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or ConnectorException)
        {
            var reason = ex is ConnectorException { InnerException: SqliteException inner } ? inner.Message : ex.Message;
            return new TestResponse { Failure = $"Database file '{settings.DatabasePath}' is not usable: {reason}" };
        }
    }

    private static void CheckPathIsUsable(string path)
    {
        if (Directory.Exists(path))
        {
            throw new IOException("the path is a directory, not a file");
        }

        // Checked explicitly because a privileged process would otherwise write through the permission bits.
        if (File.Exists(path) && !OperatingSystem.IsWindows()
            && (File.GetUnixFileMode(path) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
        {
            throw new IOException("the file is read-only");
        }

        if (File.Exists(path) && new FileInfo(path).IsReadOnly)
        {
            throw new IOException("the file is read-only");
        }
    }
}
