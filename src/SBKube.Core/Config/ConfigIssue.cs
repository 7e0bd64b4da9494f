using System;
using System.Collections.Generic;
using System.Linq;

namespace SBKube.Core.Config
{
    /// <summary>Stable identifiers of configuration problems (<see cref="ConfigIssue.Code"/>).</summary>
    public static class ConfigIssueCodes
    {
        public const string UnknownKey = "UnknownKey";
        public const string WrongType = "WrongType";
        public const string InvalidName = "InvalidName";
        public const string ReleaseNameTooLong = "ReleaseNameTooLong";
        public const string MissingFile = "MissingFile";
        public const string UnknownRepo = "UnknownRepo";
        public const string DuplicateRelease = "DuplicateRelease";
        public const string UnknownDependency = "UnknownDependency";
        public const string DisabledDependency = "DisabledDependency";
        public const string DependencyCycle = "DependencyCycle";
        public const string MalformedYaml = "MalformedYaml";
        public const string DuplicateKey = "DuplicateKey";
        public const string PathOutsideProject = "PathOutsideProject";
        public const string InvalidDuration = "InvalidDuration";
        public const string TooLarge = "TooLarge";
        public const string TooDeep = "TooDeep";
        public const string TooManyNodes = "TooManyNodes";
        public const string MissingField = "MissingField";
        public const string InvalidValue = "InvalidValue";
        /// <summary>A credential reference (an environment variable, a vault secret) that gives no value.</summary>
        public const string UnresolvedSecret = "UnresolvedSecret";
    }

    /// <summary>One configuration problem, positioned in its file.</summary>
    public sealed class ConfigIssue
    {
        public ConfigIssue(string file, int line, int column, string code, string message, string? value = null, string? expected = null)
        {
            File = file;
            Line = line;
            Column = column;
            Code = code;
            Message = message;
            Value = value;
            Expected = expected;
        }

        /// <summary>Absolute path of the file the problem is in.</summary>
        public string File { get; }

        /// <summary>1-based line; 0 when the problem is about the file as a whole.</summary>
        public int Line { get; }

        /// <summary>1-based column; 0 when the problem is about the file as a whole.</summary>
        public int Column { get; }

        /// <summary>Stable identifier, one of <see cref="ConfigIssueCodes"/>.</summary>
        public string Code { get; }

        public string Message { get; }

        /// <summary>The offending value as written (never a credential).</summary>
        public string? Value { get; }

        /// <summary>What was expected instead.</summary>
        public string? Expected { get; }

        public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
    }

    /// <summary>Thrown when a configuration has problems; carries all of them.</summary>
    public sealed class ConfigException : Exception
    {
        public ConfigException(IEnumerable<ConfigIssue> issues)
            : this(issues.ToList())
        {
        }

        private ConfigException(List<ConfigIssue> issues)
            : base(issues.Count == 0 ? "Invalid configuration." : string.Join(Environment.NewLine, issues.Select(i => i.ToString())))
        {
            Issues = issues;
        }

        public IReadOnlyList<ConfigIssue> Issues { get; }

        /// <summary>The stable code of the first issue (handy for error ids).</summary>
        public string Code => Issues.Count > 0 ? Issues[0].Code : ConfigIssueCodes.InvalidValue;
    }
}
