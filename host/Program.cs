using ConnectorHost.Hosting;

var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false));
var exitCode = await HostApplication.RunAsync(args, stdout, new HostLifecycle());
stdout.Flush();
return exitCode;
