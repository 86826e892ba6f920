namespace SqliteDestination.Catalog;

internal static class SystemColumns
{
    public const string Synced = "_fivetran_synced";
    public const string Deleted = "_fivetran_deleted";
    public const string Id = "_fivetran_id";
    public const string Start = "_fivetran_start";
    public const string End = "_fivetran_end";
    public const string Active = "_fivetran_active";
}
