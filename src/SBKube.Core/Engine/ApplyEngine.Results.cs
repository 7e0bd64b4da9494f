using System;
using SBKube.Core.Config;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>The results an apply reports for apps it did not change: unchanged, planned only, failed to plan, skipped.</summary>
    public sealed partial class ApplyEngine
    {
        private static AppResult Unchanged(AppResult result, PlannedApp planned, DeploymentRecord deployed)
        {
            result.Outcome = AppOutcome.Unchanged;
            result.Revision = deployed.Revision;
            result.HelmRevision = deployed.HelmRevision;
            result.Status = deployed.Status;
            result.Chart = deployed.Chart;
            result.Description = planned.Description;
            result.Record = deployed;
            return result;
        }

        /// <summary>An app whose apply failed with <paramref name="e"/>: the result says why and what to do next.</summary>
        private (string Message, string ErrorId) Fail(AppResult result, Exception e)
        {
            (string message, string errorId) = Session.Describe(e);
            result.Outcome = AppOutcome.Failed;
            result.Message = message;
            result.ErrorId = errorId;
            result.Next = (e as GuidedException)?.Next;
            return (message, errorId);
        }

        private static AppResult FailedPlan(AppResult result, PlannedApp p)
        {
            result.Outcome = AppOutcome.Failed;
            result.Message = p.Failure;
            result.ErrorId = p.FailureId;
            result.Next = p.FailureNext;
            return result;
        }

        private static AppResult Skip(AppConfig app, string reason) => new AppResult
        {
            Namespace = app.Namespace,
            App = app.Name,
            ReleaseName = app.ReleaseName,
            Operation = "apply",
            Outcome = AppOutcome.Skipped,
            Message = reason,
            ErrorId = ErrorIds.DependencySkipped,
        };
    }
}
