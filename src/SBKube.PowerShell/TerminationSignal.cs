using System;
using System.Reflection;

namespace SBKube.PowerShell
{
    /// <summary>
    /// SIGTERM while an operation runs (a CI job cancelled, a container stopped): instead of dying with
    /// a Helm child still deploying and its revision left pending, the operation is told to stop
    /// launching work, the work already running finishes and is recorded, then the process exits 143
    /// as a signalled process would. A second SIGTERM terminates at once.
    /// PosixSignalRegistration exists from .NET 6 (PowerShell 7.2); the module also builds for
    /// netstandard2.0, so it is reached by reflection and is a no-op where it is missing.
    /// </summary>
    internal sealed class TerminationSignal : IDisposable
    {
        /// <summary>The exit code of a process ended by SIGTERM (128 + 15).</summary>
        internal const int ExitCode = 143;

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
    }
}
