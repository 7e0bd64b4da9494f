# Every argument list SBKube builds, accepted by the real Helm 4 and 3 binaries: each config option and
# cmdlet switch that reaches helm is used at least once here, and a run fails on the words Helm uses for an
# argument it does not take.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/SeedHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force

    $script:Refused = 'unknown flag|unknown shorthand|accepts \d+ arg|invalid argument|requires \d+ arg|flag needs an argument'

    # Runs a step (its cmdlet with -Verbose -ErrorAction Stop, so every helm command line is logged and any
    # error ends the test) and returns what it wrote; fails on any sign that helm refused its arguments.
    function Invoke-Step([scriptblock] $Step) {
        $out = @(& $Step 4>&1)
        ($out | Out-String) | Should -Not -Match $script:Refused
        $out
    }
    function Get-Outcome([object[]] $Output) { ($Output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Outcome }
}

Describe 'Every helm argument list SBKube builds, on real Helm <Helm>' -ForEach @(@{ Helm = 4 }, @{ Helm = 3 }) {
    BeforeAll {
        $s = New-SbkubeSandbox -Helm $Helm
        # Every option of a helm app that becomes a helm argument, and a repository with credentials.
        Set-Content (Join-Path $s.Example 'sources.yaml') "helm_repos:`n  bitnami:`n    url: $($s.Cluster.Url)/auth/charts/bitnami`n    username: chartuser`n    password: chart-pass`n"
        Set-Content (Join-Path $s.Example 'config.yaml') @"
namespace: args-demo
apps:
  redis:
    type: helm
    chart: bitnami/redis
    version: 17.13.2
    values: [redis.yaml]
    set: {master.count: 1}
    release_name: cache
    wait: true
    timeout: 30s
    atomic: true
    create_namespace: true
    history_max: 3
"@
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'install, an unchanged apply, a described and a forced upgrade' {
        Get-Outcome (Invoke-Step { Invoke-SbkubeApply -Path $s.Example -Verbose -ErrorAction Stop }) | Should -Be 'Installed'
        Get-Outcome (Invoke-Step { Invoke-SbkubeApply -Path $s.Example -Verbose -ErrorAction Stop }) | Should -Be 'Unchanged'
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        $up = Invoke-Step { Invoke-SbkubeApply -Path $s.Example -Description 'new password' -Verbose -ErrorAction Stop }
        Get-Outcome $up | Should -Be 'Upgraded'
        ($up -join "`n") | Should -Match 'helm: .* upgrade --install --namespace args-demo --create-namespace --version 17\.13\.2 --values - --wait --timeout 30s'
        Get-Outcome (Invoke-Step { Invoke-SbkubeApply -Path $s.Example -Force -Verbose -ErrorAction Stop }) | Should -Be 'Upgraded'
        (Get-RealHelmHistory args-demo cache)[-1].status | Should -Be 'deployed'
    }

    It 'a rollback with helm rollback, a forced one, and one past Helm''s history (a redeploy)' {
        Get-Outcome (Invoke-Step { Invoke-SbkubeRollback -Namespace args-demo -App redis -Revision 1 -Confirm:$false -Verbose -ErrorAction Stop }) |
            Should -Be 'RolledBack'
        Get-Outcome (Invoke-Step { Invoke-SbkubeRollback -Namespace args-demo -App redis -Revision 2 -Force -Reason 'check' -Confirm:$false -Verbose -ErrorAction Stop }) |
            Should -Be 'RolledBack'
        # history_max 3: Helm has forgotten revision 1 by now, so this rollback redeploys its snapshot.
        (Get-RealHelmHistory args-demo cache).revision | Should -Not -Contain 1
        Get-Outcome (Invoke-Step { Invoke-SbkubeRollback -Namespace args-demo -App redis -Revision 1 -Confirm:$false -Verbose -ErrorAction Stop }) |
            Should -Be 'RolledBack'
        (Get-RealHelmHistory args-demo cache)[-1].status | Should -Be 'deployed'
    }

    It 'drift, repair and delete' {
        Invoke-Step { Test-SbkubeDrift -Namespace args-demo -Verbose -ErrorAction Stop } | Out-Null
        Invoke-Step { Repair-SbkubeState -Namespace args-demo -Confirm:$false -Verbose -ErrorAction Stop } | Out-Null
        Get-Outcome (Invoke-Step { Remove-SbkubeApp -Namespace args-demo -App redis -PassThru -Confirm:$false -Verbose -ErrorAction Stop }) |
            Should -Be 'Uninstalled'
        # Uninstalled with its history kept, as SBKube asks.
        (Get-RealHelmHistory args-demo cache)[-1].status | Should -Be 'uninstalled'
    }
}
