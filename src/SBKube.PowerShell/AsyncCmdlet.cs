using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core;
using SBKube.Core.Engine;

namespace SBKube.PowerShell
{
    /// <summary>
    /// A cmdlet whose work is asynchronous (Helm, kubectl, locks). It overrides the *Async methods and
    /// writes directly: their awaits resume on the pipeline thread. Ctrl+C, SIGINT and SIGTERM behave
    /// the same in every such cmdlet: the token passed in fires, work already running finishes and is
    /// recorded, and nothing new starts. Engine threads write through <see cref="PostOutput"/> and
    /// <see cref="EngineLog"/>.
    /// </summary>
    public abstract class AsyncCmdlet : ContextCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private PipelinePump? _pump;
        private bool _progressShown;

        protected sealed override void BeginProcessing()
        {
            base.BeginProcessing();
            Pump(BeginProcessingAsync);
        }

        protected sealed override void ProcessRecord() => Pump(ProcessRecordAsync);

        protected sealed override void EndProcessing() => Pump(EndProcessingAsync);

        protected sealed override void StopProcessing()
        {
            try
            {
                _stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // A stop that arrives after the pipeline disposed the cmdlet: nothing is left to stop.
            }
        }

        /// <summary>PowerShell disposes a cmdlet when its pipeline ends.</summary>
        public void Dispose()
        {
            _stop.Dispose();
            GC.SuppressFinalize(this);
        }

        protected virtual Task BeginProcessingAsync(CancellationToken stopping) => Task.CompletedTask;

        protected virtual Task ProcessRecordAsync(CancellationToken stopping) => Task.CompletedTask;

        protected virtual Task EndProcessingAsync(CancellationToken stopping) => Task.CompletedTask;

        /// <summary>Named by the progress bar and by the SIGTERM warning.</summary>
        protected abstract string Activity { get; }

        /// <summary>What an error of this invocation is about (its path or app), for ErrorRecord.TargetObject.</summary>
        protected virtual object? ErrorTarget => null;

        /// <summary>From an engine thread: runs <paramref name="action"/> on the pipeline thread (dropped once stopped).</summary>
        protected void PostOutput(Action action) => _pump!.PostOutput(action);

        /// <summary>The engine's verbose, debug, warning and progress messages, delivered on the pipeline thread.</summary>
        protected IEngineLog EngineLog => new PumpLog(this);

        private void Pump(Func<CancellationToken, Task> body)
        {
            using var pump = new PipelinePump();
            _pump = pump;
            try
            {
                bool terminated;
                using (TerminationSignal terminate = TerminationSignal.Watch(_stop.Cancel))
                {
                    _pump.Run(() => body(_stop.Token), _stop);
                    if (_progressShown)
                    {
                        WriteProgress(new ProgressRecord(1, Activity, "Done") { RecordType = ProgressRecordType.Completed });
                    }
                    terminated = terminate.Received;
                }
                if (terminated)
                {
                    // The script must not go on to its next statement. pwsh itself ends as the signal would
                    // have ended it; another host gets a stopped pipeline and decides for itself.
                    WriteWarning($"{Activity}: stopped by SIGTERM; what was running finished and is recorded, nothing else was started.");
                    if (Host.Name == "ConsoleHost")
                    {
                        TerminationSignal.RaiseAgain();
                    }
                    throw new PipelineStoppedException();
                }
            }
            catch (Exception e) when (Known(e, ErrorTarget, out ErrorRecord? record))
            {
                Report(e, record!);
            }
        }

        private sealed class PumpLog : IEngineLog
        {
            private readonly AsyncCmdlet _cmdlet;

            internal PumpLog(AsyncCmdlet cmdlet) => _cmdlet = cmdlet;

            public void Verbose(string message) => _cmdlet.PostOutput(() => _cmdlet.WriteVerbose(message));

            public void Debug(string message) => _cmdlet.PostOutput(() => _cmdlet.WriteDebug(message));

            public void Warning(string message) => _cmdlet.PostOutput(() => _cmdlet.WriteWarning(message));

            public void Warning(string message, NextStep next) => Warning(message + " " + NextStepWording.Of(next));

            public void Progress(int done, int total, IReadOnlyCollection<string> running)
            {
                int percent = total == 0 ? 100 : Math.Min(100, done * 100 / total);
                string status = $"{done}/{total} apps done" + (running.Count > 0 ? "; running: " + string.Join(", ", running.OrderBy(r => r)) : "");
                _cmdlet.PostOutput(() =>
                {
                    _cmdlet._progressShown = true;
                    _cmdlet.WriteProgress(new ProgressRecord(1, _cmdlet.Activity, status) { PercentComplete = percent });
                });
            }
        }
    }
}
