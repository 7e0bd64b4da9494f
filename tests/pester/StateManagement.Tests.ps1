# The seed's sections 2-4 end to end: history, show, compare, rollback, delete, and its SQL.
# Also runs on: postgres, helm3
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force

    function Set-RedisPassword([string] $Example, [string] $From, [string] $To) {
        $values = Join-Path $Example 'values/redis.yaml'
        (Get-Content $values -Raw).Replace($From, $To) | Set-Content $values -NoNewline
    }
    function Set-RedisVersion([string] $Example, [string] $From, [string] $To) {
        $config = Join-Path $Example 'config.yaml'
        (Get-Content $config -Raw).Replace("version: $From", "version: $To") | Set-Content $config -NoNewline
    }
}

Describe 'Seed scenarios 1-4' {
    BeforeAll {
        $s = New-SbkubeSandbox
        # Helm waits for the workloads, briefly: scenario 3's upgrade times out for real.
        Add-Content (Join-Path $s.Example 'config.yaml') "    wait: true`n    timeout: 4s"
        # Scenario 1: deploy and look at the state.
        $r1 = Invoke-SbkubeApply -Path $s.Example
        $state1 = @(Get-SbkubeState)
        # Scenario 2: password v1 -> v2.
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        $r2 = Invoke-SbkubeApply -Path $s.Example
        # Scenario 3: chart 17.13.2 -> 18.0.0 with --force, and the upgrade fails in the cluster.
        Set-RedisVersion $s.Example '17.13.2' '18.0.0'
        Set-ClusterFault $s @{ never_ready = @('redis-master') }
        $r3 = Invoke-SbkubeApply -Path $s.Example -Force -ErrorVariable err3 -ErrorAction SilentlyContinue
        Set-ClusterFault $s $null
        # Scenario 4: roll back to revision 2.
        $r4 = Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 2
        $history = @(Get-SbkubeHistory -Namespace state-demo -App redis)
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'scenario 1: one deployed row' {
        $r1.Outcome | Should -Be 'Installed'
        $state1.Count | Should -Be 1
        $state1[0].Status | Should -Be 'deployed'
        $history[0].Description | Should -Be 'Initial deployment'
    }

    It 'scenario 2: revision 2 "Updated values"' {
        $r2.Revision | Should -Be 2
        $history[1].Description | Should -Be 'Updated values'
        $history[1].Chart | Should -Be 'redis-17.13.2'
    }

    It 'scenario 3: revision 3 with chart redis-18.0.0 failed, revision 2 stayed deployed until the rollback' {
        $r3.Outcome | Should -Be 'Failed'
        $err3[0].FullyQualifiedErrorId | Should -BeLike 'Helm.Timeout*'
        $history[2].Revision | Should -Be 3
        $history[2].Chart | Should -Be 'redis-18.0.0'
        $history[2].Status | Should -Be 'failed'
        $history[2].Description | Should -Match '^Upgraded chart 17\.13\.2 → 18\.0\.0 \(FAILED: '
        # Revision 2 was the deployed one until the rollback superseded it.
        (Get-SbkubeHistory -Namespace state-demo -App redis | Where-Object Revision -eq 2).Status | Should -Be 'superseded'
        # -Force fetched the chart index again; it is never Helm's resource-replacing --force.
        @(Get-HelmCall -Command upgrade | Where-Object { $_.argv -contains '--force' }).Count | Should -Be 0
        @(Get-HelmCall -Command repo | Where-Object { $_.argv[1] -eq 'update' }).Count | Should -BeGreaterOrEqual 1
    }

    It 'scenario 4: revision 4 redis-17.13.2 "Rollback to revision 2", deployed, with a rollback history row' {
        $r4.Outcome | Should -Be 'RolledBack'
        $history.Count | Should -Be 4
        $history[3].Revision | Should -Be 4
        $history[3].Chart | Should -Be 'redis-17.13.2'
        $history[3].Description | Should -Be 'Rollback to revision 2'
        $history[3].Status | Should -Be 'deployed'
        @($history | Where-Object Status -eq 'deployed').Count | Should -Be 1
        Invoke-StateSql "SELECT COUNT(*) FROM deployment_history WHERE action = 'rollback';" | Should -Be 1
        # Helm still had revision 2, so SBKube used helm rollback.
        @(Get-HelmCall -Command rollback).Count | Should -Be 1
        (Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 4 -ShowSecrets).Values.auth.password | Should -Be 'state-demo-v2'
    }

    It 'history table has the seed columns REVISION DEPLOYED AT STATUS CHART DESCRIPTION' {
        $text = Get-SbkubeHistory -Namespace state-demo -App redis | Format-Table | Out-String -Width 250
        $header = ($text -split "`n" | Where-Object { $_ -match 'REVISION' } | Select-Object -First 1) -replace '\s+', ' '
        $header.Trim() | Should -Be 'REVISION DEPLOYED AT STATUS CHART DESCRIPTION'
        $text | Should -Match 'Rollback to revision 2'
    }

    It '-Limit keeps the newest N, oldest first' {
        $last = @(Get-SbkubeHistory -Namespace state-demo -App redis -Limit 2)
        $last.Revision | Should -Be @(3, 4)
    }

    It '-Since filters by deployment time' {
        @(Get-SbkubeHistory -Namespace state-demo -App redis -Since (Get-Date).AddDays(1)).Count | Should -Be 0
        @(Get-SbkubeHistory -Namespace state-demo -App redis -Since '2025-10-24').Count | Should -Be 4
    }

    It 'an unknown app is a clear ObjectNotFound error' {
        { Get-SbkubeHistory -Namespace state-demo -App nope -ErrorAction Stop } | Should -Throw -ErrorId 'AppNotFound*'
        try { Get-SbkubeHistory -Namespace state-demo -App nope -ErrorAction Stop } catch { $_.CategoryInfo.Category | Should -Be 'ObjectNotFound' }
    }

    It 'state show prints the seed YAML with the password masked unless -ShowSecrets' {
        $yaml = Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 3 -Format Yaml
        $lines = $yaml -split "`n"
        $lines[0..5] | Should -Be @('namespace: state-demo', 'app: redis', 'revision: 3', 'status: failed', 'chart: redis-18.0.0', $lines[5])
        $lines[5] | Should -Match '^deployed_at: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$'
        $yaml | Should -Match "values:\n  architecture: standalone\n  auth:\n    password: '?\*\*\*:[0-9a-f]{8}'?\n  master:\n    persistence:\n      size: 1Gi"
        $yaml | Should -Not -Match 'state-demo-v2'
        Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 3 -Format Yaml -ShowSecrets | Should -Match 'password: state-demo-v2'
    }

    It 'the seed diff workflow: rev2.yaml vs rev3.yaml differ in revision, chart and status' {
        $rev2 = Join-Path $s.Dir 'rev2.yaml'; $rev3 = Join-Path $s.Dir 'rev3.yaml'
        Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 2 -Format Yaml > $rev2
        Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 3 -Format Yaml > $rev3
        $diff = Compare-Object (Get-Content $rev2) (Get-Content $rev3)
        ($diff.InputObject -join "`n") | Should -Match 'chart: redis-18.0.0'
        ($diff.InputObject -join "`n") | Should -Match 'revision: 2'
    }

    It '-Revision current is the deployed revision' {
        (Get-SbkubeDeployment -Namespace state-demo -App redis -Revision current).Revision | Should -Be 4
        (Get-SbkubeDeployment -Namespace state-demo -App redis).Revision | Should -Be 4
    }

    It 'Values is nested and ordered as in the snapshot' {
        $d = Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 2
        @($d.Values.Keys) | Should -Be @('architecture', 'auth', 'master')
        $d.Values.master.persistence.size | Should -Be '1Gi'
        $d.Values.auth.password | Should -Match '^\*\*\*:[0-9a-f]{8}$'
    }

    It 'Compare-SbkubeRevision lists chart version and values paths, secrets masked' {
        $d = @(Compare-SbkubeRevision -Namespace state-demo -App redis -ReferenceRevision 1 -DifferenceRevision 3)
        ($d | Where-Object Path -eq 'version').Reference | Should -Be '17.13.2'
        ($d | Where-Object Path -eq 'version').Difference | Should -Be '18.0.0'
        $pw = $d | Where-Object Path -eq 'values.auth.password'
        $pw.Reference | Should -Match '^\*\*\*:[0-9a-f]{8}$'
        $pw.Difference | Should -Match '^\*\*\*:[0-9a-f]{8}$'
        $pw.Reference | Should -Not -Be $pw.Difference    # the fingerprints tell a changed secret
        $pw.Sensitive | Should -BeTrue
        ($d | Where-Object Path -eq 'version').Sensitive | Should -BeFalse
        (Compare-SbkubeRevision state-demo redis 1 3 -ShowSecrets | Where-Object Path -eq 'values.auth.password').Difference | Should -Be 'state-demo-v2'
        @(Compare-SbkubeRevision state-demo redis 2 4).Count | Should -Be 0
    }

    It 'bad revisions are refused with InvalidRevision / RevisionNotFound' -ForEach @(
        @{ Rev = '0'; Id = 'InvalidRevision' }, @{ Rev = '-1'; Id = 'InvalidRevision' }, @{ Rev = 'abc'; Id = 'InvalidRevision' },
        @{ Rev = '99999999999'; Id = 'InvalidRevision' }, @{ Rev = '42'; Id = 'RevisionNotFound' }
    ) {
        $before = Get-StateDbHash
        { Get-SbkubeDeployment -Namespace state-demo -App redis -Revision $Rev -ErrorAction Stop } | Should -Throw -ErrorId "$Id*"
        { Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision $Rev -ErrorAction Stop } | Should -Throw -ErrorId "$Id*"
        Get-StateDbHash | Should -Be $before
    }

    It 'rolling back to a failed revision needs -AllowFailed' {
        { Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 3 -ErrorAction Stop } | Should -Throw -ErrorId 'RollbackTargetFailed*'
    }

    It 'rollback -WhatIf shows the plan and records nothing' {
        $before = @(Get-SbkubeHistory -Namespace state-demo -App redis).Count
        $calls = @(Get-HelmCall -Command rollback).Count
        $plan = Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1 -WhatIf
        $plan | Should -BeOfType ([SBKube.Core.Engine.PlannedChange])
        $plan.Action | Should -Be 'Rollback'
        $plan.DeployedRevision | Should -Be (Get-SbkubeDeployment -Namespace state-demo -App redis -Revision current).Revision
        $plan.Differences.Path | Should -Contain 'values.auth.password'
        @(Get-SbkubeHistory -Namespace state-demo -App redis).Count | Should -Be $before
        @(Get-HelmCall -Command rollback).Count | Should -Be $calls
    }
}

Describe 'Rollback beyond Helm and after delete' {
    BeforeEach { $s = New-SbkubeSandbox }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'the history pipeline rolls back to the previous revision' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $r = Get-SbkubeHistory -Namespace state-demo -App redis | Select-Object -Last 2 | Select-Object -First 1 | Invoke-SbkubeRollback
        $r.Revision | Should -Be 3
        $r.Description | Should -Be 'Rollback to revision 1'
        (Get-SbkubeDeployment -Namespace state-demo -App redis -ShowSecrets).Values.auth.password | Should -Be 'state-demo-v1'
    }

    It 'rolls back to a revision Helm already pruned by redeploying the snapshot' {
        $config = Join-Path $s.Example 'config.yaml'
        Add-Content $config '    history_max: 2'
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        foreach ($i in 2..4) {
            Set-RedisPassword $s.Example "state-demo-v$($i - 1)" "state-demo-v$i"
            Invoke-SbkubeApply -Path $s.Example | Out-Null
        }
        (& $env:SBKUBE_HELM history redis -n state-demo -o json | ConvertFrom-Json).revision | Should -Not -Contain 1
        $upgrades = @(Get-HelmCall -Command upgrade).Count
        $r = Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1
        $r.Outcome | Should -Be 'RolledBack'
        $r.Revision | Should -Be 5
        @(Get-HelmCall -Command upgrade).Count | Should -Be ($upgrades + 1)
        @(Get-HelmCall -Command rollback).Count | Should -Be 0
        (& $env:SBKUBE_HELM get values redis -n state-demo -o json | ConvertFrom-Json).auth.password | Should -Be 'state-demo-v1'
    }

    It 'Remove-SbkubeApp uninstalls, keeps history, and a rollback re-installs' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Remove-SbkubeApp -Namespace state-demo -App redis -Confirm:$false | Should -BeNullOrEmpty   # nothing unless -PassThru
        (Get-SbkubeState -Namespace state-demo -App redis -Latest).Status | Should -Be 'uninstalled'
        $h = @(Get-SbkubeHistory -Namespace state-demo -App redis)
        $h.Status | Should -Be @('superseded', 'uninstalled')
        Invoke-StateSql "SELECT COUNT(*) FROM deployment_history WHERE action = 'delete';" | Should -Be 1
        @(Get-SbkubeState -Namespace state-demo | Where-Object Status -eq 'deployed').Count | Should -Be 0
        $r = Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1
        $r.Outcome | Should -Be 'RolledBack'
        (Get-SbkubeState -Namespace state-demo -Latest).Status | Should -Be 'deployed'
        (& $env:SBKUBE_HELM status redis -n state-demo -o json | ConvertFrom-Json).info.status | Should -Be 'deployed'
    }

    It 'Get-SbkubeState -Latest | Remove-SbkubeApp -WhatIf changes nothing' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $before = Get-StateDbHash
        $plan = @(Get-SbkubeState -Namespace state-demo -Latest | Remove-SbkubeApp -WhatIf)
        $plan.Action | Should -Be @('Uninstall')
        $plan.App | Should -Be @('redis')
        Get-StateDbHash | Should -Be $before
        @(Get-HelmCall -Command uninstall).Count | Should -Be 0
    }

    It 'Remove-SbkubeApp -Path deletes dependents first' {
        $dir = Join-Path $s.Dir 'multi'
        New-Item -ItemType Directory $dir | Out-Null
        Copy-Item (Join-Path $s.Example 'sources.yaml') $dir
        @"
namespace: multi
apps:
  db:
    chart: bitnami/postgresql
    version: 12.5.6
  cache:
    chart: bitnami/redis
    version: 17.13.2
    depends_on: [db]
  web:
    chart: bitnami/nginx
    version: 15.0.0
    depends_on: [cache]
"@ | Set-Content (Join-Path $dir 'config.yaml')
        Invoke-SbkubeApply -Path $dir | Out-Null
        $removed = Remove-SbkubeApp -Path $dir -Confirm:$false -PassThru
        $removed.App | Should -Be @('web', 'cache', 'db')
        (Get-HelmCall -Command uninstall | ForEach-Object { $_.Positional[0] }) | Should -Be @('web', 'cache', 'db')
    }
}

Describe 'The seed SQL with the sqlite3 CLI' {
    BeforeAll {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1 | Out-Null
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'SELECT * FROM deployments;' {
        @(Invoke-StateSql 'SELECT * FROM deployments;').Count | Should -Be 2
    }
    It 'SELECT * FROM deployments WHERE namespace = ''state-demo'' ORDER BY deployed_at DESC;' {
        $rows = @(Invoke-StateSql "SELECT * FROM deployments WHERE namespace = 'state-demo' ORDER BY deployed_at DESC;")
        $rows.Count | Should -Be 2
        $rows[0] | Should -Match '\|redis\|2\|'
    }
    It 'SELECT * FROM deployment_history WHERE action = ''rollback'';' {
        @(Invoke-StateSql "SELECT * FROM deployment_history WHERE action = 'rollback';").Count | Should -Be 1
    }
    It 'DELETE FROM deployments WHERE deployed_at < ''2025-01-01''; succeeds and Get-SbkubeState still works' {
        Invoke-StateSql "UPDATE deployments SET deployed_at = '2024-06-01 10:00:00' WHERE revision = 1;" | Out-Null
        Invoke-StateSql "DELETE FROM deployments WHERE deployed_at < '2025-01-01';" | Out-Null
        $rows = @(Get-SbkubeState)
        $rows.Count | Should -Be 1
        $rows[0].Revision | Should -Be 2
        @(Get-SbkubeHistory -Namespace state-demo -App redis).Count | Should -Be 1
    }
}
