# Operations cmdlets against the built module: prune, backup/restore, export/import, metrics.
# Also runs on: postgres
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force

    # Three real revisions of the seed's redis through real Helm (values v1, v2, v3).
    function New-ThreeRevisions($Sandbox) {
        $values = Join-Path $Sandbox.Example 'values/redis.yaml'
        Invoke-SbkubeApply -Path $Sandbox.Example -ErrorAction Stop | Out-Null
        foreach ($v in 'v2', 'v3') {
            (Get-Content $values -Raw) -replace 'state-demo-v\d', "state-demo-$v" | Set-Content $values -NoNewline
            Invoke-SbkubeApply -Path $Sandbox.Example -ErrorAction Stop | Out-Null
        }
    }
}

Describe 'Remove-SbkubeHistory' {
    BeforeEach { $s = New-SbkubeSandbox; New-ThreeRevisions $s }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'requires -OlderThan or -KeepLast' {
        { Remove-SbkubeHistory -Namespace state-demo } | Should -Throw -ErrorId 'PruneCriteriaMissing*'
    }

    It 'names -OlderThan and the accepted forms on bad input' {
        { Remove-SbkubeHistory -OlderThan 'soon' } | Should -Throw -ExpectedMessage '*-OlderThan*30d*30.00:00:00*2025-01-01*'
    }

    It '-WhatIf sums up per app what would go and deletes nothing' {
        $hash = Get-StateDbHash
        $would = @(Remove-SbkubeHistory -KeepLast 1 -WhatIf)
        $would.Count | Should -Be 1
        $would[0].PSObject.TypeNames[0] | Should -Be 'SBKube.Core.State.PruneSummary'
        $would[0].Namespace | Should -Be 'state-demo'
        $would[0].Revisions | Should -Be 2
        "$($would[0].FirstRevision)-$($would[0].LastRevision)" | Should -Be '1-2'
        $would[0].WhatIf | Should -BeTrue
        Get-StateDbHash | Should -Be $hash
    }

    It 'writes nothing unless -PassThru, as Remove-Item' {
        Remove-SbkubeHistory -KeepLast 2 -Confirm:$false | Should -BeNullOrEmpty
        @(Get-SbkubeHistory -Namespace state-demo -App redis).Count | Should -Be 2
    }

    It 'keeps the deployed revision and with -PassThru sums up what it removed' {
        $removed = @(Remove-SbkubeHistory -OlderThan '0m' -Confirm:$false -PassThru)
        $removed.Revisions | Should -Be 2
        $removed.WhatIf | Should -BeFalse
        $removed.Oldest | Should -BeLessOrEqual $removed.Newest
        (Get-SbkubeState).Revision | Should -Be 3
        (Get-SbkubeState).Status | Should -Be 'deployed'
        Invoke-StateSql 'SELECT COUNT(*) FROM deployment_history WHERE deployment_id NOT IN (SELECT id FROM deployments);' | Should -Be '0'
    }

    It 'takes Namespace and App from the pipeline' {
        $removed = @(Get-SbkubeState -Latest | Remove-SbkubeHistory -KeepLast 2 -Confirm:$false -PassThru)
        "$($removed.Namespace)/$($removed.App) $($removed.FirstRevision)-$($removed.LastRevision)" | Should -Be 'state-demo/redis 1-1'
    }
}

Describe 'Backup-SbkubeState and Restore-SbkubeState' -Tag SqliteOnly {
    BeforeEach { $s = New-SbkubeSandbox; New-ThreeRevisions $s }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'backs up to a private file and refuses to overwrite without -Force' {
        $dest = Join-Path $s.Dir 'backup.db'
        $file = Backup-SbkubeState -Destination $dest
        $file | Should -BeOfType System.IO.FileInfo
        Invoke-Sqlite3 'SELECT COUNT(*) FROM deployments;' $dest | Should -Be '3'
        if (-not $IsWindows) { (Get-Item $dest).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') }
        { Backup-SbkubeState -Destination $dest } | Should -Throw -ErrorId 'BackupDestinationExists*'
        Backup-SbkubeState -Destination $dest -Force | Should -Not -BeNullOrEmpty
    }

    It 'restores a backup, keeping the replaced database as state.db.bak' {
        $dest = Join-Path $s.Dir 'backup.db'
        Backup-SbkubeState -Destination $dest | Out-Null
        Remove-SbkubeHistory -KeepLast 1 -Confirm:$false | Out-Null
        $r = Restore-SbkubeState -Source $dest -Confirm:$false
        $r.BackupPath | Should -Be "$($env:SBKUBE_STATE_DB).bak"
        (Get-SbkubeState).Revision | Should -Be @(1, 2, 3)
        Invoke-Sqlite3 'SELECT COUNT(*) FROM deployments;' "$($env:SBKUBE_STATE_DB).bak" | Should -Be '1'
    }

    It 'refuses a file that is not a state database and leaves the current one unchanged' {
        $junk = Join-Path $s.Dir 'junk.db'
        Set-Content $junk 'definitely not sqlite'
        $hash = Get-StateDbHash
        { Restore-SbkubeState -Source $junk -Confirm:$false } | Should -Throw -ErrorId 'StateStore.NotADatabase*'
        Get-StateDbHash | Should -Be $hash
    }
}

Describe 'A store behind Helm (rows deleted by hand, an older copy restored)' {
    BeforeEach { $s = New-SbkubeSandbox; New-ThreeRevisions $s }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'after the seed''s DELETE of every row, apply records an upgrade with a new revision number and says the store was behind' {
        Invoke-StateSql "DELETE FROM deployments WHERE app = 'redis';" | Out-Null
        $r = Invoke-SbkubeApply -Path $s.Example -WarningVariable warned -WarningAction SilentlyContinue
        $r.Outcome | Should -Be 'Upgraded'
        $r.Revision | Should -Be 4 -Because 'revisions 1-3 were used before the rows went'
        $r.HelmRevision | Should -Be 4
        $r.Description | Should -Match 'the state store was behind Helm: Helm is at revision 3, the store knew none'
        $r.Description | Should -Not -Match 'Initial deployment'
        "$warned" | Should -Match 'state-demo/redis: the state store was behind Helm.*records Helm''s release as an upgrade'
        (Get-SbkubeHistory -Namespace state-demo -App redis).Status | Should -Be 'deployed'
    }

    It 'after the deployed row is deleted, current is not a failed revision, and apply upgrades with the next number' {
        Invoke-StateSql "UPDATE deployments SET status = 'failed' WHERE revision = 2; DELETE FROM deployments WHERE revision = 3;" | Out-Null
        Get-SbkubeDeployment state-demo redis -WarningVariable noted -WarningAction SilentlyContinue | Select-Object -ExpandProperty Revision | Should -Be 2
        "$noted" | Should -Match 'state-demo/redis has no deployed revision in the state store; revision 2 \(failed\) is its newest'
        $r = Invoke-SbkubeApply -Path $s.Example -WarningAction SilentlyContinue
        $r.Outcome | Should -Be 'Upgraded'
        $r.Revision | Should -Be 4
        $r.Description | Should -Match 'the state store was behind Helm: Helm is at revision 3, the store knew 2'
    }

    It 'Restore-SbkubeState names every app Helm is ahead of, and revision numbers never go back' -Tag SqliteOnly {
        $dest = Join-Path $s.Dir 'at-three.db'
        Backup-SbkubeState -Destination $dest | Out-Null
        $values = Join-Path $s.Example 'values/redis.yaml'
        foreach ($v in 'v4', 'v5') {
            (Get-Content $values -Raw) -replace 'state-demo-v\d', "state-demo-$v" | Set-Content $values -NoNewline
            Invoke-SbkubeApply -Path $s.Example -ErrorAction Stop | Out-Null
        }
        $r = Restore-SbkubeState -Source $dest -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
        $r.HelmAhead.App | Should -Be 'redis'
        $r.HelmAhead.HelmRevision | Should -Be 5
        $r.HelmAhead.RecordedHelmRevision | Should -Be 3
        "$warned" | Should -Match 'state-demo/redis: Helm is at revision 5, the restored store knew 3'
        $next = Invoke-SbkubeApply -Path $s.Example
        $next.Revision | Should -Be 6 -Because 'revisions 4 and 5 were used by the store the restore replaced'
        $next.Description | Should -Match 'the state store was behind Helm'
    }
}

Describe 'Export-SbkubeState and Import-SbkubeState' {
    BeforeEach { $s = New-SbkubeSandbox; New-ThreeRevisions $s }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'round-trips through a fresh database' {
        $file = Join-Path $s.Dir 'export.json'
        Export-SbkubeState -Path $file
        $doc = Get-Content $file -Raw | ConvertFrom-Json
        $doc.format | Should -Be 'sbkube-state'
        $doc.deployments.Count | Should -Be 3
        $doc.deployments[2].config.values.auth.password | Should -Be 'state-demo-v3'
        $first = (Get-Content $file -Raw) -replace '"exported_at": "[^"]*"', ''

        $fresh = Join-Path $s.Dir 'fresh/state.db'
        $r = Import-SbkubeState -Path $file -StatePath $fresh
        $r.Imported | Should -Be 3
        $second = (Export-SbkubeState -StatePath $fresh) -replace '"exported_at": "[^"]*"', ''
        $second | Should -Be $first
    }

    It 'skips revisions that are already there' {
        $file = Join-Path $s.Dir 'export.json'
        Export-SbkubeState -Path $file
        $r = Import-SbkubeState -Path $file
        $r.Imported | Should -Be 0
        $r.Skipped | Should -Be 3
        @(Get-SbkubeState).Count | Should -Be 3
    }
}

Describe 'Metrics' {
    BeforeEach { $s = New-SbkubeSandbox; New-ThreeRevisions $s }
    AfterEach {
        Stop-SbkubeMetricsServer
        Remove-SbkubeSandbox $s
    }

    It 'renders the seed metrics' {
        $text = Export-SbkubeMetrics
        $text | Should -Match '(?m)^sbkube_deployments_total\{namespace="state-demo",app="redis"\} 3$'
        $text | Should -Match '(?m)^sbkube_deployment_status\{namespace="state-demo",app="redis",status="deployed"\} 1$'
        $text | Should -Match '(?m)^sbkube_last_deployment_time\{namespace="state-demo",app="redis"\} \d{10}$'
    }

    It 'passes promtool check metrics' {
        Get-Command promtool -ErrorAction Ignore | Should -Not -BeNullOrEmpty -Because 'the Test task installs the prometheus package'
        $out = Export-SbkubeMetrics | promtool check metrics 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
    }

    It 'writes a textfile for node_exporter' {
        $prom = Join-Path $s.Dir 'sbkube.prom'
        Export-SbkubeMetrics -Path $prom
        Get-Content $prom -Raw | Should -Be (Export-SbkubeMetrics)
    }

    It 'serves /metrics in the background until Stop-SbkubeMetricsServer' {
        $server = Start-SbkubeMetricsServer -Port 0
        $server.Url | Should -Be "http://127.0.0.1:$($server.Port)/metrics"
        $response = Invoke-WebRequest $server.Url
        $response.Headers['Content-Type'] | Should -Be 'text/plain; version=0.0.4; charset=utf-8'
        [Text.Encoding]::UTF8.GetString($response.RawContentStream.ToArray()) | Should -Be (Export-SbkubeMetrics)
        Stop-SbkubeMetricsServer -Port $server.Port
        { Invoke-WebRequest $server.Url -TimeoutSec 5 } | Should -Throw
    }
}
