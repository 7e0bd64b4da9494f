using System;

namespace SBKube.Core
{
    /// <summary>What kind of failure an <see cref="SbkubeException"/> is; the cmdlet layer maps it to an ErrorCategory.</summary>
    public enum ErrorKind
    {
        InvalidArgument,
        InvalidData,
        InvalidOperation,
        ObjectNotFound,
        PermissionDenied,
        ResourceBusy,
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
