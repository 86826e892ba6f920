using ConnectorHost.Abstractions;
using Microsoft.Data.Sqlite;

namespace SqliteDestination.Storage;

/// <summary>
/// Turns a failure of the database file into what Fivetran should hear. Problems the customer fixes (permissions,
/// a full disk, a file that is not a database) are tasks whose text says how; busy or locked files are UNAVAILABLE
/// (a retry may work); anything else is INTERNAL.
/// </summary>
internal static class StorageFailures
{
    private const int Perm = 3;
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoErr = 10;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Auth = 23;
    private const int NotADb = 26;

    public static Exception From(SqliteException ex, string databasePath, string what) => ex.SqliteErrorCode switch
    {
        Full => ConnectorAlertException.Task(
            $"The disk holding the destination's database file '{databasePath}' is full ({what}). Free space on that disk, or set 'database_path' to a file on a disk with room; the sync goes on once writes succeed.",
            ex),
        ReadOnly or Perm or Auth => ConnectorAlertException.Task(
            $"The destination cannot write its database file '{databasePath}' ({what}): the file or its folder is read-only for the user the host runs as. Give that user write permission on both, or set 'database_path' to another file.",
            ex),
        CantOpen => ConnectorAlertException.Task(
            $"The destination cannot open its database file '{databasePath}' ({what}): the folder cannot be created or read, or the user the host runs as lacks permission. Give that user read and write permission on the folder, or set 'database_path' to another file.",
            ex),
        NotADb => ConnectorAlertException.Task(
            $"The file '{databasePath}' named by 'database_path' is not a SQLite database ({what}). Set 'database_path' to a new file name (it is created) or to an existing SQLite database.",
            ex),
        Busy or Locked or IoErr => new ConnectorException(ConnectorErrorKind.Unavailable, $"SQLite failed while {what} on '{databasePath}': {ex.Message}", ex),
        _ => new ConnectorException(ConnectorErrorKind.Internal, $"SQLite failed while {what} on '{databasePath}': {ex.Message}", ex),
    };

    /// <summary>The database folder cannot be created (permissions, a file in the way, a full disk).</summary>
    public static Exception FromFolder(Exception ex, string databasePath) => ConnectorAlertException.Task(
        $"The destination cannot create the folder of its database file '{databasePath}': {ex.Message} Give the user the host runs as write permission there, or set 'database_path' to another file.",
        ex);
}
