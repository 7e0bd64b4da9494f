using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace SBKube.PowerShell.Tests
{
    /// <summary>
    /// A host whose user answers every confirmation prompt with the same choice (by its hotkey, e.g.
    /// "A" for Yes to All, "L" for No to All), so -Confirm can be tested in-process. Records the prompts.
    /// </summary>
    public sealed class AnsweringHost : PSHost
    {
        private readonly AnsweringUI _ui;

        public AnsweringHost(string hotkey) => _ui = new AnsweringUI(hotkey);

        /// <summary>The captions of the prompts shown, in order.</summary>
        public IReadOnlyList<string> Prompts => _ui.Prompts;

        public override string Name => "SBKube test host";
        public override Version Version { get; } = new Version(1, 0);
        public override Guid InstanceId { get; } = Guid.NewGuid();
        public override PSHostUserInterface UI => _ui;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override void SetShouldExit(int exitCode) { }
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }

        private sealed class AnsweringUI : PSHostUserInterface
        {
            private readonly string _hotkey;

            internal AnsweringUI(string hotkey) => _hotkey = hotkey;

            internal List<string> Prompts { get; } = new List<string>();

            public override PSHostRawUserInterface? RawUI => null;

            public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
            {
                lock (Prompts)
                {
                    Prompts.Add(message);
                }
                for (int i = 0; i < choices.Count; i++)
                {
                    string label = choices[i].Label;
                    int amp = label.IndexOf('&');
                    if (amp >= 0 && amp + 1 < label.Length && string.Equals(label.Substring(amp + 1, 1), _hotkey, StringComparison.OrdinalIgnoreCase))
                    {
                        return i;
                    }
                }
                throw new InvalidOperationException($"No choice with hotkey '{_hotkey}' in: {string.Join(", ", choices.Select(c => c.Label))}");
            }

            public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
                throw new NotSupportedException();
            public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
                throw new NotSupportedException();
            public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
                PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
            public override string ReadLine() => throw new NotSupportedException();
            public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();
            public override void Write(string value) { }
            public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
            public override void WriteLine(string value) { }
            public override void WriteErrorLine(string value) { }
            public override void WriteDebugLine(string message) { }
            public override void WriteProgress(long sourceId, ProgressRecord record) { }
            public override void WriteVerboseLine(string message) { }
            public override void WriteWarningLine(string message) { }
        }
    }
}
