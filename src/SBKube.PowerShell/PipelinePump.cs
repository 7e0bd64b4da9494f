using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace SBKube.PowerShell
{
    /// <summary>
    /// Runs a cmdlet's async body on the pipeline thread, the only thread allowed to call WriteObject,
    /// ShouldProcess and friends. Its awaits resume there (it is the body's synchronization context),
    /// and engine threads hand output over with <see cref="PostOutput"/>. Once the pipeline is stopped
    /// (Ctrl+C, or a downstream Select-Object -First), output is dropped, the stop token fires and the
    /// body still runs to its end, so work already started finishes and is recorded.
    /// </summary>
    internal sealed class PipelinePump : SynchronizationContext, IDisposable
    {
        private readonly BlockingCollection<(Action Action, bool IsOutput)> _queue = new BlockingCollection<(Action, bool)>();

        public override void Post(SendOrPostCallback d, object? state)
        {
            if (!TryAdd(() => d(state), isOutput: false))
            {
                // The body has ended; a late continuation (none of ours) runs on the pool rather than nowhere.
                ThreadPool.QueueUserWorkItem(_ => d(state));
            }
        }

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("The pipeline thread does not wait on other threads.");

        /// <summary>From any thread: runs <paramref name="action"/> on the pipeline thread, or drops it once stopped.</summary>
        internal void PostOutput(Action action) => TryAdd(action, isOutput: true);

        private bool TryAdd(Action action, bool isOutput)
        {
            try
            {
                _queue.Add((action, isOutput));
                return true;
            }
            catch (InvalidOperationException)
            {
                return false; // Completed or disposed (ObjectDisposedException): the body has ended.
            }
        }

        public void Dispose() => _queue.Dispose();

        /// <summary>Runs <paramref name="body"/> to its end; cancels <paramref name="stop"/> when the pipeline stops.</summary>
        /// <exception cref="PipelineStoppedException">The pipeline was stopped while the body ran.</exception>
        internal void Run(Func<Task> body, CancellationTokenSource stop)
        {
            SynchronizationContext? previous = Current;
            SetSynchronizationContext(this);
            try
            {
                Task task;
                try
                {
                    task = body();
                }
                catch (Exception e)
                {
                    task = Task.FromException(e);
                }
                task.ContinueWith(_ => _queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                PipelineStoppedException? stopped = null;
                foreach ((Action action, bool isOutput) in _queue.GetConsumingEnumerable())
                {
                    if (isOutput && stopped != null)
                    {
                        continue;
                    }
                    try
                    {
                        action();
                    }
                    catch (PipelineStoppedException e) when (isOutput)
                    {
                        stopped = e;
                        stop.Cancel();
                    }
                }
                if (stopped != null)
                {
                    throw stopped;
                }
                task.GetAwaiter().GetResult();
            }
            finally
            {
                SetSynchronizationContext(previous);
            }
        }
    }
}
