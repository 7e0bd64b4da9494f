using System;
using System.IO;
using System.Linq;
using SBKube.Core.Config;
using SBKube.Core.State;
using SBKube.Core.Tools;

/// <summary>Touches every private dependency: SQLite (and its native library), YamlDotNet, System.Text.Json, CliWrap, Npgsql.</summary>
internal static class Checks
{
    internal static void Run(string work)
    {
        Directory.CreateDirectory(work);
        File.WriteAllText(Path.Combine(work, "config.yaml"),
            "namespace: probe\napps:\n  web:\n    chart: ./charts/web\n    values: [web.yaml]\n");
        File.WriteAllText(Path.Combine(work, "web.yaml"), "replicas: 2\n");
        Directory.CreateDirectory(Path.Combine(work, "charts", "web"));
        File.WriteAllText(Path.Combine(work, "charts", "web", "Chart.yaml"), "apiVersion: v2\nname: web\nversion: 1.0.0\n");
        SbkubeConfig config = ConfigLoader.Load(work);
        Require(config.Apps.Count == 1, "config: one app expected");

        StateStore store = StateStore.Open(Path.Combine(work, "state.db"));
        DeploymentRecord row = store.BeginDeployment(new NewDeployment
        {
            Namespace = "probe", App = "web", ReleaseName = "web", ChartRef = "./charts/web",
            Config = "{\"values\":{\"replicas\":2}}", ConfigHash = "h1",
        });
        store.FinishDeployment(row.Id, DeploymentStatus.Deployed, 1, "Install complete", HistoryAction.Deploy);
        Require(store.List("probe").Single().Status == DeploymentStatus.Deployed, "store: one deployed row expected");
        string json = store.ExportJson();
        Require(json.Contains("\"replicas\": 2", StringComparison.Ordinal), "export: the snapshot should round-trip as JSON");

        ToolResult echo = new ToolRunner("/bin/echo").RunAsync(new[] { "probe" }).GetAwaiter().GetResult();
        Require(echo.ExitCode == 0 && echo.StandardOutput.Trim() == "probe", "CliWrap: /bin/echo should print 'probe'");

        // Npgsql (and the async polyfill it brings on netstandard2.0) as far as a connection attempt: nothing listens there.
        try
        {
            StateStore.Open(StateLocation.Resolve(null, "postgres://probe@127.0.0.1:1/probe"));
            Require(false, "Npgsql: a store on a closed port should not open");
        }
        catch (StateStoreException e)
        {
            Require(e.Kind == StateStoreErrorKind.ServerUnreachable, "Npgsql: a closed port should be ServerUnreachable, not " + e.Kind);
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
