using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CliWrap;
using SBKube.Core.State;

namespace SBKube.Core.Tools
{
    /// <summary>
    /// One run of a tool. Its exit and the end of each output stream are watched separately, each by
    /// something that does not need the thread pool (the runtime's child-reaping thread, one blocking
    /// reader thread per stream), and are read off directly when checked: a busy or starved thread pool
    /// can make a result late but never lose it. (Awaiting CliWrap's one task for "exited and output
    /// ended" lost a status about once per full test run.)
    /// </summary>
    internal sealed class ToolProcess : IDisposable
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(false);
        private readonly Process _process;
        private readonly string _executable;
        private readonly Task<byte[]> _stdout;
        private readonly Task<byte[]> _stderr;
        private readonly Task _exitReported;

        private ToolProcess(Process process, string executable, Task exitReported, int outputLimit)
        {
            _process = process;
            _executable = executable;
            _exitReported = exitReported;
            _stdout = ReadToEnd(process.StandardOutput.BaseStream, "stdout", outputLimit);
            _stderr = ReadToEnd(process.StandardError.BaseStream, "stderr", outputLimit);
        }

        /// <summary>Bytes read past the output limit and dropped, per stream (read to the end all the same, so the tool never blocks).</summary>
        public long DroppedStdout => _droppedStdout;
        public long DroppedStderr => _droppedStderr;
        private long _droppedStdout, _droppedStderr;

        public int Id => _process.Id;

        /// <exception cref="ToolNotFoundException">The executable cannot be started.</exception>
        public static ToolProcess Start(string executable, IReadOnlyList<string> arguments, string? standardInput,
            IEnumerable<KeyValuePair<string, string>> environment, int outputLimit)
        {
            // CliWrap turns the argument array into the one string Process takes, escaped so that each
            // element arrives as one argv entry: no shell ever sees it.
            var info = new ProcessStartInfo(executable, Cli.Wrap(executable).WithArguments(arguments).Arguments)
            {
                UseShellExecute = false,
                CreateNoWindow = true,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (KeyValuePair<string, string> variable in environment)
            {
                info.Environment[variable.Key] = variable.Value;
            }
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            // Only a wake-up: whether it exited is read off the process itself at every check.
            var exitReported = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, __) => exitReported.TrySetResult(true);
            try
            {
                process.Start();
            }
            catch (Win32Exception e)
            {
                process.Dispose();
                throw new ToolNotFoundException(executable, e);
            }
            var started = new ToolProcess(process, executable, exitReported.Task, outputLimit);
            started.Feed(standardInput);
            return started;
        }

        /// <summary>
        /// Waits for the exit status and for both output streams to end. Once the tool has exited, a
        /// process it started that still holds its output makes the call fail naming it; so does an end
        /// of output that never comes although nothing is seen holding it.
        /// </summary>
        /// <exception cref="ToolExitUnknownException">The status or the output's end did not arrive.</exception>
        /// <exception cref="OperationCanceledException">Cancelled; the tool was killed.</exception>
        public async Task<ToolResult> WaitAsync(Func<IReadOnlyList<int>> holders, TimeSpan holderGrace, TimeSpan statusWait,
            CancellationToken cancellationToken)
        {
            string proc = "/proc/" + Id.ToString(CultureInfo.InvariantCulture);
            bool watch = Directory.Exists("/proc/self");
            Task output = Task.WhenAll(_stdout, _stderr);
            // Time is counted in polls waited out, not read off the clock: when this process is too busy to
            // look, what it waits for is just as late, so that time must not count against it. A look that
            // came without a wait (the first, or one woken early) counts nothing.
            int gonePolls = 0, openPolls = 0;
            while (true)
            {
                bool exited = _process.WaitForExit(0);
                if (exited && output.IsCompleted)
                {
                    return new ToolResult(_process.ExitCode, Utf8.GetString(await _stdout.ConfigureAwait(false)),
                        Utf8.GetString(await _stderr.ConfigureAwait(false)));
                }
                if (cancellationToken.IsCancellationRequested)
                {
                    Kill();
                    cancellationToken.ThrowIfCancellationRequested();
                }
                bool gone = !exited && watch && !IsRunning(proc);
                if (exited && Elapsed(openPolls) >= holderGrace)
                {
                    IReadOnlyList<int> held = holders();
                    if (held.Count > 0 || Elapsed(openPolls) >= statusWait)
                    {
                        throw new ToolExitUnknownException(_executable, Id, held, OutputState(_process.ExitCode));
                    }
                }
                else if (gone && Elapsed(gonePolls) >= statusWait)
                {
                    throw new ToolExitUnknownException(_executable, Id, Array.Empty<int>(), Directory.Exists(proc)
                        ? "it exited but was never reaped"
                        : "it was reaped, but this process was never told its status");
                }
                Task wake = exited ? output : _exitReported;
                Task poll = Task.Delay(Poll, cancellationToken);
                // A wake-up already spent (an exit reported but not yet readable) must not turn this into a spin.
                if (await Task.WhenAny(poll, wake.IsCompleted ? poll : wake).ConfigureAwait(false) == poll)
                {
                    if (exited) openPolls++;
                    else if (gone) gonePolls++;
                }
            }
        }

        public void Dispose() => _process.Dispose();

        private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

        private static TimeSpan Elapsed(int polls) => TimeSpan.FromTicks(Poll.Ticks * polls);

        private string OutputState(int exitCode)
        {
            string open = string.Join(" and ", new[] { ("stdout", _stdout), ("stderr", _stderr) }
                .Where(s => !s.Item2.IsCompleted).Select(s => s.Item1));
            return $"it exited with code {exitCode.ToString(CultureInfo.InvariantCulture)}, but its {open} never ended";
        }

        /// <summary>Writes the input on a thread of its own, so a tool that fills its output before reading cannot deadlock.</summary>
        private void Feed(string? standardInput)
        {
            Stream input = _process.StandardInput.BaseStream;
            if (standardInput == null)
            {
                input.Dispose();
                return;
            }
            byte[] bytes = Utf8.GetBytes(standardInput);
            var writer = new Thread(() =>
            {
                try
                {
                    input.Write(bytes, 0, bytes.Length);
                }
                catch (IOException)
                {
                    // The tool ended without reading all of it; its exit status says what that meant.
                }
                finally
                {
                    try { input.Dispose(); } catch (IOException) { }
                }
            }) { IsBackground = true, Name = "sbkube tool stdin" };
            writer.Start();
        }

        /// <summary>
        /// Blocking reads on a background thread of its own: an end of output is seen the moment the last
        /// writer closes. Past <paramref name="limit"/> bytes the rest is read and dropped, so a tool that
        /// prints without end costs no more memory than the limit.
        /// </summary>
        private Task<byte[]> ReadToEnd(Stream stream, string name, int limit)
        {
            var done = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            var reader = new Thread(() =>
            {
                try
                {
                    using var all = new MemoryStream();
                    var buffer = new byte[16384];
                    int n;
                    long dropped = 0;
                    while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        int kept = (int)Math.Min(n, Math.Max(0, limit - all.Length));
                        all.Write(buffer, 0, kept);
                        dropped += n - kept;
                    }
                    if (name == "stdout") _droppedStdout = dropped; else _droppedStderr = dropped;
                    done.TrySetResult(all.ToArray());
                }
                catch (Exception e)
                {
                    done.TrySetException(e);
                }
            }) { IsBackground = true, Name = "sbkube tool " + name };
            reader.Start();
            return done.Task;
        }

        private void Kill()
        {
            try
            {
                _process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        }

        /// <summary>
        /// Alive unless /proc has no entry or shows a zombie (exited, not yet reaped). A zombie normally
        /// turns into a reported exit at once; one that stays is the runtime missing the exit.
        /// </summary>
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
    }
}
