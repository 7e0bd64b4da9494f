using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

// Reads the assembly references of every managed DLL in the module folder and checks each against
// what a host provides: the framework's own assemblies at their versions, plus the module's copies.
// A reference to a framework assembly newer than the host's is exactly what made SBKube fail on .NET 8.
//
// usage: AssemblyCheck <module folder> <host>=<reference folder>[;<folder>...] ...
//        [--host-provided <name>,...] [--core-only <name>,...]
// A host named "desktop" also accepts references that only CoreCLR code paths use (--core-only).

var args2 = new List<string>(args);
string module = args2[0];
var hosts = new List<(string Name, string[] Folders)>();
var hostProvided = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
var coreOnly = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
for (int i = 1; i < args2.Count; i++)
{
    if (args2[i] == "--host-provided") { hostProvided.UnionWith(args2[++i].Split(',')); continue; }
    if (args2[i] == "--core-only") { coreOnly.UnionWith(args2[++i].Split(',')); continue; }
    string[] parts = args2[i].Split('=', 2);
    hosts.Add((parts[0], parts[1].Split(';')));
}

Dictionary<string, Version> shipped = ReadIdentities(Directory.EnumerateFiles(module, "*.dll", SearchOption.AllDirectories));
int problems = 0;
foreach ((string hostName, string[] folders) in hosts)
{
    Dictionary<string, Version> framework = ReadIdentities(folders.SelectMany(f => Directory.EnumerateFiles(f, "*.dll")));
    int checkedRefs = 0;
    foreach (string dll in Directory.EnumerateFiles(module, "*.dll", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
    {
        foreach ((string name, Version wanted) in ReadReferences(dll))
        {
            checkedRefs++;
            string? problem = null;
            if (framework.TryGetValue(name, out Version? provided))
            {
                if (provided < wanted && !(shipped.TryGetValue(name, out Version? own) && own >= wanted && hostName == "desktop"))
                {
                    problem = $"asks for {name} {wanted}; {hostName} provides {provided}";
                }
            }
            else if (shipped.TryGetValue(name, out Version? own))
            {
                if (own < wanted)
                {
                    problem = $"asks for {name} {wanted}; the module ships {own}";
                }
            }
            else if (!hostProvided.Contains(name) && !(hostName == "desktop" && coreOnly.Contains(name)))
            {
                problem = $"asks for {name} {wanted}, which neither {hostName} nor the module provides";
            }
            if (problem != null)
            {
                problems++;
                Console.WriteLine($"{hostName}: {Path.GetRelativePath(module, dll)} {problem}");
            }
        }
    }
    Console.WriteLine($"{hostName}: {checkedRefs} assembly references checked against {framework.Count} framework assemblies");
}
Console.WriteLine(problems == 0 ? "assembly check: ok" : $"assembly check: {problems} problem(s)");
return problems == 0 ? 0 : 1;

static Dictionary<string, Version> ReadIdentities(IEnumerable<string> files)
{
    var map = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
    foreach (string file in files)
    {
        using var stream = File.OpenRead(file);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            continue; // a native library
        }
        MetadataReader md = pe.GetMetadataReader();
        if (!md.IsAssembly)
        {
            continue;
        }
        AssemblyDefinition def = md.GetAssemblyDefinition();
        string name = md.GetString(def.Name);
        if (!map.TryGetValue(name, out Version? v) || v < def.Version)
        {
            map[name] = def.Version;
        }
    }
    return map;
}

static IEnumerable<(string Name, Version Version)> ReadReferences(string file)
{
    using var stream = File.OpenRead(file);
    using var pe = new PEReader(stream);
    if (!pe.HasMetadata)
    {
        yield break;
    }
    MetadataReader md = pe.GetMetadataReader();
    foreach (AssemblyReferenceHandle h in md.AssemblyReferences)
    {
        AssemblyReference r = md.GetAssemblyReference(h);
        yield return (md.GetString(r.Name), r.Version);
    }
}
