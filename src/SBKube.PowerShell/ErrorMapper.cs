using System;
using System.IO;
using System.Management.Automation;
using SBKube.Core;
using SBKube.Core.Config;
using SBKube.Core.Engine;
using SBKube.Core.Helm;
using SBKube.Core.Kubectl;
using SBKube.Core.State;
using SBKube.Core.Tools;

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
            record = e switch
            {
                ConfigException c => new ErrorRecord(c, ErrorIds.Config(c.Code),
                    ErrorCategory.InvalidData, target ?? (c.Issues.Count > 0 ? c.Issues[0].File : null)),
                StateStoreException s => new ErrorRecord(s, ErrorIds.StateStore(s.Kind), Category(s.Kind), target ?? s.Path),
                HelmException h => new ErrorRecord(h, ErrorIds.Helm(h.Kind), HelmCategory(h.Kind), target),
                KubectlException k => new ErrorRecord(k, ErrorIds.KubectlFailed, ErrorCategory.InvalidResult, target),
                ToolNotFoundException t => new ErrorRecord(t, ErrorIds.ToolNotFound, ErrorCategory.ObjectNotFound, t.Executable),
                ToolExitUnknownException u => new ErrorRecord(u, ErrorIds.ToolExitUnknown, ErrorCategory.InvalidResult, u.Executable),
                SbkubeException x => new ErrorRecord(x, x.ErrorId, Category(x.Kind), target ?? x.Target),
                _ => null,
            };
            return record != null;
        }

        internal static ErrorCategory Category(ErrorKind kind) => kind switch
        {
            ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            ErrorKind.InvalidData => ErrorCategory.InvalidData,
            ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
            ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            ErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
            _ => ErrorCategory.NotSpecified,
        };

        internal static ErrorCategory Category(StateStoreErrorKind kind) => kind switch
        {
            StateStoreErrorKind.NotADatabase => ErrorCategory.InvalidData,
            StateStoreErrorKind.NewerSchema => ErrorCategory.NotImplemented,
            StateStoreErrorKind.ReadOnly => ErrorCategory.PermissionDenied,
            StateStoreErrorKind.Corrupt => ErrorCategory.InvalidData,
            StateStoreErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            StateStoreErrorKind.Ambiguous => ErrorCategory.InvalidArgument,
            StateStoreErrorKind.NotAFile => ErrorCategory.InvalidArgument,
            StateStoreErrorKind.InvalidSchema => ErrorCategory.InvalidData,
            _ => ErrorCategory.ResourceUnavailable,
        };

        internal static ErrorCategory HelmCategory(HelmErrorKind kind) => kind switch
        {
            HelmErrorKind.ReleaseNotFound => ErrorCategory.ObjectNotFound,
            HelmErrorKind.RevisionNotFound => ErrorCategory.ObjectNotFound,
            HelmErrorKind.ChartNotFound => ErrorCategory.ObjectNotFound,
            HelmErrorKind.RepoNotFound => ErrorCategory.ObjectNotFound,
            HelmErrorKind.PendingOperation => ErrorCategory.ResourceBusy,
            HelmErrorKind.Timeout => ErrorCategory.OperationTimeout,
            HelmErrorKind.ClusterUnreachable => ErrorCategory.ConnectionError,
            HelmErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            HelmErrorKind.AuthenticationFailed => ErrorCategory.AuthenticationError,
            HelmErrorKind.RepoUnreachable => ErrorCategory.ConnectionError,
            HelmErrorKind.TlsFailure => ErrorCategory.SecurityError,
            HelmErrorKind.InvalidChart => ErrorCategory.InvalidData,
            HelmErrorKind.InvalidValues => ErrorCategory.InvalidData,
            HelmErrorKind.ReleaseNameInUse => ErrorCategory.ResourceExists,
            HelmErrorKind.FieldConflict => ErrorCategory.WriteError,
            HelmErrorKind.Forbidden => ErrorCategory.PermissionDenied,
            _ => ErrorCategory.InvalidResult,
        };

        /// <summary>The ErrorRecord for an app that failed or was skipped inside a run.</summary>
        internal static ErrorRecord ForResult(AppResult r)
        {
            string id = r.ErrorId ?? ErrorIds.AppFailed;
            ErrorCategory category =
                id == ErrorIds.DependencySkipped ? ErrorCategory.OperationStopped
                : id.StartsWith(ErrorIds.HelmPrefix, StringComparison.Ordinal)
                  && Enum.TryParse(id.Substring(ErrorIds.HelmPrefix.Length), out HelmErrorKind helm) ? HelmCategory(helm)
                : id.StartsWith(ErrorIds.StateStorePrefix, StringComparison.Ordinal)
                  && Enum.TryParse(id.Substring(ErrorIds.StateStorePrefix.Length), out StateStoreErrorKind store) ? Category(store)
                : ErrorCategory.InvalidResult;
            string message = $"{r.Operation} {r.Namespace}/{r.App}: {r.Message}" + (r.Next == null ? "" : " " + NextStepWording.Of(r.Next));
            return new ErrorRecord(new SbkubeException(message, id, ErrorKind.InvalidOperation, r), id, category, r);
        }
    }
}
