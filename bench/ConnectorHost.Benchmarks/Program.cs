using System.Reflection;
using BenchmarkDotNet.Running;
using ConnectorHost.Benchmarks;

// `dotnet run -c Release --project bench/ConnectorHost.Benchmarks -- <scenario> [args]` runs an end-to-end
// scenario (a type implementing IScenario); anything else goes to BenchmarkDotNet's switcher (micro-benchmarks).
var scenarios = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IScenario)Activator.CreateInstance(t)!)
    .ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

if (args.Length > 0 && scenarios.TryGetValue(args[0], out var scenario))
{
    return await scenario.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "list")
{
    foreach (var s in scenarios.Values.OrderBy(s => s.Name))
    {
        Console.WriteLine($"{s.Name,-28} {s.Description}");
    }
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(IScenario).Assembly).Run(args);
return 0;
