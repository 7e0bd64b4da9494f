using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SBKube.PowerShell
{
    /// <summary>
    /// SIGTERM while an operation runs (a CI job cancelled, a container stopped): instead of dying with
    /// a Helm child still deploying and its revision left pending, the operation is told to stop
    /// launching work, and the work already running finishes and is recorded. Then the signal is given
    /// back: in pwsh's own console host it is raised again, so the process ends as a signalled one would
    /// (exit 143); in any other host (a runbook worker, an editor, a hosted runspace) the pipeline stops
    /// and the host decides. The module never ends the process itself. A second SIGTERM terminates at once.
    /// PosixSignalRegistration exists from .NET 6 (PowerShell 7.2); the module also builds for
    /// netstandard2.0, so it is reached by reflection and is a no-op where it is missing.
    /// </summary>
    internal sealed class TerminationSignal : IDisposable
    {
        private const int SigTerm = 15;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);

        private static readonly Type? RegistrationType =
            Type.GetType("System.Runtime.InteropServices.PosixSignalRegistration, System.Runtime.InteropServices", throwOnError: false);

        private readonly IDisposable? _registration;
        private readonly Action _onSignal;
        private int _received;

        private TerminationSignal(Action onSignal)
        {
            _onSignal = onSignal;
            _registration = Register();
        }

        /// <summary>True once SIGTERM arrived during this registration.</summary>
        internal bool Received => _received > 0;

        /// <summary>Handles SIGTERM until disposed, calling <paramref name="onSignal"/> on the first one.</summary>
        internal static TerminationSignal Watch(Action onSignal) => new TerminationSignal(onSignal);

        private IDisposable? Register()
        {
            Type? contextType = RegistrationType?.Assembly.GetType("System.Runtime.InteropServices.PosixSignalContext");
            Type? signalType = RegistrationType?.Assembly.GetType("System.Runtime.InteropServices.PosixSignal");
            MethodInfo? create = RegistrationType?.GetMethod("Create", BindingFlags.Public | BindingFlags.Static);
            if (contextType == null || signalType == null || create == null)
            {
                return null;
            }
            // Action<PosixSignalContext> bound to a method taking object: delegates allow that contravariance.
            Type handlerType = typeof(Action<>).MakeGenericType(contextType);
            Delegate handler = Delegate.CreateDelegate(handlerType, this,
                typeof(TerminationSignal).GetMethod(nameof(OnSignal), BindingFlags.NonPublic | BindingFlags.Instance)!);
            try
            {
                return (IDisposable?)create.Invoke(null, new object[] { Enum.Parse(signalType, "SIGTERM"), handler });
            }
            catch (TargetInvocationException e) when (e.InnerException is PlatformNotSupportedException)
            {
                return null;
            }
        }

        private void OnSignal(object context)
        {
            if (System.Threading.Interlocked.Increment(ref _received) > 1)
            {
                return; // The second one: let the default handling terminate the process.
            }
            context.GetType().GetProperty("Cancel")?.SetValue(context, true);
            _onSignal();
        }

        public void Dispose() => _registration?.Dispose();

        /// <summary>
        /// Raises SIGTERM again once the registration is gone, so the runtime's default handling ends the
        /// process as the signal would have; returns when it did not within a few seconds (something else
        /// handles SIGTERM in this process), so the caller can stop its pipeline instead.
        /// </summary>
        internal static void RaiseAgain()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || Kill(System.Diagnostics.Process.GetCurrentProcess().Id, SigTerm) != 0)
            {
                return;
            }
            // The runtime ends the process from its signal thread; this thread only waits for that, and a host
            // that handles SIGTERM itself lets it go on after 5 s (there is no event to wait on instead).
            for (int i = 0; i < 50; i++)
            {
                System.Threading.Thread.Sleep(100);
            }
        }
    }
}
