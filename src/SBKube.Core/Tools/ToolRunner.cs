using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using System.Text;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CliWrap;
using SBKube.Core.State;

namespace SBKube.Core.Tools
{
    /// <summary>The outcome of one external command.</summary>
    public sealed class ToolResult
    {
        public ToolResult(int exitCode, string stdout, string stderr)
        {
            ExitCode = exitCode;
            StandardOutput = stdout;
            StandardError = stderr;
        }

        public int ExitCode { get; }
        public string StandardOutput { get; }
        public string StandardError { get; }
    }

    /// <summary>
    /// Runs helm/kubectl with an argument array (never a shell string). Reports each command line
    /// to <see cref="Verbose"/> and its stderr to <see cref="Debug"/>.
    /// </summary>
    public sealed class ToolRunner
    {
        public ToolRunner(string executable)
        {
            Executable = executable;
        }

        public string Executable { get; }
        public Action<string>? Verbose { get; set; }
        public Action<string>? Debug { get; set; }

        public async Task<ToolResult> RunAsync(IReadOnlyList<string> arguments, string? standardInput = null,
            CancellationToken cancellationToken = default)
        {
            Verbose?.Invoke(Render(arguments));
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            Command command = Cli.Wrap(Executable)
                .WithArguments(arguments)
                .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
                .WithValidation(CommandResultValidation.None)
                // Marks the child as this run's, so a reader can tell it still works after this process died.
                .WithEnvironmentVariables(env => env.Set(CurrentProcess.OwnerVariable, CurrentProcess.Id.ToString(CultureInfo.InvariantCulture)));
            if (standardInput != null)
            {
                command = command.WithStandardInputPipe(PipeSource.FromString(standardInput));
            }
            int exitCode;
            try
            {
                CommandTask<CommandResult> running = command.ExecuteAsync(cancellationToken);
                exitCode = await WaitForExitAsync(running, stderr).ConfigureAwait(false);
            }
            catch (Win32Exception e)
            {
                throw new ToolNotFoundException(Executable, e);
            }
            catch (InvalidOperationException e) when (e.InnerException is Win32Exception)
            {
                throw new ToolNotFoundException(Executable, e);
            }
            string error = stderr.ToString();
            if (!string.IsNullOrWhiteSpace(error))
            {
                Debug?.Invoke(error.TrimEnd());
            }
            return new ToolResult(exitCode, stdout.ToString(), error);
        }

        /// <summary>
        /// The exit code, normally from CliWrap. Seen under load on Linux: the child exits and is reaped
        /// but the runtime never reports it, and the await would last forever. So the process is also
        /// watched through /proc; once it has been gone for a while its captured output stands in, and
        /// the exit code follows Helm's contract (an "Error:" line on stderr means 1).
        /// </summary>
        private async Task<int> WaitForExitAsync(CommandTask<CommandResult> running, StringBuilder stderr)
        {
            string proc = "/proc/" + running.ProcessId.ToString(CultureInfo.InvariantCulture);
            bool watch = Directory.Exists("/proc/self");
            DateTime? goneSince = null;
            while (true)
            {
                Task finished = await Task.WhenAny(running.Task, Task.Delay(TimeSpan.FromMilliseconds(500))).ConfigureAwait(false);
                if (finished == running.Task)
                {
                    return (await running.Task.ConfigureAwait(false)).ExitCode;
                }
                if (!watch || IsRunning(proc))
                {
                    continue;
                }
                goneSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - goneSince.Value > TimeSpan.FromSeconds(3))
                {
                    Verbose?.Invoke($"{Executable} (pid {running.ProcessId}) ended without the runtime reporting its exit; using its output.");
                    return stderr.ToString().Split('\n').Any(l => l.StartsWith("Error", StringComparison.Ordinal)) ? 1 : 0;
                }
            }
        }

        /// <summary>Alive unless /proc has no entry or shows a zombie (state Z, waiting to be reaped).</summary>
        private static bool IsRunning(string procPath)
        {
            try
            {
                string stat = File.ReadAllText(procPath + "/stat");
                int close = stat.LastIndexOf(')');
                return close < 0 || close + 2 >= stat.Length || stat[close + 2] != 'Z';
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return true;
            }
        }

        /// <summary>
        /// What to say when a tool failed without a word on stderr: its exit code, and the signal when
        /// the code is 128+N, the way a shell reports a process killed by signal N.
        /// </summary>
        public static string SilentFailure(string tool, int exitCode)
        {
            string[] names = { "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
                "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM" };
            int signal = exitCode - 128;
            string how = signal > 0 && signal < names.Length
                ? $"exited with code {exitCode} (killed by signal {signal}, {names[signal]})"
                : $"exited with code {exitCode}";
            return $"{tool} {how} and printed no error";
        }

        /// <summary>A readable command line for logs: arguments with spaces or quotes are quoted.</summary>
        public string Render(IReadOnlyList<string> arguments) =>
            string.Join(" ", new[] { Executable }.Concat(arguments).Select(a =>
                a.Length == 0 || a.Any(c => char.IsWhiteSpace(c) || c == '"' || c == '\'') ? "'" + a.Replace("'", "''") + "'" : a));
    }

    public sealed class ToolNotFoundException : Exception
    {
        public ToolNotFoundException(string executable, Exception inner)
            : base($"'{executable}' was not found or cannot be run; install it, or point $env:SBKUBE_HELM / $env:SBKUBE_KUBECTL at it.", inner)
        {
            Executable = executable;
        }

        public string Executable { get; }
    }
}
