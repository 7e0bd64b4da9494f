using System;
using System.Management.Automation;
using SBKube.Core;
using SBKube.Core.Engine;

namespace SBKube.PowerShell
{
    /// <summary>Engine exceptions → ErrorRecords with a stable ErrorId and category.</summary>
    internal static class ErrorMapper
    {
        internal static bool TryMap(Exception e, object? target, out ErrorRecord? record)
        {
            if (e is GuidedException guided)
            {
                NextStepWording.Apply(guided);
            }
            ErrorClass? named = ErrorClassifier.Classify(e, target);
            record = named == null ? null : new ErrorRecord(e, named.ErrorId, Category(named.Kind), named.Target);
            return record != null;
        }

        /// <summary>ErrorKind's names are ErrorCategory's.</summary>
        internal static ErrorCategory Category(ErrorKind kind) =>
            Enum.TryParse(kind.ToString(), out ErrorCategory category) ? category : ErrorCategory.NotSpecified;

        /// <summary>The ErrorRecord for an app that failed or was skipped inside a run.</summary>
        internal static ErrorRecord ForResult(AppResult r)
        {
            string id = r.ErrorId ?? ErrorIds.AppFailed;
            ErrorCategory category = Category(ErrorClassifier.KindOf(id));
            string message = $"{r.Operation} {r.Namespace}/{r.App}: {r.Message}" + (r.Next == null ? "" : " " + NextStepWording.Of(r.Next));
            return new ErrorRecord(new SbkubeException(message, id, ErrorKind.InvalidOperation, r), id, category, r);
        }
    }
}
