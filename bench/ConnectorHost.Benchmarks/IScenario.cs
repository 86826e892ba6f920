namespace ConnectorHost.Benchmarks;

/// <summary>An end-to-end benchmark run by name from the command line; prints its figures and returns an exit code.</summary>
public interface IScenario
{
    string Name { get; }

    string Description { get; }

    Task<int> RunAsync(string[] args);
}
