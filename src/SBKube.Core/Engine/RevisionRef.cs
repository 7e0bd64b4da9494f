using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>A revision as users write it: a positive number, or <c>current</c> (the deployed one).</summary>
    public sealed class RevisionRef
    {
        private RevisionRef(int? number, bool previous = false)
        {
            Number = number;
            IsPrevious = previous;
        }

        public int? Number { get; }
        public bool IsCurrent => Number == null && !IsPrevious;
        /// <summary>
        /// <c>previous</c>: the newest good revision before the deployed one, what a rollback after a bad
        /// change wants (the seed's $(previous_revision)): failed, unfinished and uninstalled revisions are
        /// skipped, and so are those that deployed what is deployed now (an earlier rollback's target).
        /// </summary>
        public bool IsPrevious { get; }

        /// <summary>A recorded revision number (already valid).</summary>
        public static RevisionRef Of(int revision) => new RevisionRef(revision);

        public static RevisionRef Parse(string? text, string parameterName)
        {
            string t = (text ?? "").Trim();
            if (string.Equals(t, "current", System.StringComparison.OrdinalIgnoreCase))
            {
                return new RevisionRef(null);
            }
            if (string.Equals(t, "previous", System.StringComparison.OrdinalIgnoreCase))
            {
                return new RevisionRef(null, previous: true);
            }
            if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0)
            {
                return new RevisionRef(n);
            }
            throw new SbkubeException(
                $"{parameterName} '{text}' is not valid: expected a revision number from 1 to {int.MaxValue}, 'current' or 'previous'.",
                ErrorIds.InvalidRevision, ErrorKind.InvalidArgument, text);
        }

        /// <summary>The record this reference names; a clear ObjectNotFound error otherwise.</summary>
        public DeploymentRecord Resolve(IDeploymentLog store, string ns, string app, string? context)
        {
            if (IsPrevious)
            {
                return ResolvePrevious(store, ns, app, context);
            }
            DeploymentRecord? record = IsCurrent
                ? store.GetDeployed(ns, app, context) ?? store.GetLatest(ns, app, context)
                : store.Get(ns, app, Number!.Value, context);
            if (record != null)
            {
                return record;
            }
            DeploymentRecord? latest = store.GetLatest(ns, app, context);
            if (latest == null)
            {
                throw AppNotFound(ns, app);
            }
            string recorded = Ranges(store.History(ns, app, context).Select(r => r.Revision));
            throw new SbkubeException(
                $"{ns}/{app} has no revision {Number}; its recorded revisions are {recorded}.",
                ErrorIds.RevisionNotFound, ErrorKind.ObjectNotFound, $"{ns}/{app}");
        }

        private static DeploymentRecord ResolvePrevious(IDeploymentLog store, string ns, string app, string? context)
        {
            DeploymentRecord deployed = store.GetDeployed(ns, app, context)
                ?? (store.GetLatest(ns, app, context) == null ? throw AppNotFound(ns, app) : throw new SbkubeException(
                    $"{ns}/{app} has no deployed revision, so it has no previous one; name a revision number.",
                    ErrorIds.RevisionNotFound, ErrorKind.ObjectNotFound, $"{ns}/{app}"));
            DeploymentRecord? previous = store.History(ns, app, context)
                .Where(r => r.Revision < deployed.Revision && r.Status == DeploymentStatus.Superseded && r.ConfigHash != deployed.ConfigHash)
                .OrderByDescending(r => r.Revision)
                .FirstOrDefault();
            return previous ?? throw new SbkubeException(
                $"{ns}/{app} has no good revision before the deployed revision {deployed.Revision} that deployed something else.",
                ErrorIds.RevisionNotFound, ErrorKind.ObjectNotFound, $"{ns}/{app}");
        }

        /// <summary>
        /// The revision recorded just before <paramref name="record"/>, if any is left, from
        /// <paramref name="history"/>: the app's revisions in the record's kube context.
        /// </summary>
        public static DeploymentRecord? Before(IEnumerable<DeploymentRecord> history, DeploymentRecord record) =>
            history
                .Where(r => r.Revision < record.Revision)
                .OrderByDescending(r => r.Revision)
                .FirstOrDefault();

        /// <summary>Ascending numbers as runs: 3-5, 8, 10-12 (pruning leaves gaps).</summary>
        internal static string Ranges(IEnumerable<int> numbers)
        {
            var parts = new List<string>();
            int? start = null, end = null;
            foreach (int n in numbers.OrderBy(n => n))
            {
                if (end.HasValue && n == end.Value + 1)
                {
                    end = n;
                    continue;
                }
                if (start.HasValue)
                {
                    parts.Add(start == end ? $"{start}" : $"{start}-{end}");
                }
                start = end = n;
            }
            if (start.HasValue)
            {
                parts.Add(start == end ? $"{start}" : $"{start}-{end}");
            }
            return string.Join(", ", parts);
        }

        public static SbkubeException AppNotFound(string ns, string app) => new SbkubeException(
            $"No app '{app}' in namespace '{ns}' is recorded in the state database.",
            ErrorIds.AppNotFound, ErrorKind.ObjectNotFound, $"{ns}/{app}", next: new NextStep(NextStepKind.ListApps));

        public override string ToString() => IsPrevious ? "previous" : IsCurrent ? "current" : Number!.Value.ToString(CultureInfo.InvariantCulture);
    }
}
