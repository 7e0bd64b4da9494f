using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SBKube.Core.State;

namespace SBKube.PowerShell.Completion
{
    /// <summary>Completes -Namespace, -App and -Revision from the state DB, narrowed by what is already bound.</summary>
    public abstract class StateCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string word = (wordToComplete ?? "").Trim('\'', '"');
            IEnumerable<string> candidates;
            try
            {
                StateLocation location = StateLocation.Resolve(
                    fakeBoundParameters["StatePath"] is string bound ? System.IO.Path.GetFullPath(bound) : null,
                    fakeBoundParameters["StateConnection"] as string);
                // Completing must never create a database file or schema: a missing store is NotFound.
                candidates = Candidates(StateStore.OpenExisting(location), fakeBoundParameters);
            }
            catch (Exception e) when (e is StateStoreException || e is System.IO.IOException || e is UnauthorizedAccessException)
            {
                return Array.Empty<CompletionResult>();
            }
            return candidates
                .Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                .Distinct()
                .Select(c => new CompletionResult(Quote(c), c, CompletionResultType.ParameterValue, c));
        }

        protected abstract IEnumerable<string> Candidates(IStateStore store, IDictionary bound);

        protected static string? Bound(IDictionary bound, string name) => bound[name] switch
        {
            string s => s,
            string[] a when a.Length > 0 => a[0],
            _ => null,
        };

        private static string Quote(string s) => s.Any(c => char.IsWhiteSpace(c) || c == '\'' || c == '$' || c == ';') ? "'" + s.Replace("'", "''") + "'" : s;
    }

    public sealed class NamespaceCompleter : StateCompleter
    {
        protected override IEnumerable<string> Candidates(IStateStore store, IDictionary bound) =>
            store.Apps().Select(a => a.Namespace).OrderBy(n => n, StringComparer.Ordinal);
    }

    public sealed class AppCompleter : StateCompleter
    {
        protected override IEnumerable<string> Candidates(IStateStore store, IDictionary bound)
        {
            string? ns = Bound(bound, "Namespace");
            return store.Apps().Where(a => ns == null || a.Namespace == ns).Select(a => a.App).OrderBy(a => a, StringComparer.Ordinal);
        }
    }

    public sealed class RevisionCompleter : StateCompleter
    {
        protected override IEnumerable<string> Candidates(IStateStore store, IDictionary bound)
        {
            string? ns = Bound(bound, "Namespace");
            string? app = Bound(bound, "App");
            if (ns == null || app == null)
            {
                return new[] { "current", "previous" };
            }
            return store.History(ns, app).OrderByDescending(r => r.Revision)
                .Select(r => r.Revision.ToString(CultureInfo.InvariantCulture))
                .Concat(new[] { "current", "previous" });
        }
    }

    /// <summary>-KubeContext: the contexts recorded in the state (an empty one is the kubeconfig's current context).</summary>
    public sealed class KubeContextCompleter : StateCompleter
    {
        protected override IEnumerable<string> Candidates(IStateStore store, IDictionary bound)
        {
            string? ns = Bound(bound, "Namespace");
            return store.Apps().Where(a => a.Context.Length > 0 && (ns == null || a.Namespace == ns)).Select(a => a.Context)
                .OrderBy(c => c, StringComparer.Ordinal);
        }
    }

    /// <summary>-LockId: the locks and freezes held now.</summary>
    public sealed class LockIdCompleter : StateCompleter
    {
        protected override IEnumerable<string> Candidates(IStateStore store, IDictionary bound) =>
            store.Locks().Select(l => l.LockId);
    }
}
