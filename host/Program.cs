using System.CommandLine;
using ConnectorHost.Configuration;
using ConnectorHost.Hosting;

var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false));
var root = CommandLine.CreateRootCommand((commandLine, _) => HostApplication.RunAsync(commandLine, stdout, new HostLifecycle()));
ConnectorHost.Tools.ToolCommands.AddTo(root, stdout);
var exitCode = await HostCommand.InvokeAsync(root, args, stdout);
stdout.Flush();
return exitCode;
