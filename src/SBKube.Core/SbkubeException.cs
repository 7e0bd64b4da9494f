using System;

namespace SBKube.Core
{
    /// <summary>
    /// What kind of failure it is (<see cref="ErrorClassifier"/> names every engine failure so); the cmdlet layer maps
    /// each to the PowerShell ErrorCategory of the same name.
    /// </summary>
    public enum ErrorKind
    {
        InvalidArgument,
        InvalidData,
        InvalidOperation,
        ObjectNotFound,
        PermissionDenied,
        ResourceBusy,
        ResourceExists,
        ResourceUnavailable,
        ConnectionError,
        AuthenticationError,
        SecurityError,
        OperationTimeout,
        OperationStopped,
        WriteError,
        NotImplemented,
        InvalidResult,
    }

    /// <summary>A user-facing failure with a stable ErrorId, what kind it is and what it is about.</summary>
    public sealed class SbkubeException : GuidedException
    {
        public SbkubeException(string message, string errorId, ErrorKind kind, object? target = null, Exception? inner = null,
            NextStep? next = null, EngineInput? input = null)
            : base(message, inner, next, input)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        public string ErrorId { get; }
        public ErrorKind Kind { get; }
        public object? Target { get; }
    }
}
