// The bundled rules' command line: scan NDJSON events with the rules compiled into this assembly.
//   dotnet run --project rules -- scan rules/samples/events.ndjson
//   dotnet run --project rules -- list
return await Rules.Runtime.RulesCommandLine.RunAsync(args, Rules.Generated.DetectionRuleCatalog.All);
