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
                client.RollbackAsync(new SBKube.Core.Helm.HelmRollbackRequest { Release = "web", Namespace = "demo", Revision = 1 }));

            string[] made = File.ReadAllLines(calls);
            Assert.Equal(2, made.Count(c => c == "list"));
            Assert.Equal(1, made.Count(c => c == "rollback"));
        }

        [Fact]
        public async Task Output_that_ends_after_the_tool_exited_is_awaited_and_kept_whole()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            // The exit and the end of output are watched apart: the tool exits (3) first, a process it
            // started writes the last line a second later; both the status and every line are the result.
            string tool = Script("late-line", "(sleep 1; echo last) &\necho first\nexit 3");

            ToolResult r = await new ToolRunner(tool).RunAsync(Array.Empty<string>());

            Assert.Equal(3, r.ExitCode);
            Assert.Equal("first\nlast\n", r.StandardOutput);
        }

        [Fact]
        public async Task The_grace_for_a_held_output_is_waited_before_any_holder_is_looked_for()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            // A child holds the output a tenth of a second after the tool exited: well inside the grace,
            // so the call waits for it instead of judging the holder at the first look.
            string tool = Script("brief-child", "sleep 0.1 &\necho done\nexit 0");
            var runner = new ToolRunner(tool) { HolderGrace = TimeSpan.FromMilliseconds(200), StatusWait = TimeSpan.FromSeconds(1) };

            ToolResult r = await runner.RunAsync(Array.Empty<string>());

            Assert.Equal(0, r.ExitCode);
            Assert.Equal("done\n", r.StandardOutput);
        }

        [Fact]
        public async Task Input_larger_than_a_pipe_reaches_a_tool_that_writes_as_much_before_it_reads()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            // 1 MiB out before any input is read, then 1 MiB in: with input written on the caller's
            // path both pipes would fill and the call would never end.
            string tool = Script("echoes", "head -c 1048576 /dev/zero | tr '\\0' x\nwc -c >&2");
            string input = new string('y', 1048576);

            ToolResult r = await new ToolRunner(tool).RunAsync(Array.Empty<string>(), input);

            Assert.Equal(0, r.ExitCode);
            Assert.Equal(1048576, r.StandardOutput.Length);
            Assert.Equal("1048576", r.StandardError.Trim());
        }

        [Fact]
        public async Task Output_held_by_a_process_that_cannot_be_named_is_a_failure_after_the_wait_never_a_guess()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            // The child drops the environment that marks it as the call's, so nothing names it; the tool's
            // exit (0) is known but its output never ends: unknown, never success.
            string tool = Script("hides-child", "env -i /bin/sleep 30 &\nexit 0");
            var runner = new ToolRunner(tool) { HolderGrace = TimeSpan.FromMilliseconds(200), StatusWait = TimeSpan.FromSeconds(1) };
            var clock = System.Diagnostics.Stopwatch.StartNew();

            ToolExitUnknownException e = await Assert.ThrowsAsync<ToolExitUnknownException>(() => runner.RunAsync(Array.Empty<string>()));

            // Decided once the wait is over, long before the child would let go (a busy test host only makes it later).
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1) && clock.Elapsed < TimeSpan.FromSeconds(25), $"decided after {clock.Elapsed}");
            Assert.Empty(e.HolderPids);
            Assert.Contains("exited with code 0, but its stdout and stderr never ended", e.Message);
            Assert.Contains("counted as failed", e.Message);
        }

        [Fact]
        public async Task Output_past_the_limit_is_read_to_the_end_and_dropped_keeping_what_came_first()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            // A JSON answer, then 8 MiB more: the tool is never blocked, the call keeps only the limit.
            string tool = Script("floods", "echo '{\"version\": 3}'\nhead -c 8388608 /dev/zero | tr '\\0' x\nexit 0");
            var verbose = new System.Collections.Generic.List<string>();
            var runner = new ToolRunner(tool) { OutputLimit = 1024 * 1024, Verbose = verbose.Add };

            ToolResult r = await runner.RunAsync(Array.Empty<string>());

            Assert.Equal(0, r.ExitCode);
            Assert.Equal(1024 * 1024, r.StandardOutput.Length);
            Assert.StartsWith("{\"version\": 3}\n", r.StandardOutput);
            Assert.Contains(verbose, line => line.Contains("more than 1 MiB on stdout") && line.Contains((8388608 + 15 - 1024 * 1024).ToString()));
        }

        [Fact]
        public async Task A_cancelled_call_kills_the_tool()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            string pidFile = Path.Combine(_dir, "pid");
            string tool = Script("waits", $"echo $$ > '{pidFile}'\nexec sleep 30");
            using var cancel = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(1));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ToolRunner(tool).RunAsync(Array.Empty<string>(), null, cancel.Token));

            int pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(500);
            Assert.False(Directory.Exists("/proc/" + pid) && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "), $"pid {pid} still runs");
        }
    }
}
