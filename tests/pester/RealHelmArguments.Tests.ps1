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
    wait_for_jobs: true
    take_ownership: true
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
        ($up -join "`n") | Should -Match 'helm: .* upgrade --install --namespace args-demo --create-namespace --version 17\.13\.2 --values - --wait --wait-for-jobs --take-ownership --timeout 30s'
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

Describe 'Helm 4''s own options: wait strategies, server-side apply, force conflicts' {
    BeforeAll {
        $s = New-SbkubeSandbox -Helm 4
        function Set-Options([string] $Lines) {
            Set-Content (Join-Path $s.Example 'config.yaml') ("namespace: h4-demo`napps:`n  redis:`n    chart: bitnami/redis`n    version: 17.13.2`n" +
                "    values: [redis.yaml]`n    timeout: 30s`n" + $Lines)
        }
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'installs, upgrades and rolls back with each, as Helm 4 takes them (--wait=STRATEGY, --server-side=...)' {
        Set-Options "    wait: legacy`n    server_side: true`n    force_conflicts: true`n"
        $install = Invoke-Step { Invoke-SbkubeApply -Path $s.Example -Verbose -ErrorAction Stop }
        Get-Outcome $install | Should -Be 'Installed'
        ($install -join "`n") | Should -Match 'upgrade --install .* --wait=legacy --server-side=true --force-conflicts '
        Set-Options "    wait: watcher`n    server_side: false`n"
        $upgrade = Invoke-Step { Invoke-SbkubeApply -Path $s.Example -Verbose -ErrorAction Stop }
        Get-Outcome $upgrade | Should -Be 'Upgraded'
        ($upgrade -join "`n") | Should -Match 'upgrade --install .* --wait=watcher --server-side=false '
        $rollback = Invoke-Step { Invoke-SbkubeRollback -Namespace h4-demo -App redis -Revision 1 -Confirm:$false -Verbose -ErrorAction Stop }
        Get-Outcome $rollback | Should -Be 'RolledBack'
        ($rollback -join "`n") | Should -Match 'helm: .* rollback .*--wait=legacy --server-side=true --force-conflicts'
        (Get-RealHelmHistory h4-demo redis)[-1].status | Should -Be 'deployed'
    }

    It 'refuses a value it does not know, naming the file, the key and the values it takes' {
        Set-Options "    wait: sometimes`n"
        $e = { Invoke-SbkubeApply -Path $s.Example -ErrorAction Stop } | Should -Throw -PassThru
        "$e" | Should -Match "'wait' .*must be true, false, watcher, legacy or hookOnly, got 'sometimes'"
        "$e" | Should -Match 'config\.yaml'
    }
}

Describe 'Helm 4''s own options on Helm 3' {
    BeforeAll { $s = New-SbkubeSandbox -Helm 3 }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'are refused before helm is asked to change anything, naming each option and the Helm, in the plan too' {
        Add-Content (Join-Path $s.Example 'config.yaml') "    wait: legacy`n    server_side: true"
        $plan = Invoke-SbkubeApply -Path $s.Example -WhatIf
        $plan.Action | Should -Be 'Fail'
        $errs = $null
        $r = Invoke-SbkubeApply -Path $s.Example -ErrorAction SilentlyContinue -ErrorVariable errs
        $r.Outcome | Should -Be 'Failed'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'HelmOptionUnsupported*'
        "$($errs[0])" | Should -Match 'wait: legacy, server_side: true needs Helm 4, and the helm here \(.*\) is Helm 3'
        @(Get-HelmCall -Command upgrade) | Should -BeNullOrEmpty
        @(Get-SbkubeState) | Should -BeNullOrEmpty
    }
}
