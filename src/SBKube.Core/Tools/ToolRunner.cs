using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
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

        /// <summary>Marks the processes of one call, so those still holding its output can be named.</summary>
        public const string CallVariable = "SBKUBE_TOOL_CALL";
        private static int _calls;

        /// <exception cref="ToolNotFoundException">The executable cannot be started.</exception>
        /// <exception cref="ToolExitUnknownException">It ended but its exit status or the end of its output never arrived.</exception>
        public async Task<ToolResult> RunAsync(IReadOnlyList<string> arguments, string? standardInput = null,
            CancellationToken cancellationToken = default)
        {
            Verbose?.Invoke(Render(arguments));
            string call = CurrentProcess.Id.ToString(CultureInfo.InvariantCulture) + "-" +
                Interlocked.Increment(ref _calls).ToString(CultureInfo.InvariantCulture);
            var environment = new Dictionary<string, string>
            {
                // Marks the child as this run's, so a reader can tell it still works after this process died.
                [CurrentProcess.OwnerVariable] = CurrentProcess.Id.ToString(CultureInfo.InvariantCulture),
                [CallVariable] = call,
            };
            ToolResult result;
            using (ToolProcess tool = ToolProcess.Start(Executable, arguments, standardInput, environment, OutputLimit))
            {
                result = await tool.WaitAsync(() => CurrentProcess.LiveProcessesWith(CallVariable, call).ToArray(),
                    HolderGrace, StatusWait, cancellationToken).ConfigureAwait(false);
                foreach ((string stream, long dropped) in new[] { ("stdout", tool.DroppedStdout), ("stderr", tool.DroppedStderr) })
                {
                    if (dropped > 0)
                    {
                        Verbose?.Invoke($"{Executable} printed more than {OutputLimit / (1024 * 1024)} MiB on {stream}; the {dropped} bytes after that were dropped.");
                    }
                }
            }
            if (!string.IsNullOrWhiteSpace(result.StandardError))
            {
                Debug?.Invoke(result.StandardError.TrimEnd());
            }
            return result;
        }

        /// <summary>The most of each output stream kept (helm's largest JSON, a release with big manifests, is a few MiB).</summary>
        internal int OutputLimit { get; set; } = 32 * 1024 * 1024;

        /// <summary>How long an exited tool's output may take to end before SBKube looks for a process it started that holds it.</summary>
        internal TimeSpan HolderGrace { get; set; } = TimeSpan.FromSeconds(3);

        /// <summary>How long a status or an end of output nobody is seen holding is awaited before the result counts as unknown.</summary>
        internal TimeSpan StatusWait { get; set; } = TimeSpan.FromSeconds(10);

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
            : base($"'{executable}' was not found or cannot be run; install it, or set SBKUBE_HELM / SBKUBE_KUBECTL to its path.", inner)
        {
            Executable = executable;
        }

        public string Executable { get; }
    }

    /// <summary>
    /// The tool ended but its result is not known whole: its exit status never arrived, or its output never
    /// ended (held open by a process it started, named when seen).
    /// </summary>
    public sealed class ToolExitUnknownException : Exception
    {
        public ToolExitUnknownException(string executable, int pid, IReadOnlyList<int> holderPids, string what)
            : base(Describe(executable, pid, holderPids, what))
        {
            Executable = executable;
            HolderPids = holderPids;
        }

        public string Executable { get; }

        /// <summary>The processes it started that still hold its output open (Linux only).</summary>
        public IReadOnlyList<int> HolderPids { get; }

        private static string Describe(string executable, int pid, IReadOnlyList<int> holders, string what)
        {
            string held = holders.Count == 0 ? what
                : what + ": it is held open by " + string.Join(", ", holders.Select(h =>
                    $"pid {h.ToString(CultureInfo.InvariantCulture)} ({CurrentProcess.CommandLine(h)})")) + ", which it started";
            return $"'{executable}' (pid {pid.ToString(CultureInfo.InvariantCulture)}) ended, but its result never arrived whole: " +
                $"{held}. Its result is unknown, so it is counted as failed; check what it changed before running it again.";
        }
    }
}
