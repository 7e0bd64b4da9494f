using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace SBKube.Core.Helm
{
    /// <summary>One entry of <c>helm history -o json</c>.</summary>
    public sealed class HelmHistoryEntry
    {
        public int Revision { get; set; }
        public DateTime? Updated { get; set; }
        public string Status { get; set; } = "";
        public string Chart { get; set; } = "";
        public string? AppVersion { get; set; }
        public string? Description { get; set; }
    }

    /// <summary>One entry of <c>helm list -o json</c> (revision arrives as a string).</summary>
    public sealed class HelmListEntry
    {
        public string Name { get; set; } = "";
        public string Namespace { get; set; } = "";
        public int Revision { get; set; }
        public string? Updated { get; set; }
        public string Status { get; set; } = "";
        public string Chart { get; set; } = "";
        public string? AppVersion { get; set; }
    }

    /// <summary>The release object of <c>upgrade -o json</c> / <c>status -o json</c>.</summary>
    public sealed class HelmRelease
    {
        public string Name { get; set; } = "";
        public string Namespace { get; set; } = "";
        public int Version { get; set; }
        public string Status { get; set; } = "";
        public string? Description { get; set; }
        public DateTime? LastDeployed { get; set; }
        public string? ChartName { get; set; }
        public string? ChartVersion { get; set; }
        public string? AppVersion { get; set; }
        public JsonObject? Config { get; set; }
    }

    public sealed class HelmRepoEntry
    {
        public string Name { get; set; } = "";
        public string Url { get; set; } = "";
    }

    /// <summary>A chart repository for helm repo add.</summary>
    public sealed class HelmRepoAdd
    {
        public string Name { get; set; } = "";
        public string Url { get; set; } = "";
        public string? Username { get; set; }
        /// <summary>Handed to helm on standard input, never in its arguments.</summary>
        public string? Password { get; set; }
        /// <summary>Replace a repository of that name helm already has.</summary>
        public bool ForceUpdate { get; set; }
        public bool PassCredentials { get; set; }
        /// <summary>TLS: skip verification, or trust a CA bundle / present a client certificate; null for Helm's defaults.</summary>
        public State.ChartAccess? Access { get; set; }
    }

    /// <summary>What <c>helm upgrade --install</c> is asked to do.</summary>
    public sealed class HelmUpgradeRequest
    {
        public string Release { get; set; } = "";
        public string Chart { get; set; } = "";
        public string Namespace { get; set; } = "default";
        public string? Version { get; set; }
        /// <summary>The values document, handed to Helm on standard input (<c>--values -</c>), never through a file.</summary>
        public string? Values { get; set; }
        public bool Wait { get; set; }
        public string? Timeout { get; set; }
        public bool Atomic { get; set; }
        public bool CreateNamespace { get; set; } = true;
        public int? HistoryMax { get; set; }
        public string? Description { get; set; }
        /// <summary>How the chart's registry is reached; null for Helm's defaults.</summary>
        public State.ChartAccess? Access { get; set; }
        /// <summary>How Helm applies the objects and waits for them (wait strategy, server-side apply, ...).</summary>
        public HelmApplyOptions Apply { get; set; } = new HelmApplyOptions();
    }

    /// <summary>What <c>helm rollback</c> is asked to do: the wait, timeout, history limit and options of the revision returned to.</summary>
    public sealed class HelmRollbackRequest
    {
        public string Release { get; set; } = "";
        public string Namespace { get; set; } = "default";
        /// <summary>Helm's revision to return to.</summary>
        public int Revision { get; set; }
        public bool Wait { get; set; }
        public string? Timeout { get; set; }
        public int? HistoryMax { get; set; }
        public HelmApplyOptions Apply { get; set; } = new HelmApplyOptions();
    }
}
