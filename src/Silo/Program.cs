using GuardCluster.Gateway.Health;
using GuardCluster.Silo.Hosting;

try
{
    var app = GuardSilo.Build(GuardSilo.CreateBuilder(args, b => ShutdownOptions.ApplyExecutableDefault(b.Configuration, b.Configuration)));
    await app.RunAsync();
    return 0;
}
catch (Exception error)
{
    // Configuration and model-file mistakes get one clear line, not a stack trace.
    await Console.Error.WriteLineAsync($"error: {error.Message}");
    return 1;
}
