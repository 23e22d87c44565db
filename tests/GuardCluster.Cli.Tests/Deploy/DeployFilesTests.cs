using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using GuardCluster.Cli.Hosting;
using GuardCluster.Cli.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace GuardCluster.Cli.Tests.Deploy;

/// <summary>
/// Docker cannot run here, so the files in deploy/ are checked by reading them: every YAML parses; every
/// <c>Section__Key</c> environment variable is a key in docs/configuration.md; container ports match the
/// configured ports; the Dockerfiles publish projects that exist and start assemblies those projects produce;
/// and every guardctl command a container runs parses with guardctl's own command line (those commands' behaviour
/// is tested in DbInitTests and ModelPullCommandTests).
/// </summary>
public sealed partial class DeployFilesTests
{
    // Environment variables that are not GuardCluster configuration keys: runtime, Orleans' Kubernetes hosting,
    // images' own variables, and values the compose file / manifests pass to commands.
    private static readonly HashSet<string> OtherVariables = new(StringComparer.Ordinal)
    {
        "ASPNETCORE_HTTP_PORTS", "DOTNET_ENVIRONMENT", "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID",
        "ORLEANS_CLUSTER_ID", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_CONNECTION", "MODEL_URL",
        "MODEL_SHA256", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES",
    };

    private static readonly string Root = FindRoot();
    private static readonly string DeployFolder = Path.Combine(Root, "deploy");

    public static TheoryData<string> YamlFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(DeployFolder, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Yaml_file_parses(string file)
    {
        var documents = Load(file);
        Assert.NotEmpty(documents);
        Assert.All(documents, d => Assert.IsType<YamlMappingNode>(d.RootNode));
    }

    [Fact]
    public void Kustomization_lists_only_files_that_exist_and_every_manifest()
    {
        var kustomization = (YamlMappingNode)Load("deploy/k8s/kustomization.yaml")[0].RootNode;
        var resources = ((YamlSequenceNode)kustomization["resources"]).Select(n => n.ToString()).ToList();
        var manifests = Directory.GetFiles(Path.Combine(DeployFolder, "k8s"), "*.yaml")
            .Select(f => Path.GetFileName(f)!).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(manifests, resources.Order(StringComparer.Ordinal).ToList());
        Assert.True(File.Exists(Path.Combine(DeployFolder, "k8s", "model.env")));
    }

    [Fact]
    public void Every_configuration_variable_is_a_documented_key()
    {
        var documented = DocumentedKeys();
        var variables = AllEnvironmentVariables().ToList();
        Assert.Contains("Guard__AdminKey", variables);
        Assert.Contains("Cluster__PostgresConnectionString", variables);

        foreach (var name in variables)
        {
            if (name.Contains("__", StringComparison.Ordinal))
            {
                var key = name.Replace("__", ":", StringComparison.Ordinal);
                Assert.True(documented.Contains(key), $"{name}: {key} is not a key in docs/configuration.md");
            }
            else
            {
                Assert.True(OtherVariables.Contains(name), $"{name}: neither a configuration key nor a known variable");
            }
        }
    }

    [Fact]
    public void Container_ports_match_the_configured_ports()
    {
        using var appsettings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "src/Silo/appsettings.json")));
        var cluster = appsettings.RootElement.GetProperty("Cluster");
        var siloPort = cluster.GetProperty("SiloPort").GetInt32();
        var gatewayPort = cluster.GetProperty("GatewayPort").GetInt32();
        const int http = 8080;

        foreach (var dockerfile in new[] { "deploy/Dockerfile", "deploy/Dockerfile.cuda" })
        {
            var text = File.ReadAllText(Path.Combine(Root, dockerfile));
            Assert.Contains($"EXPOSE {http} {siloPort} {gatewayPort}", text, StringComparison.Ordinal);
            Assert.Contains($"ASPNETCORE_HTTP_PORTS={http}", text, StringComparison.Ordinal);
            Assert.Contains($"http://localhost:{http}/livez", text, StringComparison.Ordinal);
        }

        var silo = Containers("deploy/k8s/silo.yaml").Single(c => c.Name == "silo");
        Assert.Equal(http, silo.Ports["http"]);
        Assert.Equal(siloPort, silo.Ports["silo"]);
        Assert.Equal(gatewayPort, silo.Ports["orleans-gateway"]);
        Assert.Equal(siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture), silo.Env["Cluster__SiloPort"]);
        Assert.Equal(gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), silo.Env["Cluster__GatewayPort"]);
        var gateway = Containers("deploy/k8s/gateway.yaml").Single(c => c.Name == "gateway");
        Assert.Equal(http, gateway.Ports["http"]);
        Assert.Equal(http.ToString(System.Globalization.CultureInfo.InvariantCulture), gateway.Env["ASPNETCORE_HTTP_PORTS"]);

        var networkPolicy = File.ReadAllText(Path.Combine(DeployFolder, "k8s/networkpolicy.yaml"));
        Assert.Contains($"port: {siloPort},", networkPolicy, StringComparison.Ordinal);
        Assert.Contains($"port: {gatewayPort},", networkPolicy, StringComparison.Ordinal);

        var compose = (YamlMappingNode)Load("deploy/docker-compose.yml")[0].RootNode;
        var services = (YamlMappingNode)compose["services"];
        var published = ((YamlSequenceNode)((YamlMappingNode)services["gateway"])["ports"]).Single().ToString();
        Assert.EndsWith($":{http}", published, StringComparison.Ordinal);
        foreach (var name in new[] { "silo1", "silo2" })
        {
            var environment = (YamlMappingNode)((YamlMappingNode)services[name])["environment"];
            Assert.Equal(siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture), environment["Cluster__SiloPort"].ToString());
            Assert.Equal(gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), environment["Cluster__GatewayPort"].ToString());
            Assert.False(((YamlMappingNode)services[name]).Children.ContainsKey("ports"), $"{name} must not publish ports");
        }
    }

    [Fact]
    public void Dockerfiles_publish_existing_projects_and_start_their_assemblies()
    {
        foreach (var dockerfile in new[] { "deploy/Dockerfile", "deploy/Dockerfile.cuda" })
        {
            var text = File.ReadAllText(Path.Combine(Root, dockerfile));
            var outputs = new Dictionary<string, string>(StringComparer.Ordinal); // /out/<dir> -> assembly name
            foreach (Match publish in PublishPattern().Matches(text))
            {
                var project = Path.Combine(Root, publish.Groups["project"].Value);
                Assert.True(File.Exists(project), $"{dockerfile}: {publish.Groups["project"].Value} does not exist");
                outputs[publish.Groups["dir"].Value] = AssemblyName(project);
            }

            Assert.Equal(3, outputs.Count);
            Assert.Contains("USER ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("USER root", text, StringComparison.Ordinal);
            Assert.Contains("HEALTHCHECK", text, StringComparison.Ordinal);
            Assert.Contains("AS build", text, StringComparison.Ordinal);
            if (dockerfile.EndsWith(".cuda", StringComparison.Ordinal))
            {
                Assert.Contains("-p:GuardBackend=Cuda12", text, StringComparison.Ordinal);
                Assert.Contains("FROM nvidia/cuda:12", text, StringComparison.Ordinal);
            }

            // Every /app/<dir>/<name>.dll the images or manifests start is one the Dockerfile publishes there.
            var starts = AppDllPattern().Matches(text).Concat(DeployTexts().SelectMany(t => AppDllPattern().Matches(t)));
            foreach (Match start in starts)
            {
                var dir = start.Groups["dir"].Value;
                Assert.True(outputs.ContainsKey(dir), $"/app/{dir} is not published by {dockerfile}");
                Assert.Equal(outputs[dir], start.Groups["assembly"].Value);
            }
        }
    }

    [Fact]
    public void Every_guardctl_command_in_deploy_parses()
    {
        var root = GuardCtl.BuildRoot(new CliHost(TextWriter.Null, TextWriter.Null, TextReader.Null, new FakeLibraries()));
        var commands = GuardctlCommands().ToList();
        Assert.Contains(commands, c => c.Take(2).SequenceEqual(["db", "init"]));
        Assert.Contains(commands, c => c.Take(2).SequenceEqual(["model", "pull"]));

        foreach (var args in commands)
        {
            // Placeholders filled by the container runtime get realistic stand-ins.
            var concrete = args.Select(a => a.Contains("SHA256", StringComparison.Ordinal) ? new string('a', 64) : a).ToArray();
            var parse = root.Parse(concrete);
            Assert.True(parse.Errors.Count == 0, $"guardctl {string.Join(' ', args)}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        }
    }

    /// <summary>The arguments after <c>guardctl.dll</c> in every exec-form command of the manifests and compose file.</summary>
    private static IEnumerable<string[]> GuardctlCommands()
    {
        foreach (var file in new[] { "deploy/docker-compose.yml", "deploy/k8s/silo.yaml", "deploy/k8s/db-init-job.yaml" })
        {
            foreach (var document in Load(file))
            {
                foreach (var sequence in Descendants(document.RootNode).OfType<YamlSequenceNode>())
                {
                    var items = sequence.Children.Select(c => c.ToString()).ToList();
                    var dll = items.FindIndex(i => i.EndsWith("/guardctl.dll", StringComparison.Ordinal));
                    if (dll >= 0 && dll < items.Count - 1)
                    {
                        yield return items.Skip(dll + 1).ToArray();
                    }
                }

                // Compose: entrypoint [dotnet, guardctl.dll] with the arguments in command.
                if (document.RootNode is YamlMappingNode { } map && map.Children.TryGetValue("services", out var services))
                {
                    foreach (var service in ((YamlMappingNode)services).Children.Values.OfType<YamlMappingNode>())
                    {
                        if (service.Children.TryGetValue("entrypoint", out var entry) && entry is YamlSequenceNode e
                            && e.Children.Last().ToString().EndsWith("/guardctl.dll", StringComparison.Ordinal)
                            && service.Children.TryGetValue("command", out var command))
                        {
                            yield return ((YamlSequenceNode)command).Children.Select(c => c.ToString()).ToArray();
                        }
                    }
                }
            }
        }

        // Shell-form: compose's model-pull runs "dotnet /app/guardctl/guardctl.dll model pull ..." in sh -c.
        var composeText = File.ReadAllText(Path.Combine(DeployFolder, "docker-compose.yml"));
        foreach (Match shell in ShellGuardctlPattern().Matches(composeText))
        {
            yield return shell.Groups["args"].Value.Replace("\\\"", string.Empty, StringComparison.Ordinal)
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    private sealed record Container(string Name, Dictionary<string, int> Ports, Dictionary<string, string> Env);

    private static List<Container> Containers(string file)
    {
        var result = new List<Container>();
        foreach (var document in Load(file))
        {
            foreach (var map in Descendants(document.RootNode).OfType<YamlMappingNode>())
            {
                if (!map.Children.ContainsKey("image") || !map.Children.ContainsKey("name"))
                {
                    continue;
                }

                var ports = map.Children.TryGetValue("ports", out var p)
                    ? ((YamlSequenceNode)p).Cast<YamlMappingNode>().ToDictionary(x => x["name"].ToString(), x => int.Parse(x["containerPort"].ToString(), System.Globalization.CultureInfo.InvariantCulture))
                    : [];
                var env = map.Children.TryGetValue("env", out var e)
                    ? ((YamlSequenceNode)e).Cast<YamlMappingNode>().Where(x => x.Children.ContainsKey("value")).ToDictionary(x => x["name"].ToString(), x => x["value"].ToString())
                    : [];
                result.Add(new Container(map["name"].ToString(), ports, env));
            }
        }

        return result;
    }

    private static IEnumerable<string> AllEnvironmentVariables()
    {
        foreach (var file in Directory.EnumerateFiles(DeployFolder, "*.y*ml", SearchOption.AllDirectories))
        {
            foreach (var document in Load(Path.GetRelativePath(Root, file)))
            {
                foreach (var map in Descendants(document.RootNode).OfType<YamlMappingNode>())
                {
                    if (map.Children.TryGetValue("environment", out var environment) && environment is YamlMappingNode variables)
                    {
                        foreach (var key in variables.Children.Keys)
                        {
                            if (key.ToString() != "<<")
                            {
                                yield return key.ToString();
                            }
                        }
                    }

                    if (map.Children.TryGetValue("env", out var env) && env is YamlSequenceNode list)
                    {
                        foreach (var item in list.Cast<YamlMappingNode>())
                        {
                            yield return item["name"].ToString();
                        }
                    }
                }

                // Compose extension blocks (x-guard-env) hold the shared variables.
                if (document.RootNode is YamlMappingNode top)
                {
                    foreach (var (key, value) in top.Children)
                    {
                        if (key.ToString().StartsWith("x-", StringComparison.Ordinal) && value is YamlMappingNode block
                            && block.Children.Keys.All(k => k.ToString().Contains('_', StringComparison.Ordinal)))
                        {
                            foreach (var name in block.Children.Keys)
                            {
                                yield return name.ToString();
                            }
                        }
                    }
                }
            }
        }

        foreach (var dockerfile in new[] { "Dockerfile", "Dockerfile.cuda" })
        {
            foreach (Match variable in DockerEnvPattern().Matches(File.ReadAllText(Path.Combine(DeployFolder, dockerfile))))
            {
                yield return variable.Groups["name"].Value;
            }
        }

        foreach (var line in File.ReadAllLines(Path.Combine(DeployFolder, "k8s/model.env")))
        {
            yield return line.Split('=', 2)[0];
        }
    }

    private static HashSet<string> DocumentedKeys()
    {
        var text = File.ReadAllText(Path.Combine(Root, "docs/configuration.md"));
        return KeyPattern().Matches(text).Select(m => m.Groups["key"].Value).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> DeployTexts() =>
        Directory.EnumerateFiles(DeployFolder, "*.y*ml", SearchOption.AllDirectories).Select(File.ReadAllText);

    private static string AssemblyName(string project)
    {
        var match = AssemblyNamePattern().Match(File.ReadAllText(project));
        return match.Success ? match.Groups["name"].Value : Path.GetFileNameWithoutExtension(project);
    }

    private static IEnumerable<YamlNode> Descendants(YamlNode node)
    {
        yield return node;
        var children = node switch
        {
            YamlMappingNode map => map.Children.Values,
            YamlSequenceNode sequence => sequence.Children,
            _ => (IEnumerable<YamlNode>)[],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }

    private static IList<YamlDocument> Load(string relativePath)
    {
        using var reader = new StreamReader(Path.Combine(Root, relativePath));
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GuardCluster.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("GuardCluster.sln not found above the test folder.");
    }

    [GeneratedRegex(@"dotnet publish (?<project>\S+\.csproj)[^\n]*?-o /out/(?<dir>\w+)")]
    private static partial Regex PublishPattern();

    [GeneratedRegex(@"/app/(?<dir>\w+)/(?<assembly>[\w.]+)\.dll")]
    private static partial Regex AppDllPattern();

    [GeneratedRegex(@"guardctl\.dll (?<args>[^""\]\n]*?(?:\\""[^\\]*\\""[^""\]\n]*?)*)""\]")]
    private static partial Regex ShellGuardctlPattern();

    [GeneratedRegex(@"^\s*(?:ENV\s+)?(?<name>[A-Za-z_][A-Za-z0-9_]*)=\S+\s*\\?$", RegexOptions.Multiline)]
    private static partial Regex DockerEnvPattern();

    [GeneratedRegex(@"`(?<key>(?:Guard|Cluster)(?::[A-Za-z]+)+)`")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"<AssemblyName>(?<name>[^<]+)</AssemblyName>")]
    private static partial Regex AssemblyNamePattern();
}
