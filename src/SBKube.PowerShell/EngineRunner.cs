using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Engine;

namespace SBKube.PowerShell
{
    /// <summary>
    /// Runs engine work on background threads and replays its output on the pipeline thread,
    /// the only thread allowed to call WriteObject/WriteVerbose/WriteProgress.
    /// </summary>
    internal sealed class EngineRunner : IEngineLog
    {
        private readonly PSCmdlet _cmdlet;
        // One queue per Run, so a cmdlet can plan in one Run, confirm on the pipeline thread, and
        // execute in another Run with the same engine session.
        private BlockingCollection<Action> _queue = new BlockingCollection<Action>();
        private readonly string _activity;

        internal EngineRunner(PSCmdlet cmdlet, string activity)
        {
            _cmdlet = cmdlet;
            _activity = activity;
        }

        /// <summary>Cancelled by StopProcessing (Ctrl+C): the engine stops launching new work.</summary>
        internal CancellationTokenSource Stop { get; } = new CancellationTokenSource();

        internal void Post(Action action) => _queue.Add(action);

        internal void Run(Func<IEngineLog, CancellationToken, Task> work)
        {
            BlockingCollection<Action> queue = _queue.IsAddingCompleted ? (_queue = new BlockingCollection<Action>()) : _queue;
            Task task = Task.Run(() => work(this, Stop.Token));
            task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            PipelineStoppedException? stopped = null;
            foreach (Action action in queue.GetConsumingEnumerable())
            {
                if (stopped != null)
                {
                    continue;
                }
                try
                {
                    action();
                }
                catch (PipelineStoppedException e)
                {
                    // Ctrl+C: nothing more can be written, but the apps already running must finish
                    // and record their outcome before the cmdlet returns.
                    stopped = e;
                    Stop.Cancel();
                }
            }
            if (stopped != null)
            {
                task.Wait();
                throw stopped;
            }
            _cmdlet.WriteProgress(new ProgressRecord(1, _activity, "Done") { RecordType = ProgressRecordType.Completed });
            task.GetAwaiter().GetResult();
        }

        public void Verbose(string message) => Post(() => _cmdlet.WriteVerbose(message));

        public void Debug(string message) => Post(() => _cmdlet.WriteDebug(message));

        public void Warning(string message) => Post(() => _cmdlet.WriteWarning(message));

        public void Progress(int done, int total, IReadOnlyCollection<string> running)
        {
            int percent = total == 0 ? 100 : Math.Min(100, done * 100 / total);
            string status = $"{done}/{total} apps done" + (running.Count > 0 ? "; running: " + string.Join(", ", running.OrderBy(r => r)) : "");
            Post(() => _cmdlet.WriteProgress(new ProgressRecord(1, _activity, status) { PercentComplete = percent }));
        }
    }
}
