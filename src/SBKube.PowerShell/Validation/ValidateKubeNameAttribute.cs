using System.Management.Automation;
using SBKube.Core.Config;

namespace SBKube.PowerShell.Validation
{
    /// <summary>What a <see cref="ValidateKubeNameAttribute"/> checks.</summary>
    public enum KubeName
    {
        /// <summary>A Kubernetes namespace: a DNS-1123 label.</summary>
        Namespace,
        /// <summary>A kubeconfig context name: never starting with '-', no spaces or control characters.</summary>
        Context,
    }

    /// <summary>
    /// Refuses a name that could never name a namespace or kube context before it reaches Helm,
    /// kubectl or the state store (<c>--post-renderer=/bin/sh</c> as a context, <c>--x; rm</c> as a namespace).
    /// </summary>
    public sealed class ValidateKubeNameAttribute : ValidateArgumentsAttribute
    {
        public ValidateKubeNameAttribute(KubeName kind)
        {
            Kind = kind;
        }

        public KubeName Kind { get; }

        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            foreach (object? item in LanguagePrimitives.GetEnumerable(arguments) ?? new[] { arguments })
            {
                string value = item?.ToString() ?? "";
                if (Kind == KubeName.Context && value.Length == 0)
                {
                    continue; // Revisions recorded without a context carry an empty one, and can be piped back.
                }
                string? problem = Kind == KubeName.Namespace
                    ? (ConfigText.IsDns1123Label(value) ? null : $"'{value}' is not a namespace name: expected {ConfigText.LabelRule}.")
                    : ConfigText.ExplainKubeContext(value);
                if (problem != null)
                {
                    throw new ValidationMetadataException(problem);
                }
            }
        }
    }
}
