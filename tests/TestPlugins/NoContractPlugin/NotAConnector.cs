namespace NoContractPlugin;

/// <summary>A public type that implements no connector contract.</summary>
public sealed class NotAConnector
{
    public string Name => nameof(NotAConnector);
}
