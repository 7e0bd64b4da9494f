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

Describe 'Repository credentials kept out of sources.yaml' {
    BeforeEach {
        $s = New-SbkubeSandbox
        function Set-Credentials([string] $Username, [string] $Password) {
            Set-Content (Join-Path $s.Example 'sources.yaml') ("helm_repos:`n  bitnami:`n    url: $($s.Cluster.Url)/auth/charts/bitnami`n" +
                "    username: $Username`n    password: $Password`n")
        }
    }
    AfterEach {
        Remove-Item Env:SBKUBE_TEST_CHARTS_PASSWORD, Function:\Get-Secret -ErrorAction Ignore
        Remove-SbkubeSandbox $s
    }

    It 'a password from an environment variable ({env: NAME}) reaches helm on stdin only' {
        $env:SBKUBE_TEST_CHARTS_PASSWORD = 'chart-pass'
        Set-Credentials 'chartuser' '{env: SBKUBE_TEST_CHARTS_PASSWORD}'
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Installed'
        (Get-HelmCall -Command repo | Where-Object { $_.argv[1] -eq 'add' })[0].argv | Should -Not -Contain 'chart-pass'
    }

    It 'an environment variable that is not set is Config.UnresolvedSecret at its line, and nothing runs' {
        Set-Credentials 'chartuser' '{env: SBKUBE_TEST_CHARTS_PASSWORD}'
        $e = { Invoke-SbkubeApply -Path $s.Example -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'Config.UnresolvedSecret*'
        "$e" | Should -Match "sources\.yaml:5.*'password' of helm repo 'bitnami' in sources\.yaml is the environment variable SBKUBE_TEST_CHARTS_PASSWORD, which is not set"
        @(Get-HelmCall) | Should -BeNullOrEmpty
    }

    It 'a password from a vault ({secret: NAME, vault: VAULT}) is read with Get-Secret' {
        # SecretManagement's command as a vault extension answers it (-Name, -Vault, -AsPlainText).
        function global:Get-Secret {
            [CmdletBinding()] param([string] $Name, [string] $Vault, [switch] $AsPlainText)
            if ($Name -eq 'charts' -and $Vault -eq 'CorpVault' -and $AsPlainText) { 'chart-pass' } else { Write-Error "no secret '$Name' in vault '$Vault'" }
        }
        Set-Credentials 'chartuser' '{secret: charts, vault: CorpVault}'
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Installed'
        Set-Credentials 'chartuser' '{secret: other, vault: CorpVault}'
        $e = { Invoke-SbkubeApply -Path $s.Example -Force -ErrorAction Stop } | Should -Throw -PassThru
        "$e" | Should -Match "is the secret 'other' of vault 'CorpVault', which cannot be read: no secret 'other'"
    }

    It 'without SecretManagement, a vault credential says what to install' {
        Set-Credentials 'chartuser' '{secret: charts}'
        @(Test-SbkubeConfig -Path $s.Example).Message | Should -Match 'Get-Secret is not available here: install the Microsoft\.PowerShell\.SecretManagement module'
        Test-SbkubeConfig -Path $s.Example -Quiet | Should -BeFalse
    }
}
