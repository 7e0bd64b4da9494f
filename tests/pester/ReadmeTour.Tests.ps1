# Issue 24: the README's five-minute tour runs top to bottom exactly as written, the way users run scripts: a fresh
# pwsh -NonInteractive, from the repository's root, inside a function that has $path, $app, $namespace and $revision
# variables. It must leave the repository's example untouched.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:RepoRoot = if ($env:SBKUBE_TEST_ROOT) { $env:SBKUBE_TEST_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }

    function Get-ExampleHash {
        Get-ChildItem (Join-Path $RepoRoot 'examples/state-management') -Recurse -File | Sort-Object FullName |
            ForEach-Object { "$($_.FullName)=$((Get-FileHash $_.FullName).Hash)" }
    }
}

Describe 'The README tour' {
    BeforeAll {
        $s = New-SbkubeSandbox -Example ''
        $readme = Get-Content (Join-Path $RepoRoot 'README.md') -Raw
        $section = @($readme -split '(?m)^## ' | Where-Object { $_ -like 'A five-minute tour*' })[0]
        $blocks = @([regex]::Matches($section, '(?s)```powershell\r?\n(.*?)```') | ForEach-Object { $_.Groups[1].Value })
        $exampleBefore = Get-ExampleHash
        $tourScript = "`$ErrorActionPreference = 'Stop'`nfunction Invoke-Tour {`n`$path = 'x'; `$app = 'y'; `$namespace = 'z'; `$revision = 0`n" +
            ($blocks -join "`n") + "`n'TOUR=' + `$tour`n}`nInvoke-Tour | Out-String -Width 200"
        $oldTemp = $env:TMPDIR
        $env:TMPDIR = $s.Dir
        Push-Location $RepoRoot
        try { $run = Invoke-FreshPwsh -Command $tourScript }
        finally {
            Pop-Location
            $env:TMPDIR = $oldTemp
        }
        $text = $run.Output -join "`n"
        $tourDir = ([regex]::Match($text, 'TOUR=(\S+)')).Groups[1].Value
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'has its two blocks, and runs to the end without an error' {
        $blocks.Count | Should -Be 2
        $run.ExitCode | Should -Be 0 -Because $text
        $tourDir | Should -BeLike "$($s.Dir)*" -Because 'the tour works on a copy in the temp folder'
    }

    It 'leaves the seed''s history: revision 3 failed with the reason, revision 4 the rollback to 2' {
        Invoke-Sqlite3 "SELECT revision || '|' || status || '|' || description FROM deployments ORDER BY revision;" (Join-Path $tourDir 'state.db') |
            Should -Be @('1|superseded|Initial deployment', '2|superseded|Updated values', '3|failed|Upgraded chart 17.13.2 → 18.0.0 (FAILED: bad chart)', '4|deployed|Rollback to revision 2 (bad chart)')
    }

    It 'shows the plan, each result, the comparison and the audit log it promises' {
        # One script's output: its first kind of object makes a table, the later kinds are listed.
        $text | Should -Match 'What if: .*Install: Initial deployment.* "state-demo/redis"'
        $text | Should -Match 'Outcome\s+: Upgraded'
        $text | Should -Match 'Path\s+: version\s+Reference\s+: 17\.13\.2\s+Difference\s+: 18\.0\.0'
        $text | Should -Match 'Action\s+: rollback'
    }

    It 'leaves the repository''s example as it was' {
        Get-ExampleHash | Should -Be $exampleBefore
    }
}
