# Issue 23: chart repositories over HTTPS, as real Helm 4 and 3 reach them: a private CA (ca_file), no verification
# (insecure_skip_tls_verify), a client certificate (cert_file, key_file) and pass_credentials, from sources.yaml.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/SeedHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force

    function Set-Repo([object] $Sandbox, [string] $Settings) {
        Set-Content (Join-Path $Sandbox.Example 'sources.yaml') "helm_repos:`n  bitnami:`n    url: $($Sandbox.Cluster.HttpsUrl)/charts/bitnami`n$Settings"
    }
}

Describe 'A chart repository over HTTPS on real Helm <Helm>' -ForEach @(@{ Helm = 4 }, @{ Helm = 3 }) {
    BeforeEach { $s = New-SbkubeSandbox -Helm $Helm -ChartTls }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'with its CA in ca_file, installs; helm is told again every run, so a changed file is the one used next' {
        Set-Repo $s "    ca_file: $($s.Certs.Ca)`n"
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Installed'
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Upgraded'
        $adds = @(Get-HelmCall -Command repo | Where-Object { $_.argv[1] -eq 'add' })
        $adds.Count | Should -Be 2
        $adds[-1].argv | Should -Contain '--ca-file'
        $adds[-1].argv | Should -Contain $s.Certs.Ca
    }

    It 'without the CA, fails as TlsFailure with a next step that names ca_file, and uses no revision' {
        Set-Repo $s ''
        $errs = $null
        $r = Invoke-SbkubeApply -Path $s.Example -ErrorAction SilentlyContinue -ErrorVariable errs
        $r.Outcome | Should -Be 'Failed'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'Helm.TlsFailure*'
        "$($errs[0])" | Should -Match 'certificate'
        "$($errs[0])" | Should -Match 'ca_file'
        @(Get-SbkubeState) | Should -BeNullOrEmpty
    }

    It 'with insecure_skip_tls_verify, installs without the CA' {
        Set-Repo $s "    insecure_skip_tls_verify: true`n"
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Installed'
        (Get-HelmCall -Command repo | Where-Object { $_.argv[1] -eq 'add' })[0].argv | Should -Contain '--insecure-skip-tls-verify'
    }

    It 'hands helm a client certificate and pass_credentials, and the password on stdin only' {
        Set-Repo $s "    ca_file: $($s.Certs.Ca)`n    cert_file: $($s.Certs.Cert)`n    key_file: $($s.Certs.Key)`n    pass_credentials: true`n    username: chartuser`n    password: chart-pass`n"
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Installed'
        $add = (Get-HelmCall -Command repo | Where-Object { $_.argv[1] -eq 'add' })[0].argv
        $add | Should -Contain '--cert-file'
        $add | Should -Contain '--key-file'
        $add | Should -Contain '--pass-credentials'
        $add | Should -Contain '--password-stdin'
        $add | Should -Not -Contain 'chart-pass'
    }

    It 'names the file, line and key of a TLS file that is not there' {
        Set-Repo $s "    ca_file: certs/missing.pem`n"
        $e = { Invoke-SbkubeApply -Path $s.Example -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'Config.MissingFile*'
        "$e" | Should -Match "sources\.yaml:4.*'ca_file' 'certs/missing\.pem' of helm repo 'bitnami' in sources\.yaml not found"
    }
}
