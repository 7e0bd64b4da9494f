using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CliWrap;
using CliWrap.Buffered;

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
            Command command = Cli.Wrap(Executable)
                .WithArguments(arguments)
                .WithValidation(CommandResultValidation.None);
            if (standardInput != null)
            {
                command = command.WithStandardInputPipe(PipeSource.FromString(standardInput));
            }
            BufferedCommandResult result;
            try
            {
                result = await command.ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Win32Exception e)
            {
                throw new ToolNotFoundException(Executable, e);
            }
            catch (InvalidOperationException e) when (e.InnerException is Win32Exception)
            {
                throw new ToolNotFoundException(Executable, e);
            }
            if (!string.IsNullOrWhiteSpace(result.StandardError))
            {
                Debug?.Invoke(result.StandardError.TrimEnd());
            }
            return new ToolResult(result.ExitCode, result.StandardOutput, result.StandardError);
        }

        /// <summary>A readable command line for logs: arguments with spaces or quotes are quoted.</summary>
        public string Render(IReadOnlyList<string> arguments) =>
            string.Join(" ", new[] { Executable }.Concat(arguments).Select(a =>
                a.Length == 0 || a.Any(c => char.IsWhiteSpace(c) || c == '"' || c == '\'') ? "'" + a.Replace("'", "''") + "'" : a));
    }

    public sealed class ToolNotFoundException : Exception
    {
        public ToolNotFoundException(string executable, Exception inner)
            : base($"Cannot run '{executable}': {inner.Message}. Install it or point $env:SBKUBE_HELM / $env:SBKUBE_KUBECTL at it.", inner)
        {
            Executable = executable;
        }

        public string Executable { get; }
    }
}
