using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using SBKube.Core.State;
using SBKube.PowerShell;

namespace SBKube.PowerShell.Tests
{
    /// <summary>The outcome of one script run in the hosted PowerShell.</summary>
    public sealed class PsResult
    {
        public PsResult(IReadOnlyList<PSObject> output, IReadOnlyList<ErrorRecord> errors)
        {
            Output = output;
            Errors = errors;
        }

        public IReadOnlyList<PSObject> Output { get; }

        /// <summary>Non-terminating errors and, last, the terminating one if any.</summary>
        public IReadOnlyList<ErrorRecord> Errors { get; }

        public override string ToString() =>
            $"{Output.Count} object(s); errors: " + string.Join(" | ", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception?.Message));
    }

    /// <summary>
    /// In-process PowerShell with every SBKube cmdlet registered from the SBKube.PowerShell assembly,
    /// and a private folder holding a state DB that tests fill directly through <see cref="StateStore"/>.
    /// </summary>
    public sealed class PsHost : IDisposable
    {
        private readonly Runspace _runspace;

        /// <param name="host">Answers prompts (-Confirm); without one, a prompt is an error.</param>
        public PsHost(PSHost? host = null)
        {
            HostForTests = host;
            Dir = Path.Combine(Path.GetTempPath(), "sbkube-ps-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Dir);
            StatePath = Path.Combine(Dir, "state.db");

            InitialSessionState iss = InitialSessionState.CreateDefault2();
            foreach (Type t in Cmdlets)
            {
                var attr = (CmdletAttribute)Attribute.GetCustomAttribute(t, typeof(CmdletAttribute))!;
                iss.Commands.Add(new SessionStateCmdletEntry(attr.VerbName + "-" + attr.NounName, t, null));
            }
            _runspace = host == null ? RunspaceFactory.CreateRunspace(iss) : RunspaceFactory.CreateRunspace(host, iss);
            _runspace.Open();
            _runspace.SessionStateProxy.SetVariable("StatePath", StatePath);
        }

        /// <summary>Every public cmdlet class of SBKube.PowerShell.</summary>
        public static IReadOnlyList<Type> Cmdlets { get; } = typeof(SbkubeCmdlet).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && typeof(Cmdlet).IsAssignableFrom(t)
                        && Attribute.IsDefined(t, typeof(CmdletAttribute)))
            .ToList();

        public string Dir { get; }

        /// <summary>The host given to the constructor, if any.</summary>
        public PSHost? HostForTests { get; }

        /// <summary>Also available to scripts as <c>$StatePath</c>.</summary>
        public string StatePath { get; }

        public StateStore Store() => StateStore.Open(StatePath);

        /// <summary>A pipeline on this host's runspace, for tests that start it asynchronously and stop it.</summary>
        public System.Management.Automation.PowerShell NewPipeline(string script)
        {
            var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript(script);
            return ps;
        }

        /// <summary>Runs <paramref name="script"/>; a terminating error ends up last in <see cref="PsResult.Errors"/>.</summary>
        public PsResult Run(string script)
        {
            using System.Management.Automation.PowerShell ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript(script);
            var output = new List<PSObject>();
            var errors = new List<ErrorRecord>();
            try
            {
                Collection<PSObject> result = ps.Invoke();
                output.AddRange(result.Where(o => o != null));
            }
            catch (RuntimeException e)
            {
                errors.AddRange(ps.Streams.Error);
                errors.Add(e.ErrorRecord);
                return new PsResult(output, errors);
            }
            errors.AddRange(ps.Streams.Error);
            return new PsResult(output, errors);
        }

        public void Dispose()
        {
            _runspace.Dispose();
            try
            {
                Directory.Delete(Dir, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
