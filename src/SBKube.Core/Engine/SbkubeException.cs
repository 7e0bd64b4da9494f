using System;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// A user-facing failure with a stable ErrorId. <see cref="Category"/> holds a PowerShell
    /// ErrorCategory value as an int, so the engine stays free of PowerShell types.
    /// </summary>
    public sealed class SbkubeException : Exception
    {
        public SbkubeException(string message, string errorId, int category, object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Category = category;
            Target = target;
        }

        public string ErrorId { get; }
        public int Category { get; }
        public object? Target { get; }

        // Values of System.Management.Automation.ErrorCategory used by the engine.
        public const int InvalidArgument = 5;
        public const int ObjectNotFound = 13;
        public const int InvalidData = 6;
        public const int InvalidOperation = 7;
        public const int ResourceBusy = 19;
        public const int PermissionDenied = 18;
    }
}
