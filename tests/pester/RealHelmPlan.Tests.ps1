# Issue 23: -WhatIf asks Helm. Each changed app is rendered with the real helm (helm template, values on stdin), so
# a chart, version or values error shows in the plan, and an upgrade lists what changes in each object.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/SeedHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force
}

Describe 'A plan that asks real Helm <Helm>' -ForEach @(@{ Helm = 4 }, @{ Helm = 3 }) {
    BeforeEach { $s = New-SbkubeSandbox -Helm $Helm }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'a chart version the repository lacks is a Fail in the plan, with Helm''s words; nothing is recorded or changed' {
        Set-RedisVersion $s.Example '17.13.2' '9.9.9'
        $plan = @(Invoke-SbkubeApply -Path $s.Example -WhatIf)
        $plan.Count | Should -Be 1
        $plan[0].Action | Should -Be 'Fail'
        $plan[0].Description | Should -Match 'redis-9\.9\.9|9\.9\.9 not found'
        @(Get-HelmCall -Command upgrade) | Should -BeNullOrEmpty
        @(Get-HelmCall -Command template) | Should -Not -BeNullOrEmpty
        $env:SBKUBE_STATE_DB | Should -Not -Exist
    }

    It 'values the chart refuses are a Fail in the plan, the refused secret masked' {
        Set-RedisPassword $s.Example 'state-demo-v1' 'state demo v1'
        $plan = @(Invoke-SbkubeApply -Path $s.Example -WhatIf)
        $plan[0].Action | Should -Be 'Fail'
        $plan[0].Description | Should -Match 'must not contain spaces'
        $plan[0].Description | Should -Not -Match 'state demo v1'
    }

    It 'an upgrade lists the objects and fields it changes, a Secret''s data masked' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        $values = Join-Path $s.Example 'values/redis.yaml'
        (Get-Content $values -Raw).Replace('size: 1Gi', 'size: 2Gi') | Set-Content $values -NoNewline
        $plan = @(Invoke-SbkubeApply -Path $s.Example -WhatIf)
        $plan[0].Action | Should -Be 'Upgrade'
        $paths = @($plan[0].Differences.Path)
        $paths | Should -Contain 'values.master.persistence.size'
        $paths | Should -Contain 'StatefulSet/redis-master spec.volumeClaimTemplates[0].spec.resources.requests.storage'
        $secret = $plan[0].Differences | Where-Object Path -EQ 'Secret/redis data.redis-password'
        $secret | Should -Not -BeNullOrEmpty
        $secret.Sensitive | Should -BeTrue
        ($plan | Out-String -Width 300) | Should -Not -Match 'state-demo-v2|c3RhdGUtZGVtby12Mg'
        @(Get-SbkubeHistory -Namespace state-demo -App redis).Count | Should -Be 1
    }
}
