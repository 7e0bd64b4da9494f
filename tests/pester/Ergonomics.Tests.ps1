# Issue 7: tab completion, verbose/debug streams and object views.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force
    $s = New-SbkubeSandbox
    Add-KubeContext $s ctx-b, ctx-complete
    Invoke-SbkubeApply -Path $s.Example | Out-Null
    $values = Join-Path $s.Example 'values/redis.yaml'
    (Get-Content $values -Raw).Replace('state-demo-v1', 'state-demo-v2') | Set-Content $values
    Invoke-SbkubeApply -Path $s.Example | Out-Null
    Invoke-SbkubeApply -Path $s.Example -Namespace other-ns | Out-Null

    function Complete([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
    }
}
AfterAll { Remove-SbkubeSandbox $s }

Describe 'Argument completion' {
    It '-Namespace completes from the state DB' {
        Complete 'Get-SbkubeHistory -Namespace ' | Should -Be @('other-ns', 'state-demo')
        Complete 'Get-SbkubeState -Namespace sta' | Should -Be @('state-demo')
    }

    It '-App completes within the bound namespace' {
        Complete 'Get-SbkubeHistory -Namespace state-demo -App ' | Should -Be @('redis')
        Complete 'Get-SbkubeHistory -Namespace nothing-here -App ' | Should -BeNullOrEmpty
    }

    It '-Revision completes the app''s revisions, newest first, and current' {
        Complete 'Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision ' | Should -Be @('2', '1', 'current', 'previous')
    }

    It '-Path completes folders holding a config.yaml' {
        Push-Location $s.Dir
        try { Complete 'Invoke-SbkubeApply -Path ' | Should -Contain 'state-management' }
        finally { Pop-Location }
    }

    It 'the sbkube function completes its commands, state subcommands, each command''s unused flags and --format values' {
        Complete 'sbkube ' | Should -Be @('apply', 'delete', 'deploy', 'rollback', 'state')
        Complete 'sbkube state h' | Should -Be @('history')
        Complete 'sbkube rollback --namespace x --' | Should -Not -Contain '--namespace'
        Complete 'sbkube rollback --namespace x --' | Should -Contain '--revision'
        Complete 'sbkube state list --format ' | Should -Be @('json', 'table')
        Complete 'sbkube --' | Should -Contain '--version'
    }

    It '-LockId completes the locks held now and -KubeContext the contexts recorded' {
        $lock = Lock-SbkubeNamespace -Namespace other-ns -Reason 'completion test'
        try { Complete 'Unlock-SbkubeNamespace -LockId ' | Should -Contain $lock.LockId }
        finally { Unlock-SbkubeNamespace -LockId $lock.LockId -Force -Confirm:$false }
        Complete 'Unlock-SbkubeNamespace -LockId ' | Should -Not -Contain $lock.LockId
        Invoke-SbkubeApply -Path $s.Example -Namespace complete-ns -KubeContext ctx-complete | Out-Null
        Complete 'Get-SbkubeHistory -KubeContext ctx-c' | Should -Be @('ctx-complete')
    }

    It 'completion never creates a database' {
        $missing = Join-Path $s.Dir 'none.db'
        Complete "Get-SbkubeHistory -StatePath '$missing' -Namespace " | Should -BeNullOrEmpty
        $missing | Should -Not -Exist
    }
}

Describe 'Streams and views' {
    It '-Verbose shows the helm command line and -Debug Helm''s stderr' {
        Set-ClusterFault $s @{ forbidden = @{ namespaces = @('state-demo'); resources = @('statefulsets'); user = 'system:serviceaccount:ci:debug-visible' } }
        $DebugPreference = 'Continue'
        try { $out = Invoke-SbkubeApply -Path $s.Example -Force -Verbose -ErrorAction SilentlyContinue *>&1 | Out-String -Width 400 }
        finally { $DebugPreference = 'SilentlyContinue'; Set-ClusterFault $s $null }
        $out | Should -Match 'helm: .*helm upgrade --install --namespace state-demo .* -- redis bitnami/redis'
        $out | Should -Match 'Error: UPGRADE FAILED: .*User "system:serviceaccount:ci:debug-visible" cannot'
        $out | Should -Not -Match 'state-demo-v2'
    }

    It 'Select-Object * shows every property with a clear name' {
        $props = (Get-SbkubeState -Latest | Select-Object -First 1 | Select-Object *).PSObject.Properties.Name
        foreach ($p in 'Namespace', 'App', 'Revision', 'Status', 'DeployedAt', 'Chart', 'ChartRef', 'ChartVersion', 'HelmRevision', 'Description', 'Context') {
            $props | Should -Contain $p
        }
        (Get-SbkubeState -Latest | Select-Object -First 1).DeployedAt | Should -BeOfType [datetime]
    }

    It 'objects convert to JSON as about_SBKube says: ISO times with their offset, outcomes and actions as names' {
        $json = Get-SbkubeState -Namespace state-demo -Latest | Select-Object DeployedAt, Status | ConvertTo-Json -Compress | ConvertFrom-Json -AsHashtable
        $json.DeployedAt | Should -BeOfType [datetime]
        $times = Get-SbkubeState -Namespace state-demo -Latest | Select-Object DeployedAt, DeployedAtUtc | ConvertTo-Json -Compress
        $times | Should -Match '"DeployedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d"'
        $times | Should -Match '"DeployedAtUtc":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"'
        (Invoke-SbkubeApply -Path $s.Example | ConvertTo-Json -Compress -Depth 1 | ConvertFrom-Json).Outcome | Should -Be 'Unchanged'
        (Invoke-SbkubeApply -Path $s.Example -WhatIf | ConvertTo-Json -Compress -Depth 1 | ConvertFrom-Json).Action | Should -Be 'Unchanged'
        Invoke-SbkubeApply -Path $s.Example | Export-Csv -Path (Join-Path $s.Dir 'results.csv')
        (Import-Csv (Join-Path $s.Dir 'results.csv')).Outcome | Should -Be 'Unchanged'
        (Get-SbkubeState -Namespace state-demo -Latest -Format Json) -join '' | Should -Match '"deployed_at":"[^"]+Z"'
    }

    It 'times in Asia/Seoul: <Property> is local and <Property>Utc beside it, in tables, lists, Select-Object, CSV and JSON' -ForEach @(
        @{ Property = 'DeployedAt'; Read = 'Get-SbkubeState -Namespace state-demo -Latest'; Table = $true }
        @{ Property = 'DeployedAt'; Read = 'Get-SbkubeHistory -Namespace state-demo -App redis | Select-Object -Last 1'; Table = $true }
        @{ Property = 'DeployedAt'; Read = 'Get-SbkubeDeployment -Namespace state-demo -App redis'; Table = $false }
        @{ Property = 'Timestamp'; Read = 'Get-SbkubeAuditLog | Select-Object -Last 1'; Table = $true }
        @{ Property = 'AcquiredAt'; Read = 'Lock-SbkubeNamespace -Namespace tz-check -Duration 1h; Unlock-SbkubeNamespace -Namespace tz-check'; Table = $false }
        @{ Property = 'StartedAt'; Read = 'Start-SbkubeMetricsServer -Port 0; Stop-SbkubeMetricsServer'; Table = $true }
    ) {
        $script = "Import-Module '$(Get-TestModulePath)'; `$r = @($Read)[0]; " +
            "`$r.$Property.ToString('yyyy-MM-dd HH:mm:ss'); `$r.${Property}Utc.ToString('yyyy-MM-dd HH:mm:ss'); " +
            "`$r.$Property.Kind; `$r.${Property}Utc.Kind; " +
            "(`$r | Format-Table | Out-String -Width 300).Contains(`$r.$Property.ToString('yyyy-MM-dd HH:mm')); " +
            "[datetime]::Parse(((`$r | Format-List $Property | Out-String) -split '\n' | Where-Object { `$_ -match '^$Property\s*:' }) -replace '^$Property\s*:\s*').ToString('yyyy-MM-dd HH:mm:ss'); " +
            "`$r | Select-Object $Property, ${Property}Utc | ConvertTo-Json -Compress; " +
            "(`$r | Select-Object $Property, ${Property}Utc | ConvertTo-Csv)[0]"
        $old = $env:TZ
        try { $env:TZ = 'Asia/Seoul'; $out = (Invoke-FreshPwsh $script).Output } finally { $env:TZ = $old }
        $local, $utc = [datetime]$out[0], [datetime]$out[1]
        ($local - $utc).TotalHours | Should -Be 9 -Because ($out -join "`n")
        $out[2..3] | Should -Be @('Local', 'Utc')
        if ($Table) { $out[4] | Should -Be 'True' -Because 'the table shows local time' }
        $out[5] | Should -Be $out[0] -Because 'Format-List shows the same local time'
        $out[6] | Should -Match "`"$Property`":`"[^`"]+\+09:00`",`"${Property}Utc`":`"[^`"]+Z`""
        $out[7] | Should -Be "`"$Property`",`"${Property}Utc`""
    }

    It 'Get-SbkubeDeployment has a list view with the values as YAML' {
        $text = Get-SbkubeDeployment -Namespace state-demo -App redis | Out-String -Width 200
        $text | Should -Match 'Revision\s+: 2'
        $text | Should -Match 'Values\s+: architecture: standalone'
        $text | Should -Match "password: '?\*\*\*'?"
    }
}

Describe 'Not found, as Get-Item reports it' {
    It '<Name> is a non-terminating error that -ErrorAction SilentlyContinue silences and -ErrorVariable holds' -ForEach @(
        @{ Name = 'an unknown app in Get-SbkubeHistory'; Id = 'AppNotFound,SBKube.PowerShell.Cmdlets.GetSbkubeHistoryCommand'; Run = { Get-SbkubeHistory -Namespace state-demo -App nope @args } }
        @{ Name = 'an unknown revision in Get-SbkubeDeployment'; Id = 'RevisionNotFound,SBKube.PowerShell.Cmdlets.GetSbkubeDeploymentCommand'; Run = { Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 99 @args } }
    ) {
        $out = . $Run -ErrorAction SilentlyContinue -ErrorVariable ev
        $out | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0] | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $ev[0].FullyQualifiedErrorId | Should -Be $Id
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It '$? is false after it' {
        Get-SbkubeHistory -Namespace state-demo -App nope -ErrorAction SilentlyContinue
        $? | Should -BeFalse
    }

    It '-ErrorAction Ignore leaves $Error alone, and the statement after it runs' {
        $Error.Clear()
        $after = $false
        Get-SbkubeHistory -Namespace state-demo -App nope -ErrorAction Ignore
        $after = $true
        $after | Should -BeTrue
        $Error.Count | Should -Be 0
    }

    It 'piped input goes on past the one that is not found' {
        $rows = [pscustomobject]@{ Namespace = 'state-demo'; App = 'nope' }, [pscustomobject]@{ Namespace = 'state-demo'; App = 'redis' } |
            Get-SbkubeHistory -ErrorAction SilentlyContinue -ErrorVariable ev
        @($rows).Count | Should -Be @(Get-SbkubeHistory -Namespace state-demo -App redis).Count
        @($rows).Count | Should -BeGreaterThan 0
        $ev.Count | Should -Be 1
    }

    It 'the sbkube command still fails on it, as a CLI exits non-zero' {
        { sbkube state history --namespace state-demo --app nope } | Should -Throw -ErrorId 'AppNotFound*'
        $LASTEXITCODE | Should -Be 1
    }
}

Describe 'Confirmations in a session that cannot prompt' {
    It 'a confirmation pwsh -NonInteractive cannot show says to pass -Confirm:$false or -Force, and changes nothing' {
        $module = Get-TestModulePath
        $hash = Get-StateDbHash
        $r = Invoke-FreshPwsh "Import-Module '$module'; try { Remove-SbkubeApp -Namespace state-demo -App redis -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }"
        $r.Output[0] | Should -BeLike 'ConfirmationUnavailable,*'
        $r.Output[1] | Should -BeLike '*cannot prompt (-NonInteractive). Pass -Confirm:$false or -Force to go ahead*'
        Get-StateDbHash | Should -Be $hash
        Get-HelmCall -Command uninstall | Should -BeNullOrEmpty
    }

    It 'without -Force in the cmdlet it names -Confirm:$false alone' {
        $module = Get-TestModulePath
        $r = Invoke-FreshPwsh "Import-Module '$module'; try { Remove-SbkubeHistory -KeepLast 1 -Confirm -ErrorAction Stop } catch { `$_.Exception.Message }"
        $r.Output[0] | Should -BeLike '*Pass -Confirm:$false to go ahead*'
    }
}

Describe 'Records carry their kube context down the pipeline' {
    BeforeAll {
        Invoke-SbkubeApply -Path $s.Example -KubeContext ctx-b | Out-Null
    }

    It 'Get-SbkubeState -KubeContext b | Get-SbkubeHistory lists only that context''s revisions' {
        $history = Get-SbkubeState -Namespace state-demo -App redis -KubeContext ctx-b -Latest | Get-SbkubeHistory
        @($history).Count | Should -Be 1
        @($history.Context | Sort-Object -Unique) | Should -Be @('ctx-b')
    }

    It 'a record of the current context pipes back to that context alone' {
        $history = Get-SbkubeState -Namespace state-demo -App redis -Latest | Where-Object Context -EQ 'standin' | Get-SbkubeHistory
        @($history).Count | Should -BeGreaterOrEqual 2
        @($history.Context | Sort-Object -Unique) | Should -Be @('standin')
    }

    It 'a piped record names its context to Get-SbkubeDeployment and Compare-SbkubeRevision' {
        (Get-SbkubeHistory -Namespace state-demo -App redis -KubeContext ctx-b | Get-SbkubeDeployment).Context | Should -Be 'ctx-b'
        $diff = Get-SbkubeState -Namespace state-demo -App redis -KubeContext ctx-b -Latest | Compare-SbkubeRevision -ReferenceRevision 1
        @($diff).Count | Should -Be 0
    }

    It 'piped revisions are each compared with the one before, and a first revision adds nothing' {
        $diff = @(Get-SbkubeHistory -Namespace state-demo -App redis -KubeContext standin | Compare-SbkubeRevision)
        $diff.Count | Should -BeGreaterThan 0
        $diff.DifferenceRevision | Should -Not -Contain 1
        ($diff | Where-Object Path -EQ 'values.auth.password').ReferenceRevision | Should -Be 1
        ($diff | Where-Object Path -EQ 'values.auth.password').DifferenceRevision | Should -Be 2
        @(Get-SbkubeHistory -Namespace state-demo -App redis -KubeContext ctx-b | Compare-SbkubeRevision -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -BeLike '*first one recorded*'
    }

    It 'a piped record keeps Get-SbkubeState, Export-SbkubeState and Remove-SbkubeHistory in its context' {
        $fromB = { Get-SbkubeState -Namespace state-demo -App redis -KubeContext ctx-b -Latest }
        @((& $fromB | Get-SbkubeState).Context | Sort-Object -Unique) | Should -Be @('ctx-b')
        @((& $fromB | Export-SbkubeState | ConvertFrom-Json).deployments.context | Sort-Object -Unique) | Should -Be @('ctx-b')
        # ctx-b holds one revision, so nothing of it can go; the current context has older ones.
        @(& $fromB | Remove-SbkubeHistory -KeepLast 1 -WhatIf) | Should -BeNullOrEmpty
        $plan = @(Get-SbkubeState -Namespace state-demo -App redis -Latest | Where-Object Context -EQ 'standin' | Remove-SbkubeHistory -KeepLast 1 -WhatIf)
        $plan.Count | Should -Be 1
        $plan[0].Context | Should -Be 'standin'
        $plan[0].Revisions | Should -BeGreaterThan 0
    }

    It 'plain Get-SbkubeHistory lists the app''s revisions in every context' {
        @(Get-SbkubeHistory -Namespace state-demo -App redis).Context | Should -Contain 'ctx-b'
        @(Get-SbkubeHistory -Namespace state-demo -App redis).Context | Should -Contain 'standin'
    }
}

Describe 'Config folders from the pipeline' {
    It 'Get-ChildItem of two config folders applies each one, in order' {
        $t = New-SbkubeSandbox
        try {
            $second = Join-Path $t.Dir 'second'
            Copy-Item $t.Example $second -Recurse
            (Get-Content (Join-Path $second 'config.yaml') -Raw) -replace '(?m)^namespace:.*$', 'namespace: second-ns' | Set-Content (Join-Path $second 'config.yaml')
            $results = @(Get-ChildItem $t.Dir -Directory | Where-Object Name -In 'state-management', 'second' | Sort-Object Name -Descending | Invoke-SbkubeApply)
            @($results.Namespace) | Should -Be @('state-demo', 'second-ns')
            @($results.Outcome | Sort-Object -Unique) | Should -Be @('Installed')
            (@($t.Example) | Invoke-SbkubeApply).Outcome | Should -Be 'Unchanged' -Because 'a piped string is a path too'
        }
        finally { Remove-SbkubeSandbox $t }
    }
}

