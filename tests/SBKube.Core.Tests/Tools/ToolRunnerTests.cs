using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using SBKube.Core.Tools;
using Xunit;

namespace SBKube.Core.Tests.Tools
{
    /// <summary>Exit codes as the tool reported them; never a guess.</summary>
    public sealed class ToolRunnerTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "sbkube-tool-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public ToolRunnerTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private string Script(string name, string body)
        {
            string path = Path.Combine(_dir, name);
            File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            return path;
        }

        [Fact]
        public async Task A_silent_failure_keeps_its_exit_code()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            ToolResult r = await new ToolRunner(Script("fails", "exit 7")).RunAsync(Array.Empty<string>());
            Assert.Equal(7, r.ExitCode);
            Assert.Equal("", r.StandardError);
        }

        [Fact]
        public async Task A_tool_whose_output_a_child_keeps_open_is_a_failure_naming_that_child()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            // The tool exits at once with success and no output, but a process it started keeps its
            // stdout open, so the end of its output never comes. That must never count as a success.
            string tool = Script("leaves-child", "sleep 11 &\nexit 0");
            var e = await Assert.ThrowsAsync<ToolExitUnknownException>(() => new ToolRunner(tool).RunAsync(Array.Empty<string>()));
            Assert.Contains("sleep", e.Message, StringComparison.Ordinal);
            Assert.Contains("counted as failed", e.Message, StringComparison.Ordinal);
            Assert.Contains(e.HolderPids, pid => pid > 0);
        }

        [Fact]
        public async Task A_read_whose_exit_never_arrived_is_asked_again_and_a_change_is_not()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            string once = Path.Combine(_dir, "held-once");
            string calls = Path.Combine(_dir, "calls");
            // The first list and the first rollback leave a child holding their output; later calls do not.
            string helm = Script("helm",
                $"echo \"$1\" >> '{calls}'\n" +
                "case \"$1\" in version) echo v3.14.0+gabc; exit 0;; esac\n" +
                $"if [ ! -e \"{once}-$1\" ]; then touch \"{once}-$1\"; sleep 8 & fi\n" +
                "[ \"$1\" = list ] && echo '[]'\nexit 0");
            var client = new SBKube.Core.Helm.HelmClient(new SBKube.Core.Helm.HelmOptions { Executable = helm });

            Assert.Empty(await client.ListAsync("demo"));
            await Assert.ThrowsAsync<ToolExitUnknownException>(() =>
                client.RollbackAsync("web", "demo", 1, wait: false, timeout: null, historyMax: null));

            string[] made = File.ReadAllLines(calls);
            Assert.Equal(2, made.Count(c => c == "list"));
            Assert.Equal(1, made.Count(c => c == "rollback"));
        }

        /// <summary>A process that has exited and been reaped, so /proc no longer has it.</summary>
        private static int ReapedPid()
        {
            using var p = System.Diagnostics.Process.Start("true")!;
            p.WaitForExit();
            return p.Id;
        }

        [Fact]
        public async Task A_status_that_arrives_late_is_the_result_not_a_guess_from_the_output()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            // The tool was reaped and nothing holds its output, but its status (5) comes only after the holder
            // grace: that status, not a reading of its empty stderr, is the result.
            Task<int> late = Task.Delay(TimeSpan.FromSeconds(2)).ContinueWith(_ => 5);

            int code = await ToolRunner.WaitForExitAsync(late, ReapedPid(), "test-late", "helm",
                TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(30));

            Assert.Equal(5, code);
        }

        [Fact]
        public async Task A_reaped_tool_whose_status_never_comes_is_a_failure_after_the_wait_never_a_guess()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            var never = new TaskCompletionSource<int>();
            var clock = System.Diagnostics.Stopwatch.StartNew();

            ToolExitUnknownException e = await Assert.ThrowsAsync<ToolExitUnknownException>(() => ToolRunner.WaitForExitAsync(
                never.Task, ReapedPid(), "test-never", "helm", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)));

            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"decided after {clock.Elapsed}");
            Assert.Empty(e.HolderPids);
            Assert.Contains("counted as failed", e.Message);
        }
    }
}
