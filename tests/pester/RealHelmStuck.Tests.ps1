# Issue 25: a helm SIGKILLed after it stored a pending revision leaves a real stuck release ("another operation
# (install/upgrade/rollback) is in progress"). Repair-SbkubeState recovers it as Helm's maintainers advise, and
# leaves it alone while the run that wrote it lives. Real Helm 4 and 3 against the Kubernetes API stand-in, whose
# slow writes keep helm mid-change long enough to be killed there.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force

    function Get-HelmStatus { @(Get-RealHelmHistory state-demo redis)[-1].status }

    <# Starts an apply in a background pwsh and waits until Helm has stored its pending revision. #>
    function Start-SlowApply([string] $Pending) {
        Set-ClusterFault $s @{ slow_writes_ms = 4000 }
        $p = Start-BackgroundPwsh "Import-Module '$(Get-TestModulePath)'; Invoke-SbkubeApply -Path '$($s.Example)'"
        Wait-Until { (Get-HelmStatus) -eq $Pending } -Process $p -TimeoutSeconds 90
        $p
    }
}

Describe 'A release stuck pending after a killed helm, on real Helm <Helm>' -ForEach @(@{ Helm = 4 }, @{ Helm = 3 }) {
    BeforeEach { $s = New-SbkubeSandbox -Helm $Helm }
    AfterEach {
        if ($p -and -not $p.HasExited) { Stop-ProcessTree $p.Id -WithChildren }
        Remove-SbkubeSandbox $s
    }

    It 'an upgrade: left alone while its run lives; once run and helm are killed, rolled back to the deployed revision and recorded as "recover"' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-Content (Join-Path $s.Example 'values/redis.yaml') "architecture: standalone`nauth:`n  password: state-demo-v9`n"
        $p = Start-SlowApply 'pending-upgrade'

        $warnings = $null
        @(Repair-SbkubeState -Namespace state-demo -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue) | Should -BeNullOrEmpty
        ($warnings -join "`n") | Should -Match 'stuck in pending-upgrade .* left alone: an SBKube run holds lock'
        Get-HelmStatus | Should -Be 'pending-upgrade'

        Stop-ProcessTree $p.Id -WithChildren
        Set-ClusterFault $s $null
        Get-HelmStatus | Should -Be 'pending-upgrade' -Because 'the killed helm left its revision pending'
        $e = { Invoke-SbkubeApply -Path $s.Example -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.PendingOperation*'
        "$e" | Should -Match 'Repair-SbkubeState -Namespace state-demo -App redis recovers it'

        $done = @(Repair-SbkubeState -Namespace state-demo -Confirm:$false -WarningAction SilentlyContinue)
        $done[-1].Status | Should -Be 'deployed'
        $done[-1].Description | Should -Be 'Recovered from pending-upgrade (Helm revision 2): roll back to Helm revision 1'
        $history = @(Get-RealHelmHistory state-demo redis)
        $history[-1].status | Should -Be 'deployed'
        $done[-1].HelmRevision | Should -Be $history[-1].revision
        Invoke-StateSql "SELECT COUNT(*) FROM deployment_history WHERE action = 'recover';" | Should -Be '1'
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Upgraded'
    }

    It 'a first install: uninstalled keeping its history, recorded as "recover"; the next apply installs it' {
        $p = Start-SlowApply 'pending-install'
        Stop-ProcessTree $p.Id -WithChildren
        Set-ClusterFault $s $null

        $done = @(Repair-SbkubeState -Namespace state-demo -Confirm:$false -WarningAction SilentlyContinue)
        $done[-1].Status | Should -Be 'uninstalled'
        $done[-1].Description | Should -Match '^Recovered from pending-install \(Helm revision 1\): uninstall it, keeping its history'
        Get-HelmStatus | Should -Be 'uninstalled'
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Installed'
        Get-HelmStatus | Should -Be 'deployed'
    }
}
