using System;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.Kubectl;
using SBKube.Core.State;
using SBKube.Core.Tools;

namespace SBKube.Core
{
    /// <summary>An engine failure named: its stable ErrorId, its kind, and what it is about.</summary>
    public sealed class ErrorClass
    {
        public ErrorClass(string errorId, ErrorKind kind, object? target)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        public string ErrorId { get; }
        public ErrorKind Kind { get; }
        public object? Target { get; }
    }

    /// <summary>
    /// The one place that names an engine exception: the engine records its ErrorId with a failed app, and the cmdlet
    /// layer makes its ErrorRecord from the same answer.
    /// </summary>
    public static class ErrorClassifier
    {
        /// <param name="target">What the failure is about when the caller knows better than the exception.</param>
        /// <returns>Null for an exception that is not an engine failure (a bug, or one the host raised).</returns>
        public static ErrorClass? Classify(Exception e, object? target = null) => e switch
        {
            ConfigException c => new ErrorClass(ErrorIds.Config(c.Code), ErrorKind.InvalidData, target ?? (c.Issues.Count > 0 ? c.Issues[0].File : null)),
            StateStoreException s => new ErrorClass(ErrorIds.StateStore(s.Kind), KindOf(s.Kind), target ?? s.Path),
            HelmException h => new ErrorClass(ErrorIds.Helm(h.Kind), KindOf(h.Kind), target),
            KubectlException => new ErrorClass(ErrorIds.KubectlFailed, ErrorKind.InvalidResult, target),
            ToolNotFoundException t => new ErrorClass(ErrorIds.ToolNotFound, ErrorKind.ObjectNotFound, t.Executable),
            ToolExitUnknownException u => new ErrorClass(ErrorIds.ToolExitUnknown, ErrorKind.InvalidResult, u.Executable),
            SbkubeException x => new ErrorClass(x.ErrorId, x.Kind, target ?? x.Target),
            _ => null,
        };

        /// <summary>helm or kubectl failed, could not be started, or its result never arrived: the cluster or a tool, not SBKube.</summary>
        public static bool IsToolFailure(Exception e) =>
            e is HelmException || e is KubectlException || e is ToolNotFoundException || e is ToolExitUnknownException;

        /// <summary>The kind of a failure known only by its ErrorId (an app's result inside a run).</summary>
        public static ErrorKind KindOf(string errorId) =>
            errorId == ErrorIds.DependencySkipped ? ErrorKind.OperationStopped
            : errorId.StartsWith(ErrorIds.HelmPrefix, StringComparison.Ordinal)
              && Enum.TryParse(errorId.Substring(ErrorIds.HelmPrefix.Length), out HelmErrorKind helm) ? KindOf(helm)
            : errorId.StartsWith(ErrorIds.StateStorePrefix, StringComparison.Ordinal)
              && Enum.TryParse(errorId.Substring(ErrorIds.StateStorePrefix.Length), out StateStoreErrorKind store) ? KindOf(store)
            : ErrorKind.InvalidResult;

        public static ErrorKind KindOf(StateStoreErrorKind kind) => kind switch
        {
            StateStoreErrorKind.NotADatabase => ErrorKind.InvalidData,
            StateStoreErrorKind.NewerSchema => ErrorKind.NotImplemented,
            StateStoreErrorKind.ReadOnly => ErrorKind.PermissionDenied,
            StateStoreErrorKind.Corrupt => ErrorKind.InvalidData,
            StateStoreErrorKind.NotFound => ErrorKind.ObjectNotFound,
            StateStoreErrorKind.Ambiguous => ErrorKind.InvalidArgument,
            StateStoreErrorKind.NotAFile => ErrorKind.InvalidArgument,
            StateStoreErrorKind.InvalidSchema => ErrorKind.InvalidData,
            _ => ErrorKind.ResourceUnavailable,
        };

        public static ErrorKind KindOf(HelmErrorKind kind) => kind switch
        {
            HelmErrorKind.ReleaseNotFound => ErrorKind.ObjectNotFound,
            HelmErrorKind.RevisionNotFound => ErrorKind.ObjectNotFound,
            HelmErrorKind.ChartNotFound => ErrorKind.ObjectNotFound,
            HelmErrorKind.RepoNotFound => ErrorKind.ObjectNotFound,
            HelmErrorKind.PendingOperation => ErrorKind.ResourceBusy,
            HelmErrorKind.Timeout => ErrorKind.OperationTimeout,
            HelmErrorKind.ClusterUnreachable => ErrorKind.ConnectionError,
            HelmErrorKind.InvalidArgument => ErrorKind.InvalidArgument,
            HelmErrorKind.AuthenticationFailed => ErrorKind.AuthenticationError,
            HelmErrorKind.RepoUnreachable => ErrorKind.ConnectionError,
            HelmErrorKind.TlsFailure => ErrorKind.SecurityError,
            HelmErrorKind.InvalidChart => ErrorKind.InvalidData,
            HelmErrorKind.InvalidValues => ErrorKind.InvalidData,
            HelmErrorKind.ReleaseNameInUse => ErrorKind.ResourceExists,
            HelmErrorKind.FieldConflict => ErrorKind.WriteError,
            HelmErrorKind.Forbidden => ErrorKind.PermissionDenied,
            _ => ErrorKind.InvalidResult,
        };
    }
}
