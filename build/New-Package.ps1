<#
.SYNOPSIS
    Packs the built module folder into out/SBKube.<version>.nupkg, ready for PSGallery.
.DESCRIPTION
    Publishes to a throw-away local folder repository with PSResourceGet, which validates the
    manifest the way the gallery does and writes the .nupkg there.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet

$manifest = Test-ModuleManifest (Join-Path $ModulePath 'SBKube.psd1')
$repoName = 'sbkube-pack-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
$repoDir = Join-Path ([IO.Path]::GetTempPath()) $repoName
New-Item -ItemType Directory -Path $repoDir | Out-Null
try {
    Register-PSResourceRepository -Name $repoName -Uri $repoDir -Trusted
    Publish-PSResource -Path $ModulePath -Repository $repoName -SkipDependenciesCheck
    $package = Get-ChildItem $repoDir -Filter '*.nupkg' | Select-Object -First 1
    if (-not $package) { throw "Publish-PSResource produced no package in $repoDir" }
    $target = Join-Path $OutputPath "SBKube.$($manifest.Version).nupkg"
    Move-Item $package.FullName $target -Force
    Write-Host "Package: $target"
    Get-Item $target
}
finally {
    Unregister-PSResourceRepository -Name $repoName -ErrorAction Ignore
    Remove-Item $repoDir -Recurse -Force -ErrorAction Ignore
}
