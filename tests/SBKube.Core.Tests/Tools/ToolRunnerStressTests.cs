using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Tools;
using Xunit;

namespace SBKube.Core.Tests.Tools
{
    /// <summary>
    /// Real helm and kubectl, many at a time, with this process's cores kept busy: every call must bring
    /// back its exit status and its whole output. (A lost status once turned a made change into "unknown".)
    /// The Test task runs a short round; <c>./build.ps1 -Task Stress</c> runs 20,000 calls.
    /// Alone in its collection, so its busy cores slow no timing-sensitive test beside it.
    /// </summary>
    [Collection(nameof(ToolRunnerStressTests))]
    public sealed class ToolRunnerStressTests
    {
        private static int Calls => int.TryParse(Environment.GetEnvironmentVariable("SBKUBE_TOOL_STRESS_CALLS"), NumberStyles.None,
            CultureInfo.InvariantCulture, out int n) ? n : 2000;

        [RealToolsFact]
        public async Task Every_call_of_many_at_once_under_load_reports_its_exit_and_whole_output()
        {
            string helm = Environment.GetEnvironmentVariable("SBKUBE_TEST_HELM4")!;
            string kubectl = Environment.GetEnvironmentVariable("SBKUBE_TEST_KUBECTL_HELM4")!;
            var tools = new[]
            {
                // A success with output, and a failure with its own code and error, from each tool.
                (Runner: new ToolRunner(helm), Args: new[] { "version", "--short" }, Code: 0, Out: "v4."),
                (Runner: new ToolRunner(helm), Args: new[] { "no-such-command" }, Code: 1, Out: ""),
                (Runner: new ToolRunner(kubectl), Args: new[] { "version", "--client", "-o", "json" }, Code: 0, Out: "\"gitVersion\""),
                (Runner: new ToolRunner(kubectl), Args: new[] { "no-such-command" }, Code: 1, Out: ""),
            };
            using var stop = new CancellationTokenSource();
            Thread[] busy = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
            {
                while (!stop.IsCancellationRequested) { }
            }) { IsBackground = true }).ToArray();
            Array.ForEach(busy, t => t.Start());
            var wrong = new ConcurrentQueue<string>();
            var clock = Stopwatch.StartNew();
            try
            {
                using var slots = new SemaphoreSlim(32);
                await Task.WhenAll(Enumerable.Range(0, Calls).Select(async i =>
                {
                    var (runner, args, code, output) = tools[i % tools.Length];
                    await slots.WaitAsync();
                    try
                    {
                        ToolResult r = await runner.RunAsync(args);
                        bool whole = code == 0 ? r.StandardOutput.Contains(output) : r.StandardError.Contains("no-such-command");
                        if (r.ExitCode != code || !whole)
                        {
                            wrong.Enqueue($"{runner.Render(args)}: exit {r.ExitCode}, stdout '{r.StandardOutput.Trim()}', stderr '{r.StandardError.Trim()}'");
                        }
                    }
                    catch (ToolExitUnknownException e)
                    {
                        wrong.Enqueue(e.Message);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }));
            }
            finally
            {
                stop.Cancel();
            }
            Assert.True(wrong.IsEmpty, $"{wrong.Count} of {Calls} calls in {clock.Elapsed.TotalSeconds:F0} s came back wrong:\n" +
                string.Join("\n", wrong.Take(5)));
        }
    }

    [CollectionDefinition(nameof(ToolRunnerStressTests), DisableParallelization = true)]
    public sealed class ToolRunnerStressCollection
    {
    }

    /// <summary>A fact that needs the real helm and kubectl the Test task installs (SBKUBE_TEST_HELM4, SBKUBE_TEST_KUBECTL_HELM4).</summary>
    public sealed class RealToolsFactAttribute : FactAttribute
    {
        public RealToolsFactAttribute()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SBKUBE_TEST_HELM4")) ||
                string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SBKUBE_TEST_KUBECTL_HELM4")))
            {
                Skip = "No real helm and kubectl: run through ./build.ps1 -Task Test, which installs them (SBKUBE_TEST_HELM4).";
            }
        }
    }
}
