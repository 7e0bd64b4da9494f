#requires -Version 7.2
<#
.SYNOPSIS
    Turns docs/cmdlets/*.md and docs/about_SBKube.md into the module's help files.
.DESCRIPTION
    Writes, under -ModulePath:
      en-US/SBKube.PowerShell.dll-Help.xml   MAML for the binary cmdlets (named after the RootModule
                                             assembly, which is where PowerShell looks for it)
      en-US/about_SBKube.help.txt            the conceptual topic

    Prose comes from the markdown; syntax, parameter types, parameter sets, Required, Position and
    pipeline input come from the built cmdlets themselves: a child pwsh imports <ModulePath>/SBKube.psd1
    and reports Get-Command's metadata as JSON, so the help can never disagree with the code about them.

    MARKDOWN FORMAT (docs/cmdlets/<Cmdlet-Name>.md, one file per cmdlet)

        # Verb-Noun                      the cmdlet name; must match the file name
        ## SYNOPSIS                      one short paragraph
        ## DESCRIPTION                   paragraphs, "- " bullet lists, fenced code blocks
        ## PARAMETERS
        ### -Name                        one section per parameter (common parameters excluded;
                                         -WhatIf and -Confirm are documented like any other).
                                         An optional last line "Default value: <text>" replaces the
                                         default value read from the cmdlet.
        ## EXAMPLES
        ### Example 1: Title             a ```powershell fenced block (the code, which must parse),
                                         then paragraphs explaining it. Text before the block is
                                         kept as part of the explanation.
        ## INPUTS                        ### <type name> sections with an explanation
        ## OUTPUTS                       ### <full type name> sections with an explanation
        ## NOTES                         paragraphs
        ## RELATED LINKS                 "- [Text](uri)" or "- Text" lines

    Headings are case-insensitive; unknown "##" sections are ignored with a warning. A SYNTAX section,
    if present, is ignored (syntax is generated). Inline markup is simplified for the console:
    `code` and **bold** lose their markers, [text](uri) becomes "text (uri)" unless uri is empty.

    docs/cmdlets/_CommonParameters.md (same "### -Name" sections under "## PARAMETERS") supplies the
    description of a parameter that a cmdlet page does not describe itself, e.g. the -StatePath,
    -Kubeconfig, -WhatIf and -Confirm parameters shared by many cmdlets.

    ABOUT TOPIC (docs/about_SBKube.md)
        "# about_SBKube", then "## SECTION" headings (SHORT DESCRIPTION first), paragraphs, "- " lists,
        "### Sub heading" and fenced code blocks. Converted to the classic .help.txt layout: headings in
        capitals at column 0, text wrapped at 80 columns and indented by 4, code indented by 8.

    A cmdlet without a page, or a parameter without a description, is reported as a warning here and
    fails tests/pester/Help.Tests.ps1.
.PARAMETER DocsPath
    The docs folder holding cmdlets/*.md and about_SBKube.md.
.PARAMETER ModulePath
    The assembled module folder (holding SBKube.psd1 and SBKube.PowerShell.dll).
.EXAMPLE
    ./build/Build-Help.ps1 -DocsPath ./docs -ModulePath ./out/SBKube
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$DocsPath = (Resolve-Path -LiteralPath $DocsPath).ProviderPath
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$manifest = Join-Path $ModulePath 'SBKube.psd1'
$helpDir = Join-Path $ModulePath 'en-US'
$mamlFile = Join-Path $helpDir 'SBKube.PowerShell.dll-Help.xml'
$aboutFile = Join-Path $helpDir 'about_SBKube.help.txt'

# One file per concern: reading the pages, asking the cmdlets, writing MAML, writing the about topic.
foreach ($part in 'MarkdownReader', 'CmdletMetadata', 'MamlWriter', 'AboutText') { . (Join-Path $PSScriptRoot "Help/$part.ps1") }


$cmdletDocs = Join-Path $DocsPath 'cmdlets'
$onlineBase = (Import-PowerShellDataFile $manifest).PrivateData.PSData.ProjectUri + '/blob/main/docs/cmdlets'
$docs = @{}
$shared = @{}
foreach ($file in (Get-ChildItem -LiteralPath $cmdletDocs -Filter *.md -ErrorAction Ignore)) {
    if ($file.BaseName -eq '_CommonParameters') {
        $sections = Split-Section ([System.IO.File]::ReadAllLines($file.FullName)) 2
        $key = $sections.Keys | Where-Object { $_ -eq 'PARAMETERS' } | Select-Object -First 1
        if ($key) { $shared = Read-ParameterSection $sections[$key] $file.Name }
        continue
    }
    $docs[$file.BaseName] = Read-CmdletDoc $file.FullName
}

$metadata = @(Get-CmdletMetadata $manifest)
New-Item -ItemType Directory -Force -Path $helpDir | Out-Null

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
# Written beside the target and moved into place at the end: a failed run leaves the previous file.
$partial = "$mamlFile.partial"
$writer = [System.Xml.XmlWriter]::Create($partial, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($prefix in 'maml', 'command', 'dev') { $writer.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix]) }
    $documented = 0
    foreach ($meta in $metadata) {
        $doc = $docs[$meta.Name]
        if (-not $doc) { Write-Warning "$($meta.Name) has no page docs/cmdlets/$($meta.Name).md: it gets no help."; continue }
        Write-CommandHelp $writer $meta $doc $shared
        $documented++
    }
    foreach ($name in $docs.Keys) {
        if (-not ($metadata | Where-Object Name -eq $name)) { Write-Warning "docs/cmdlets/$name.md describes a cmdlet the module does not export; skipped." }
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}
[xml] $null = Get-Content -LiteralPath $partial -Raw   # well-formed, or stop here
Move-Item -LiteralPath $partial -Destination $mamlFile -Force

$aboutSource = Join-Path $DocsPath 'about_SBKube.md'
if (Test-Path -LiteralPath $aboutSource) {
    [System.IO.File]::WriteAllText($aboutFile, (ConvertTo-AboutText $aboutSource), [System.Text.UTF8Encoding]::new($false))
}
else {
    Write-Warning "No ${aboutSource}: about_SBKube is not built."
}
Write-Host "Help: $documented of $($metadata.Count) cmdlets documented -> $mamlFile"
