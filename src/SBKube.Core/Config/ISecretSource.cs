namespace SBKube.Core.Config
{
    /// <summary>
    /// Where a <c>{secret: NAME, vault: VAULT}</c> credential in sources.yaml is read from. The engine knows no
    /// vault: the PowerShell module gives one that asks SecretManagement's Get-Secret.
    /// </summary>
    public interface ISecretSource
    {
        /// <summary>The secret's value as text.</summary>
        /// <exception cref="System.Exception">It cannot be read; the message says why.</exception>
        string Get(string name, string? vault);
    }
}
