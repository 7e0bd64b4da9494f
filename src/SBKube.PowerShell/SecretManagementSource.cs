using System;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Security;
using SBKube.Core.Config;

namespace SBKube.PowerShell
{
    /// <summary>
    /// Reads <c>{secret: NAME, vault: VAULT}</c> credentials of sources.yaml with SecretManagement's Get-Secret, in
    /// the caller's runspace (the config is loaded on the pipeline thread), so the vaults the user registered are
    /// the ones asked.
    /// </summary>
    internal sealed class SecretManagementSource : ISecretSource
    {
        private readonly PSCmdlet _cmdlet;

        public SecretManagementSource(PSCmdlet cmdlet) => _cmdlet = cmdlet;

        public string Get(string name, string? vault)
        {
            CommandInfo? getSecret = _cmdlet.InvokeCommand.GetCommand("Get-Secret", CommandTypes.Cmdlet | CommandTypes.Function);
            if (getSecret == null)
            {
                throw new InvalidOperationException(
                    "Get-Secret is not available here: install the Microsoft.PowerShell.SecretManagement module and register a vault (Register-SecretVault).");
            }
            using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddCommand(getSecret).AddParameter("Name", name).AddParameter("AsPlainText");
            if (vault != null)
            {
                ps.AddParameter("Vault", vault);
            }
            Collection<PSObject> found;
            try
            {
                found = ps.Invoke();
            }
            catch (RuntimeException e)
            {
                throw new InvalidOperationException(e.Message, e);
            }
            if (ps.Streams.Error.Count > 0)
            {
                throw new InvalidOperationException(ps.Streams.Error[0].ToString());
            }
            return (found.Count == 1 ? found[0]?.BaseObject : null) switch
            {
                string text => text,
                SecureString secure => new NetworkCredential("", secure).Password,
                PSCredential credential => credential.GetNetworkCredential().Password,
                _ => throw new InvalidOperationException(found.Count == 0
                    ? "Get-Secret gave nothing."
                    : "Get-Secret gave something other than one string, SecureString or PSCredential."),
            };
        }
    }
}
