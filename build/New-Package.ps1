<#
.SYNOPSIS
    Packs the built module folder into out/SBKube.<version>.nupkg, ready for PSGallery.
.DESCRIPTION
    Compress-PSResource (PSResourceGet, in the pinned PowerShell) validates the manifest the way the
    gallery does and writes the .nupkg, with the command tags that Find-PSResource -Command reads;
    no repository is registered in the user's settings.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet

$manifest = Test-ModuleManifest (Join-Path $ModulePath 'SBKube.psd1')
$staging = Join-Path ([IO.Path]::GetTempPath()) ('sbkube-pack-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $staging | Out-Null
try {
    Compress-PSResource -Path $ModulePath -DestinationPath $staging
    $package = Get-ChildItem $staging -Filter '*.nupkg' | Select-Object -First 1
    if (-not $package) { throw "Compress-PSResource produced no package in $staging" }
    $target = Join-Path $OutputPath "SBKube.$($manifest.Version).nupkg"
    Move-Item $package.FullName $target -Force
    Write-Host "Package: $target"
    Get-Item $target
}
finally {
    Remove-Item $staging -Recurse -Force -ErrorAction Ignore
}
