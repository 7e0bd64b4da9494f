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
            (string message, string errorId) = _session.Describe(e);
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

        /// <summary>A plan entry as a result, for -WhatIf: nothing recorded.</summary>
        private static AppResult PlannedResult(PlannedApp p)
        {
            var result = new AppResult
            {
                Namespace = p.Namespace, App = p.Name, ReleaseName = p.App.ReleaseName, Operation = "apply",
                Description = p.Description, Chart = p.Snapshot != null ? ChartLabel(p.Snapshot) : null,
            };
            switch (p.Action)
            {
                case PlannedAction.Unchanged:
                    result.Outcome = AppOutcome.Unchanged;
                    result.Revision = p.Deployed!.Revision;
                    result.HelmRevision = p.Deployed.HelmRevision;
                    result.Status = p.Deployed.Status;
                    result.Chart = p.Deployed.Chart;
                    result.Record = p.Deployed;
                    break;
                case PlannedAction.Fail:
                    FailedPlan(result, p);
                    break;
                default:
                    result.Outcome = AppOutcome.Planned;
                    result.Message = p.Message;
                    break;
            }
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
