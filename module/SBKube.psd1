@{
    RootModule           = 'SBKube.PowerShell.dll'
    # The build writes the version from Directory.Build.props and the release notes from CHANGELOG.md.
    ModuleVersion        = '0.0.0'
    GUID                 = 'c246a843-1a63-4089-b0b1-6787032c80c4'
    Author               = 'SBKube contributors'
    CompanyName          = 'SBKube'
    Copyright            = '(c) SBKube contributors. MIT License.'
    Description          = 'Deploys Helm charts and Kubernetes manifests from a declarative config.yaml, records every deployment in a state store (SQLite by default, PostgreSQL for teams), and gives state, history, revision details, diffs, locks, pruning, metrics and rollback to any recorded revision.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    # Windows PowerShell only: netstandard2.0 assemblies need .NET Framework 4.7.2 (see the README's host table).
    DotNetFrameworkVersion = '4.7.2'
    HelpInfoURI          = 'https://github.com/sbkube/sbkube-powershell/releases/latest/download/'
    # No FormatsToProcess: the views are added when a cmdlet first runs (see FormatViews.cs).
    NestedModules        = @('SBKube.Commands.psm1')
    CmdletsToExport      = @(
        'Invoke-SbkubeApply'
        'Get-SbkubeState'
        'Get-SbkubeHistory'
        'Get-SbkubeAuditLog'
        'Get-SbkubeDeployment'
        'Compare-SbkubeRevision'
        'Invoke-SbkubeRollback'
        'Remove-SbkubeApp'
        'Repair-SbkubeState'
        'Test-SbkubeConfig'
        'Test-SbkubeDrift'
        'Lock-SbkubeNamespace'
        'Unlock-SbkubeNamespace'
        'Get-SbkubeLock'
        'Remove-SbkubeHistory'
        'Backup-SbkubeState'
        'Restore-SbkubeState'
        'Export-SbkubeState'
        'Import-SbkubeState'
        'Export-SbkubeMetrics'
        'Start-SbkubeMetricsServer'
        'Stop-SbkubeMetricsServer'
    )
    FunctionsToExport    = @('sbkube')
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Kubernetes', 'Helm', 'Deployment', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/sbkube/sbkube-powershell/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/sbkube/sbkube-powershell'
            IconUri      = 'https://raw.githubusercontent.com/sbkube/sbkube-powershell/main/docs/icon.png'
            ReleaseNotes = 'See CHANGELOG.md'
        }
    }
}
